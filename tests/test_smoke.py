from bwk_tui.services.room import auth
from db.models import Account, AuditLog


def test_room_fixture_logs_in_on_both_backends(room):
    assert room["coordinator"].is_coordinator
    assert not room["volunteer"].is_coordinator
    assert Account.select().count() == 2
    assert AuditLog.select().where(AuditLog.action == "login").count() == 2
    assert all(a.pin_hash.startswith("$argon2id$") for a in Account.select())
    assert auth.find_account("co").name == "Coby"
