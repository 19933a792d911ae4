"""The closings' hash chain: each closing hashes its day's entries and figures together with the
previous closing's hash, so a changed or removed day is found (``bwk check``)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib


from db import database
from db.models import AuditLog, CashCategory, CashClosing, CashEntry

from bwk_tui.services.room import audit



def entry_lines(room_id: int, day: dt.date) -> list[str]:
    rows = (CashEntry.select(CashEntry, CashCategory.code).join(CashCategory)
            .where(CashEntry.room == room_id, CashEntry.entry_date == day).order_by(CashEntry.id).objects())
    return [f"{r.id}|{r.entry_date.isoformat()}|{r.direction}|{r.amount_cents}|{r.code}|{r.description}|"
            f"{r.receipt_year}-{r.receipt_no}|{r.reverses_id or ''}|{r.entered_by_id}" for r in rows]


def compute_hash(room_id: int, day: dt.date, fields: dict, prev_hash: str) -> str:
    head = "|".join(f"{k}={fields[k]}" for k in sorted(fields))
    text = "\n".join([f"room={room_id}|day={day.isoformat()}|{head}|prev={prev_hash}", *entry_lines(room_id, day)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_fields(c: CashClosing | dict) -> dict:
    get = (lambda k: c.get(k, "")) if isinstance(c, dict) else (lambda k: getattr(c, k))
    fields = {k: get(k) for k in ("opening_cents", "in_cents", "out_cents", "expected_cents", "counted_cents",
                                  "difference_cents", "reason", "counts", "signed_by_id")}
    if get("audit_hash"):  # closings from before migration 8 sealed no audit log: their hash stays as it was
        fields["audit_hash"] = get("audit_hash")
    return fields


@dataclasses.dataclass(frozen=True)
class ChainProblem:
    room_id: int
    day: dt.date
    what: str  # "hash" (the day's contents changed), "link" (a closing was removed or replaced) or
    # "sealed" (the audit log row whose hash the closing sealed is gone)


def verify_chain(room_id: int | None = None) -> list[ChainProblem]:
    """Recompute every closing's hash in order; report each day that no longer matches."""
    query = CashClosing.select().order_by(CashClosing.room, CashClosing.day)
    if room_id is not None:
        query = query.where(CashClosing.room == room_id)
    problems, prev = [], {}
    for c in query:
        expected_prev = prev.get(c.room_id, "")
        if c.prev_hash != expected_prev:
            problems.append(ChainProblem(c.room_id, c.day, "link"))
        if compute_hash(c.room_id, c.day, hash_fields(c), c.prev_hash) != c.hash:
            problems.append(ChainProblem(c.room_id, c.day, "hash"))
        elif c.audit_hash and not audit.has_row_with_hash(c.audit_hash):
            problems.append(ChainProblem(c.room_id, c.day, "sealed"))
        prev[c.room_id] = c.hash
    return problems


def logged_closing_problems() -> list[tuple[str, str]]:
    """Closings the audit log recorded that are gone or carry another hash: (day, "gone"|"rehashed").

    The chain of closings alone cannot see its newest closing deleted (no later closing points
    to it); the append-only audit log, whose own chain ``bwk check`` verifies, still has its row."""
    logged = (AuditLog.select(AuditLog.entity_id, AuditLog.detail)
              .where(AuditLog.action == "closing", AuditLog.entity == "cash_closing").tuples())
    hashes = dict(CashClosing.select(CashClosing.id, CashClosing.hash).tuples())
    problems = []
    for closing_id, detail in logged:
        day, _, recorded = (detail or "").partition(" hash=")
        if closing_id not in hashes:
            problems.append((day, "gone"))
        elif recorded and recorded != hashes[closing_id]:
            problems.append((day, "rehashed"))
    return problems


def _day_text(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def chain_findings() -> list:
    """``bwk check``'s findings on the closings' hash chain (from migration 4 on)."""
    from db.schema import schema_version

    from bwk_tui.services.room.check import Finding

    if schema_version(database.obj) < 4:  # no cash book yet
        return []
    problems = verify_chain()
    findings = [Finding(not problems, "check.cash_chain", {"count": len(problems)})]
    keys = {"link": "check.cash_day_link", "hash": "check.cash_day_changed", "sealed": "check.audit_sealed"}
    findings += [Finding(False, keys[p.what],
                         {"day": p.day.strftime("%d-%m-%Y"), "room": p.room_id}) for p in problems]
    logged = logged_closing_problems()
    findings.append(Finding(not logged, "check.closings_logged", {"count": len(logged)}))
    findings += [Finding(False, f"check.closing_{what}", {"day": _day_text(day)}) for day, what in logged]
    return findings
