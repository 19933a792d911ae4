"""The signed closing report: its text, kept inside the database with its closing."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap


from db.models import Account, CashClosing, ClosingReport

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services import room


def stored_text(closing_id: int) -> str:
    """The report as it was signed (kept in ``closing_report``); for a closing from before that
    table, made again from the closing's own figures."""
    kept = ClosingReport.get_or_none(ClosingReport.closing == closing_id)
    return kept.text if kept is not None else report_text(closing_id)


DESCRIPTION_WIDTH = 40  # wrapped at this width, never cut
WIDTH = 80  # the report's lines of text, for a printer and a terminal


@dataclasses.dataclass(frozen=True)
class Equation:
    """begin + in - out = expected; counted - expected = difference (the kasverschil apart)."""
    opening_cents: int
    in_cents: int
    out_cents: int
    expected_cents: int
    counted_cents: int
    difference_cents: int


def equation(c: CashClosing) -> Equation:
    """The closing's figures as one equation. Closings signed before it was one counted the
    kasverschil entry inside in or out (not inside expected): that entry is taken out again,
    so their report adds up too; their stored (hashed) figures stay as they were signed."""
    cash_in, cash_out, diff = c.in_cents, c.out_cents, c.difference_cents
    if diff and c.opening_cents + cash_in - cash_out == c.expected_cents + diff:
        if diff > 0:
            cash_in -= diff
        else:
            cash_out += diff
    return Equation(c.opening_cents, cash_in, cash_out, c.expected_cents, c.counted_cents, diff)


def report_text(closing_id: int) -> str:
    """The closing report as plain text (tabulate), to read on screen or print."""
    from tabulate import tabulate

    from bwk_tui.services.kernel.money import money
    from bwk_tui.services.kernel.clock import day as fmt_day, hours as fmt_hours, moment

    c = (CashClosing.select(CashClosing, Account.name.alias("signer"))
         .join(Account, on=(CashClosing.signed_by == Account.id))
         .where(CashClosing.id == closing_id).objects().first())
    s = json.loads(c.summary) if c.summary else {}
    room_name = room.current_room_name()
    lines = [t("report.title", room=room_name, day=fmt_day(c.day)), ""]
    eq = equation(c)
    lines.append(tabulate([
        [t("report.opening"), "", money(eq.opening_cents)],
        [t("report.in"), "+", money(eq.in_cents)],
        [t("report.out"), "−", money(eq.out_cents)],
        [t("report.expected"), "=", money(eq.expected_cents)],
        [t("report.counted"), "", money(eq.counted_cents)],
        [t("report.difference"), "", money(eq.difference_cents)],
    ], tablefmt="plain", colalign=("left", "center", "right")))
    if eq.difference_cents:
        lines += ["", textwrap.fill(t("report.difference_booked", amount=money(eq.difference_cents),
                                      reason=c.reason or t("closing.difference_entry")), WIDTH)]
    elif c.reason:
        lines += ["", textwrap.fill(t("report.reason", reason=c.reason), WIDTH)]
    pieces = [p.split(":") for p in c.counts.split(",") if p]
    rows = [[money(int(v)), n, money(int(v) * int(n))] for v, n in pieces if int(n)]
    if rows:
        lines += ["", tabulate(rows, headers=[t("report.denomination"), t("report.pieces"), t("report.value")],
                               tablefmt="simple", colalign=("right", "right", "right"))]
    entries = cash.entries(day=c.day, limit=1000, room_id=c.room_id)
    if entries:
        # Full descriptions, wrapped: the signed document says everything that was booked.
        lines += ["", tabulate([[e.receipt, e.category, e.description,
                                 money(e.amount_cents if e.direction == cash.IN else -e.amount_cents)]
                                for e in reversed(entries)],
                               headers=[t("report.receipt"), t("report.category"), t("report.description"),
                                        t("report.amount")], tablefmt="simple",
                               colalign=("left", "left", "left", "right"),
                               maxcolwidths=[None, 20, DESCRIPTION_WIDTH, None])]
    if s:
        lines += ["", tabulate([
            [t("report.visits"), s["visits"]], [t("report.households"), s["households"]],
            [t("report.walk_ins"), s["walk_ins"]], [t("report.new_persons"), s["new_persons"]],
            [t("report.matches"), s["matches_started"]], [t("report.follow_ups"), s["follow_ups_due"]],
            [t("report.match_check_ins"), s.get("match_check_ins_due", 0)],
            [t("report.volunteer_hours"), t("report.volunteer_hours_value", hours=fmt_hours(
                s.get("volunteer_minutes", 0)), volunteers=s.get("volunteers", 0))],
        ], tablefmt="simple")]
        if s.get("anonymised") or s.get("notes_removed"):  # the retention step (issue 13)
            lines += ["", t("report.retention", count=s.get("anonymised", 0), notes=s.get("notes_removed", 0))]
        if s["domains"]:
            lines += ["", tabulate(sorted(s["domains"].items(), key=lambda kv: -kv[1]),
                                   headers=[t("report.domain"), t("report.visits")], tablefmt="simple")]
    lines += ["", t("report.signed", name=c.signer, at=moment(c.signed_at)), f"sha256 {c.hash}", ""]
    return "\n".join(lines)


def closed_on(day: dt.date, room_id: int | None = None) -> int | None:
    """The id of the closing of ``day``, if it has been closed."""
    room_id = room_id or room.current_room_id()
    found = CashClosing.get_or_none(CashClosing.room == room_id, CashClosing.day == day)
    return found.id if found else None
