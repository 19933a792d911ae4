"""The audit log: services write it, nobody can change or remove it."""
from __future__ import annotations

import pytest
from peewee import DatabaseError

from db import write
from db.models import Account, AuditLog

from bwk_tui.services.room import audit
from bwk_tui.services.room import auth


def _lines(db) -> list[tuple]:
    return [tuple(r) for r in db.execute_sql(
        "SELECT id, at, account_id, action, entity, entity_id, detail FROM audit_log ORDER BY id")]


def _refused(db, sql: str) -> str:
    with pytest.raises(DatabaseError) as info:
        with db.atomic():
            db.execute_sql(sql)
    return str(info.value)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET action = 'forged'",
    "UPDATE audit_log SET detail = 'x' WHERE id = (SELECT min(id) FROM audit_log)",
    "DELETE FROM audit_log",  # on SQLite the "truncate optimisation" case
    "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
])
def test_database_refuses_to_change_the_audit_log(db, room, sql):
    before = _lines(db)
    assert len(before) >= 3
    assert "append-only" in _refused(db, sql)
    assert _lines(db) == before


def test_orm_update_and_delete_are_refused_too(db, room):
    before = _lines(db)
    line = AuditLog.select().order_by(AuditLog.id).first()
    with pytest.raises(DatabaseError):
        with write():
            AuditLog.update(action="forged").where(AuditLog.id == line.id).execute()
    with pytest.raises(DatabaseError):
        with write():
            line.delete_instance()
    assert _lines(db) == before


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite: DELETE without WHERE, above
def test_truncate_is_refused_on_postgresql(db, room):
    before = _lines(db)
    assert "append-only" in _refused(db, "TRUNCATE audit_log")
    assert _lines(db) == before


def test_appending_is_allowed(db, room):
    before = AuditLog.select().count()
    audit.record(room["coordinator"].account_id, "test.append", "room", 1, "ok")
    assert AuditLog.select().count() == before + 1


def test_services_write_who_did_what_to_which_record(db, room):
    coordinator = room["coordinator"]
    created = auth.create_account(coordinator, "Wim", "volunteer", "855500")
    line = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert line.account_id == coordinator.account_id
    assert (line.action, line.entity, line.entity_id) == ("account.create", "account", created.id)
    assert line.at is not None

    auth.unlock(coordinator, created.id)
    line = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (line.account_id, line.action, line.entity, line.entity_id) == (
        coordinator.account_id, "account.unlock", "account", created.id)


def test_an_audit_line_goes_with_the_change_it_describes(db, room):
    """Recorded inside the change's transaction: a rolled-back change leaves no line."""
    before = _lines(db)
    with pytest.raises(RuntimeError):
        with write():
            audit.record(None, "doomed", "account", 1)
            raise RuntimeError("rollback")
    assert _lines(db) == before


def test_recent_is_newest_first_with_names(db, room):
    coordinator = room["coordinator"]
    for n in range(5):
        audit.record(coordinator.account_id, f"test.{n}", "thing", n, f"n={n}")
    audit.record(None, "test.system", "thing", None)

    lines = audit.recent(coordinator, limit=3)
    assert [line.action for line in lines] == ["test.system", "test.4", "test.3"]
    assert lines[0].account_name is None
    assert lines[1].account_name == "Coby"
    assert (lines[1].entity, lines[1].entity_id, lines[1].detail) == ("thing", 4, "n=4")
    assert lines[0].at >= lines[1].at >= lines[2].at

    # Keyset paging: the page before the oldest shown.
    last_id = AuditLog.select().where(AuditLog.action == "test.3").get().id
    older = audit.recent(coordinator, limit=2, before_id=last_id)
    assert [line.action for line in older] == ["test.2", "test.1"]


def test_recent_includes_lines_of_failed_logins_without_the_pin(db, room):
    with pytest.raises(auth.AuthFailed):
        auth.login("Vera", "97531864")
    line = audit.recent(room["coordinator"], limit=1)[0]
    assert line.action == "login.failed"
    assert line.entity_id == Account.get(Account.name == "Vera").id
    assert "97531864" not in repr(line)
