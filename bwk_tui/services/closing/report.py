"""The signed closing report: its text, and where the report of a closing is kept."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from db.models import (Account, CashClosing)

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services import room


def closings_dir() -> Path:
    return room.beside_database("afsluitingen")


def report_file(room_id: int, day: dt.date) -> Path:
    return closings_dir() / f"afsluiting-{room_id}-{day.isoformat()}.txt"


def report_path(closing_id: int) -> Path:
    """Where the closing's report is kept (written again from the database when missing)."""
    c = CashClosing.get_by_id(closing_id)
    path = report_file(c.room_id, c.day)
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(report_text(closing_id), encoding="utf-8")
        except OSError:
            pass
    return path


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
    lines.append(tabulate([
        [t("report.opening"), money(c.opening_cents)],
        [t("report.in"), money(c.in_cents)],
        [t("report.out"), money(c.out_cents)],
        [t("report.expected"), money(c.expected_cents)],
        [t("report.counted"), money(c.counted_cents)],
        [t("report.difference"), money(c.difference_cents)],
    ], tablefmt="simple", colalign=("left", "right")))
    if c.reason:
        lines += ["", t("report.reason", reason=c.reason)]
    pieces = [p.split(":") for p in c.counts.split(",") if p]
    rows = [[money(int(v)), n, money(int(v) * int(n))] for v, n in pieces if int(n)]
    if rows:
        lines += ["", tabulate(rows, headers=[t("report.denomination"), t("report.pieces"), t("report.value")],
                               tablefmt="simple", colalign=("right", "right", "right"))]
    entries = cash.entries(day=c.day, limit=1000, room_id=c.room_id)
    if entries:
        lines += ["", tabulate([[e.receipt, e.category, e.description[:40],
                                 money(e.amount_cents if e.direction == cash.IN else -e.amount_cents)]
                                for e in reversed(entries)],
                               headers=[t("report.receipt"), t("report.category"), t("report.description"),
                                        t("report.amount")], tablefmt="simple",
                               colalign=("left", "left", "left", "right"))]
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
