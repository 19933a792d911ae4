"""`bwk check` for the cash book: every room's balance, recomputed day by day from the entries,
never below zero, and the balance the database keeps (migration 0009) equal to the sum."""
from __future__ import annotations

from db.models import CashBalance, CashEntry, Room

from bwk_tui.services.cash.cash import _signed
from bwk_tui.services.kernel.money import money
from bwk_tui.services.room.check import Finding

SHOWN = 10  # days listed per problem; the count says how many there are


def balance_findings() -> list[Finding]:
    negative, mismatched = [], []
    kept = dict(CashBalance.select(CashBalance.room, CashBalance.balance_cents).tuples())
    for room_id, room_name in Room.select(Room.id, Room.name).order_by(Room.id).tuples():
        running = 0
        days = (CashEntry.select(CashEntry.entry_date, _signed()).where(CashEntry.room == room_id)
                .group_by(CashEntry.entry_date).order_by(CashEntry.entry_date).tuples())
        for day, delta in days:
            running += int(delta or 0)
            if running < 0:
                negative.append((day, room_name, running))
        if kept.get(room_id, 0) != running:
            mismatched.append((room_name, running, kept.get(room_id, 0)))
    findings = [Finding(not negative, "check.cash_balance", {"count": len(negative)})]
    findings += [Finding(False, "check.cash_balance_day", {"day": day.strftime("%d-%m-%Y"), "room": name,
                                                           "balance": money(cents)})
                 for day, name, cents in negative[:SHOWN]]
    findings += [Finding(False, "check.cash_balance_kept", {"room": name, "sum": money(total), "kept": money(k)})
                 for name, total, k in mismatched]
    return findings
