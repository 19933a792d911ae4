"""`bwk check`: is the database sound, and are its rules still in place?

The room's own checks are here; desks register theirs (``register``). Call
``bwk_tui.services.load_desks()`` first so that every desk's checks run.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from db import database, is_sqlite
from db.schema import latest_version, schema_version

from bwk_tui.services.room import audit, auth


@dataclasses.dataclass(frozen=True)
class Finding:
    ok: bool
    key: str
    params: dict


# Checks the desks add (the closing's hash chain): each returns its findings.
_CHECKS: list[Callable[[], list[Finding]]] = []


def register(desk_check: Callable[[], list[Finding]]) -> None:
    """Add a desk's own check to ``bwk check`` (called from the desk package's ``__init__``)."""
    if desk_check not in _CHECKS:
        _CHECKS.append(desk_check)


def _sqlite_checks(db) -> list[Finding]:
    findings = []
    result = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall()]
    findings.append(Finding(result == ["ok"], "check.integrity", {"detail": "; ".join(result[:5])}))
    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    findings.append(Finding(not broken, "check.foreign_keys", {"count": len(broken)}))
    triggers = {row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'").fetchall()}
    findings.append(Finding({"audit_log_no_update", "audit_log_no_delete"} <= triggers,
                            "check.audit_guard", {}))
    return findings


def _postgres_checks(db) -> list[Finding]:
    # Only enabled triggers count: ALTER TABLE ... DISABLE TRIGGER would leave the log open.
    triggers = {row[0] for row in db.execute_sql(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal "
        "AND tgenabled <> 'D'").fetchall()}
    return [Finding({"audit_log_append_only", "audit_log_no_truncate"} <= triggers, "check.audit_guard", {})]


def _guard_findings(db, version: int) -> list[Finding]:
    """Every protective trigger there, enabled, with its definition (room/guards.py)."""
    from bwk_tui.services.room import guards

    problems = guards.sqlite_problems(db, version) if is_sqlite(db) else guards.postgres_problems(db, version)
    findings = [Finding(not problems, "check.guards", {"count": len(problems)})]
    findings += [Finding(False, f"check.guard_{p.what}", {"name": p.name}) for p in problems]
    return findings


def run_check() -> list[Finding]:
    db = database.obj
    findings = _sqlite_checks(db) if is_sqlite(db) else _postgres_checks(db)
    version = schema_version(db)
    findings.append(Finding(version == latest_version(), "check.schema",
                            {"version": version, "latest": latest_version()}))
    findings.append(Finding(auth.has_coordinator(), "check.coordinator", {}))
    if version >= 8:  # the audit log is a hash chain from migration 8 on
        broken = audit.first_broken_row()
        findings.append(Finding(broken is None, "check.audit_chain", {}))
        if broken is not None:
            findings.append(Finding(False, "check.audit_row", {"row": broken}))
    findings += _guard_findings(db, version)
    for desk_check in _CHECKS:
        findings += desk_check()
    return findings
