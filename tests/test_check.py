"""`bwk check` (services/check.py): a sound database passes; a broken rule is reported."""
from __future__ import annotations

import pytest

from db import is_sqlite
from db.schema import HISTORY_TABLE, latest_version

from bwk_tui.services.room.check import run_check


def _by_key(findings) -> dict:
    return {f.key: f for f in findings}


def test_clean_database_passes(db, room):
    findings = run_check()
    assert findings and all(f.ok for f in findings), findings
    keys = set(_by_key(findings))
    assert {"check.audit_guard", "check.schema", "check.coordinator"} <= keys
    if is_sqlite(db):
        assert {"check.integrity", "check.foreign_keys"} <= keys


def test_missing_audit_guard_is_reported(db, room):
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER audit_log_no_update")
    else:
        db.execute_sql("DROP TRIGGER audit_log_append_only ON audit_log")
    found = _by_key(run_check())
    assert not found["check.audit_guard"].ok
    assert found["check.schema"].ok


def test_missing_delete_guard_is_reported(db, room):
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER audit_log_no_delete")
    else:
        db.execute_sql("DROP TRIGGER audit_log_no_truncate ON audit_log")
    assert not _by_key(run_check())["check.audit_guard"].ok


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite triggers cannot be disabled
def test_disabled_audit_guard_is_reported_on_postgresql(db, room):
    db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    assert not _by_key(run_check())["check.audit_guard"].ok


def test_broken_foreign_key_is_reported(sqlite_room, sqlite_db):
    sqlite_db.execute_sql("PRAGMA foreign_keys = OFF")
    sqlite_db.execute_sql(
        "INSERT INTO audit_log (at, account_id, action, entity, detail) "
        "VALUES ('2026-01-01 10:00:00', 4242, 'forged', 'account', '')")
    sqlite_db.execute_sql("PRAGMA foreign_keys = ON")
    found = _by_key(run_check())
    assert not found["check.foreign_keys"].ok
    assert found["check.foreign_keys"].params["count"] == 1
    assert found["check.integrity"].ok


def test_outdated_schema_is_reported(db, room):
    newest = db.execute_sql(f'SELECT max(name) FROM "{HISTORY_TABLE}"').fetchone()[0]
    db.execute_sql(f'DELETE FROM "{HISTORY_TABLE}" WHERE name = {db.param}', (newest,))
    found = _by_key(run_check())
    assert not found["check.schema"].ok
    assert found["check.schema"].params == {"version": latest_version() - 1, "latest": latest_version()}


def test_missing_coordinator_is_reported(db):
    found = _by_key(run_check())
    assert not found["check.coordinator"].ok


def test_a_day_below_zero_is_reported(db, room):
    """`bwk check` recomputes each room's balance day by day (issue 21): a day below zero that
    got past the guards (here: the trigger dropped) is named, and so is the kept balance."""
    import datetime as dt

    from db.models import CashCategory, CashEntry

    from bwk_tui.services import load_desks
    from bwk_tui.services import room as room_service

    load_desks()
    assert _by_key(run_check())["check.cash_balance"].ok
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER cash_entry_balance_guard")
    else:
        db.execute_sql("DROP TRIGGER cash_entry_balance ON cash_entry")
    category = CashCategory.get(CashCategory.code == "boodschappen").id
    CashEntry.create(room=room_service.current_room_id(), entry_date=dt.date(2026, 3, 2), direction="out",
                     amount_cents=4000, category=category, receipt_year=2026, receipt_no=1,
                     entered_by=room["coordinator"].account_id, entered_at=dt.datetime(2026, 3, 2, 10))
    findings = run_check()
    assert not _by_key(findings)["check.cash_balance"].ok
    day = _by_key(findings)["check.cash_balance_day"]
    assert day.params["day"] == "02-03-2026" and "40,00" in day.params["balance"]
    if not is_sqlite(db):  # the kept balance did not move without its trigger
        assert not _by_key(findings)["check.cash_balance_kept"].ok
