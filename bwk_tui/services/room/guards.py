"""`bwk check`: are the database's protective triggers all there, with the definitions bwk gave them?

The triggers keep the audit log and the cash book append-only, closed days closed (cash and
visitor log) and the cash box at or above zero. Someone who drops or rewrites one leaves data
that still looks fine; this finds it.

On SQLite each trigger's stored CREATE statement is compared with what the migrations create on
a fresh in-memory database at the same schema version. On PostgreSQL each trigger must exist on
its table, be enabled, fire at its timing on its events for each row or statement, call its
function, and that function's body must still hold its refusal.
"""
from __future__ import annotations

import dataclasses
import functools
import re

from peewee import Database, SqliteDatabase

from db.schema import upgrade


@dataclasses.dataclass(frozen=True)
class Problem:
    name: str
    what: str  # "missing", "changed" or "disabled"


# PostgreSQL: trigger, table, timing, events, per, function, text its function's body must hold,
# the migration from which it is so.
_PG_GUARDS = (
    ("audit_log_append_only", "audit_log", "BEFORE", {"UPDATE", "DELETE"}, "ROW", "bwk_append_only",
     "is append-only", 1),
    ("audit_log_no_truncate", "audit_log", "BEFORE", {"TRUNCATE"}, "STATEMENT", "bwk_append_only",
     "is append-only", 1),
    ("cash_entry_append_only", "cash_entry", "BEFORE", {"UPDATE", "DELETE"}, "ROW", "bwk_append_only",
     "is append-only", 4),
    ("cash_entry_no_truncate", "cash_entry", "BEFORE", {"TRUNCATE"}, "STATEMENT", "bwk_append_only",
     "is append-only", 4),
    ("cash_closing_append_only", "cash_closing", "BEFORE", {"UPDATE", "DELETE"}, "ROW", "bwk_append_only",
     "is append-only", 4),
    ("cash_closing_no_truncate", "cash_closing", "BEFORE", {"TRUNCATE"}, "STATEMENT", "bwk_append_only",
     "is append-only", 4),
    ("cash_entry_closed_day", "cash_entry", "BEFORE", {"INSERT"}, "ROW", "bwk_cash_day_closed",
     "cash day is closed", 4),
    ("cash_entry_balance", "cash_entry", "BEFORE", {"INSERT"}, "ROW", "bwk_cash_balance",
     "cash balance would go below zero", 9),
    ("visit_closed_day", "visit", "BEFORE", {"INSERT", "UPDATE", "DELETE"}, "ROW", "bwk_visit_day_closed",
     "visit day is closed", 11),
    ("walk_in_closed_day", "walk_in", "BEFORE", {"INSERT", "UPDATE", "DELETE"}, "ROW", "bwk_walk_in_day_closed",
     "visit day is closed", 11),
    ("visit_domain_closed_day", "visit_domain", "BEFORE", {"INSERT", "UPDATE", "DELETE"}, "ROW",
     "bwk_visit_domain_day_closed", "visit day is closed", 11),
)
# From migration 0011 the cash guard refuses every day on or before the latest closing.
_PG_LATEST_CLOSING = "NEW.entry_date <= (SELECT MAX(c.day) FROM cash_closing c WHERE c.room_id = NEW.room_id)"

_TRIGGERDEF = re.compile(r"CREATE (?:CONSTRAINT )?TRIGGER (\S+) (BEFORE|AFTER|INSTEAD OF) (.+?) ON (\S+) "
                         r"(?:.*?)FOR EACH (ROW|STATEMENT) (?:.*?)EXECUTE (?:FUNCTION|PROCEDURE) (\S+?)\(\)")


@functools.lru_cache(maxsize=4)
def _sqlite_expected(version: int) -> dict[str, str]:
    """What the migrations up to ``version`` make of the triggers, on a fresh database."""
    fresh = SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    fresh.connect()
    try:
        upgrade(fresh, target=version)
        return dict(fresh.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    finally:
        fresh.close()


def sqlite_problems(db: Database, version: int) -> list[Problem]:
    expected = _sqlite_expected(version)
    found = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    problems = []
    for name in sorted(expected):
        if name not in found:
            problems.append(Problem(name, "missing"))
        elif " ".join(found[name].split()) != " ".join(expected[name].split()):
            problems.append(Problem(name, "changed"))
    return problems


def postgres_problems(db: Database, version: int) -> list[Problem]:
    rows = db.execute_sql(
        "SELECT t.tgname, c.relname, t.tgenabled, pg_get_triggerdef(t.oid), p.proname, p.prosrc "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)").fetchall()
    found = {(name, table): (enabled, definition, function, body)
             for name, table, enabled, definition, function, body in rows}
    problems = []
    for name, table, timing, events, per, function, holds, since in _PG_GUARDS:
        if version < since:
            continue
        if (name, table) not in found:
            problems.append(Problem(name, "missing"))
            continue
        enabled, definition, actual_function, body = found[(name, table)]
        match = _TRIGGERDEF.match(definition)
        must_hold = [holds] + ([_PG_LATEST_CLOSING] if name == "cash_entry_closed_day" and version >= 11 else [])
        if (match is None or match.group(2) != timing or set(match.group(3).split(" OR ")) != events
                or match.group(5) != per or actual_function != function
                or not all(text in (body or "") for text in must_hold)):
            problems.append(Problem(name, "changed"))
        elif enabled == "D":
            problems.append(Problem(name, "disabled"))
    return problems
