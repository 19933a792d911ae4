"""The audit log as a hash chain: a row changed or removed behind the append-only guard's back
(drop the trigger, change, put the trigger back) is found by ``bwk check``, which names the row;
each closing seals the chain's head; edits record what changed. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

import rawdb

from db import is_sqlite
from db.models import AuditLog, CashCategory, CashClosing
from db.schema import latest_version, upgrade

from bwk_tui.services.cash import cash
from bwk_tui.services.closing import chain, closing
from bwk_tui.services.room import audit, check, settings


def _lift_guard(db) -> None:
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER audit_log_no_update")
        db.execute_sql("DROP TRIGGER audit_log_no_delete")
    else:
        db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")


def _restore_guard(db) -> None:
    if is_sqlite(db):
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    else:
        db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def _tamper(db, sql: str, *params) -> None:
    """What an attacker with the database file does: lift the guard, change, put it back."""
    with db.atomic():
        _lift_guard(db)
        db.execute_sql(sql, params)
        _restore_guard(db)


def _ids() -> list[int]:
    return [r.id for r in AuditLog.select(AuditLog.id).order_by(AuditLog.id)]


def _mark(db) -> str:
    return "?" if is_sqlite(db) else "%s"


def _findings() -> dict[str, bool]:
    return {f.key: f.ok for f in check.run_check()}


def test_every_row_is_chained_to_the_one_before(db, room):
    for n in range(3):
        audit.record(None, "test", "thing", n, f"n={n}")
    rows = list(AuditLog.select().order_by(AuditLog.id))
    assert len(rows) >= 5 and all(len(r.hash) == 64 for r in rows)
    assert len({r.hash for r in rows}) == len(rows)
    assert audit.first_broken_row() is None and audit.head() == rows[-1].hash
    assert _findings()["check.audit_chain"] is True


@pytest.mark.parametrize("what", ["detail", "action", "account", "at"])
def test_a_changed_row_is_named(db, room, what):
    for n in range(4):
        audit.record(None, "test", "thing", n, f"n={n}")
    victim = _ids()[2]
    column, value = {"detail": ("detail", "vervalst"), "action": ("action", "forged"),
                     "account": ("account_id", room["coordinator"].account_id), "at": ("at", "2020-01-01 00:00:00")}[what]
    _tamper(db, f"UPDATE audit_log SET {column} = {_mark(db)} WHERE id = {_mark(db)}", value, victim)
    assert audit.first_broken_row() == victim
    found = check.run_check()
    assert ("check.audit_chain", False) in [(f.key, f.ok) for f in found]
    assert ("check.audit_row", {"row": victim}) in [(f.key, f.params) for f in found if not f.ok]


def test_a_removed_row_breaks_the_chain_at_the_next_one(db, room):
    for n in range(4):
        audit.record(None, "test", "thing", n, f"n={n}")
    ids = _ids()
    _tamper(db, f"DELETE FROM audit_log WHERE id = {_mark(db)}", ids[1])
    assert audit.first_broken_row() == ids[2]


def test_a_row_forged_with_its_own_hash_still_breaks_the_chain_after_it(db, room):
    """An attacker who recomputes the changed row's hash must recompute every later hash too."""
    from db.chain import row_hash

    for n in range(3):
        audit.record(None, "test", "thing", n, f"n={n}")
    rows = list(AuditLog.select().order_by(AuditLog.id))
    victim, before = rows[-2], rows[-3]
    forged = row_hash(before.hash, victim.at, victim.account_id, victim.action, victim.entity, victim.entity_id,
                      "vervalst")
    m = _mark(db)
    _tamper(db, f"UPDATE audit_log SET detail = {m}, hash = {m} WHERE id = {m}", "vervalst", forged, victim.id)
    assert audit.first_broken_row() == rows[-1].id


def test_the_closing_seals_the_chains_head(db, boss):
    cash.add_entry(boss, "in", "20", CashCategory.get(CashCategory.code == "koffie").id, "koffiepot")
    closing.close(boss, {1000: 2}, "", "246813")
    sealed = CashClosing.get()
    assert sealed.audit_hash and audit.has_row_with_hash(sealed.audit_hash)
    assert chain.verify_chain() == []
    # Remove the sealed row and everything after it: the rest of the chain still holds,
    # but the closing's seal names a row that is gone.
    sealed_id = AuditLog.get(AuditLog.hash == sealed.audit_hash).id
    _tamper(db, f"DELETE FROM audit_log WHERE id >= {_mark(db)}", sealed_id)
    assert audit.first_broken_row() is None
    assert [p.what for p in chain.verify_chain()] == ["sealed"]
    assert _findings()["check.cash_chain"] is False


def test_an_edit_records_the_old_and_new_values(db, room):
    settings.change("idle_lock_minutes", "7", actor_id=room["coordinator"].account_id)
    line = AuditLog.select().where(AuditLog.action == "setting.change").order_by(AuditLog.id.desc()).get()
    assert json.loads(line.detail) == {"key": "idle_lock_minutes", "changed": {"idle_lock_minutes": ["3", "7"]}}


def test_a_note_or_a_pin_is_only_said_to_have_changed():
    detail = json.loads(audit.change_detail({"note": "Brief van de Belastingdienst", "pc4": 1103, "pin": "1"},
                                            {"note": "Andere brief", "pc4": 1104, "pin": "2"}))
    assert detail == {"changed": {"note": "gewijzigd", "pc4": [1103, 1104], "pin": "gewijzigd"}}


def test_migration_8_chains_the_rows_that_were_there(db_url):
    from db import open_database

    db = open_database(db_url)
    db.connect()
    try:
        upgrade(db, target=7)
        for n in range(3):
            db.execute_sql(f"INSERT INTO audit_log (at, action, entity, detail) VALUES "
                           f"('2026-0{n + 1}-01 10:00:00', 'old', 'thing', 'n={n}')")
        upgrade(db)
        assert latest_version() >= 8
        assert [len(r.hash) for r in AuditLog.select().order_by(AuditLog.id)] == [64, 64, 64]
        assert audit.first_broken_row() is None
        # and the guard is back
        with pytest.raises(Exception):
            with db.atomic():
                db.execute_sql("UPDATE audit_log SET detail = 'x'")
    finally:
        db.close()


def test_bwk_check_names_the_tampered_row(tmp_path):
    dbfile = str(tmp_path / "room.sqlite3")

    def bwk(*args, stdin=""):
        result = subprocess.run([sys.executable, "-m", "bwk_tui", "--db", dbfile, *args], input=stdin,
                                capture_output=True, text=True, timeout=120)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    assert bwk("init", "--coordinator", "Coby", "--pin-stdin", "--room", "De Kameleon", stdin="246813\n").returncode == 0
    assert bwk("check", "--as", "Coby", "--pin-stdin", stdin="246813\n").returncode == 0
    con = rawdb.connect(dbfile)
    [(first,)] = con.execute("SELECT min(id) FROM audit_log").fetchall()
    con.executescript(f"""
        DROP TRIGGER audit_log_no_update;
        UPDATE audit_log SET detail = 'vervalst' WHERE id = {first};
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    """)
    con.close()
    bad = bwk("check", "--as", "Coby", "--pin-stdin", stdin="246813\n")
    assert bad.returncode == 1
    assert "[FOUT] Logboek onveranderd (hashketen klopt)" in bad.stdout
    assert f"logboekregel {first} klopt niet met de keten" in bad.stdout


def test_a_restore_is_recorded_in_the_restored_database_and_check_still_passes(sqlite_db, sqlite_room, tmp_path):
    from bwk_tui.services.room import backup

    boss = sqlite_room["coordinator"]
    made = backup.take_backup(tmp_path / "kopie", actor_id=boss.account_id)
    for n in range(3):
        audit.record(boss.account_id, "after.backup", "thing", n)
    backup.restore(made.path, actor_id=boss.account_id)
    last = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (last.action, last.account_id) == ("restore", boss.account_id) and made.path.name in last.detail
    assert AuditLog.select().where(AuditLog.action == "after.backup").count() == 0
    assert all(f.ok for f in check.run_check())
