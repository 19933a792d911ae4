"""The week on paper (for the wall of the room) and as csv/md, and the hours as a table.

Gaps are marked by a word and a symbol, never by colour alone: a printout has none.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from bwk_tui.i18n import t
from bwk_tui.services.roster import allowance
from bwk_tui.services.kernel import formatting
from bwk_tui.services.kernel.availability import DAGDELEN
from bwk_tui.services.roster.roster import ShiftInfo, WeekView, skill_name, time_text

FORMATS = ("table", "csv", "md")
GAP = "✗"
FULL = "✓"


def count_text(shift: ShiftInfo) -> str:
    """"✓ 2/2" or "✗ 1/3": the symbol says it without colour."""
    return f"{GAP if shift.short else FULL} {len(shift.planned)}/{shift.needed}"


def cell_text(shift: ShiftInfo, separator: str = ", ") -> str:
    """"✗ 1/2 Ans · nog 1 nodig (taal)" for the printed week."""
    parts = [count_text(shift)]
    names = separator.join(p.name for p in shift.planned)
    if names:
        parts.append(names)
    if shift.short:
        need = t("roster.print_short", count=shift.short)
        parts.append(f"{need} ({skill_name(shift.skill)})" if shift.skill else need)
    return " · ".join(parts)


def _day_label(day) -> str:
    return formatting.day(day, "EEE d MMM")


def render_week(view: WeekView, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["date", "dagdeel", "start", "end", "needed", "planned", "open", "skill", "names",
                         "closed"])
        for day in view.days:
            if day.closed is not None:
                writer.writerow([day.day.isoformat(), "", "", "", 0, 0, 0, "", "", day.closed])
            for dagdeel in DAGDELEN:
                shift = day.shifts.get(dagdeel)
                if shift is not None:
                    writer.writerow([day.day.isoformat(), dagdeel, time_text(shift.starts_min),
                                     time_text(shift.ends_min), shift.needed, len(shift.planned), shift.short,
                                     shift.skill or "", "; ".join(p.name for p in shift.planned), ""])
        return buffer.getvalue()
    from tabulate import tabulate

    headers = [t("roster.col_day")] + [t(f"roster.dagdeel_{p}").capitalize() for p in view.dagdelen]
    rows = []
    for day in view.days:
        if day.closed is not None:
            rows.append([_day_label(day.day)] + [t("roster.closed", reason=day.closed)] + [""] * (len(view.dagdelen) - 1))
            continue
        cells = []
        for dagdeel in view.dagdelen:
            shift = day.shifts.get(dagdeel)
            cells.append(cell_text(shift) if shift else "–")
        rows.append([_day_label(day.day)] + cells)
    table = tabulate(rows, headers=headers, tablefmt="pipe" if fmt == "md" else "simple", disable_numparse=True)
    title = t("roster.print_title", week=view.label, first=formatting.day(view.monday, "d MMMM"),
              last=formatting.day(view.days[-1].day, "d MMMM y"))
    if not view.shifts():
        summary = t("roster.print_empty")
    else:
        summary = t("roster.print_gaps", count=view.gaps) if view.gaps else t("roster.print_no_gaps")
    heading = f"# {title}" if fmt == "md" else title
    return f"{heading}\n\n{table}\n\n{summary}\n{t('roster.print_legend', gap=GAP, full=FULL)}\n"


def render_hours(lines: list[allowance.HoursLine], year: int, month: int, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        from bwk_tui.services.cash.cash_export import decimal

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["volunteer", "month_minutes", "year_minutes", "planned_minutes", "month_amount",
                         "year_amount", "over_month", "over_year"])
        for h in lines:
            writer.writerow([h.name, h.month_minutes, h.year_minutes, h.planned_minutes, decimal(h.month_cents),
                             decimal(h.year_cents), int(h.over_month), int(h.over_year)])
        return buffer.getvalue()
    from tabulate import tabulate

    month = formatting.month_name(year, month)
    headers = [t("roster.col_volunteer"), t("roster.col_hours_month", month=month),
               t("roster.col_hours_year", year=year), t("roster.col_planned"), t("roster.col_allowance_month"),
               t("roster.col_allowance_year")]
    rows = [[h.name, formatting.hours(h.month_minutes), formatting.hours(h.year_minutes),
             formatting.hours(h.planned_minutes),
             formatting.money(h.month_cents) + (" ✗" if h.over_month else ""),
             formatting.money(h.year_cents) + (" ✗" if h.over_year else "")] for h in lines]
    total_m = sum(h.month_minutes for h in lines)
    total_y = sum(h.year_minutes for h in lines)
    rows.append([t("statement.total"), formatting.hours(total_m), formatting.hours(total_y), "", "", ""])
    table = tabulate(rows, headers=headers, tablefmt="pipe" if fmt == "md" else "simple",
                     colalign=("left", "right", "right", "right", "right", "right"), disable_numparse=True)
    return f"{table}\n"


def write_text(text: str, path: str | os.PathLike) -> Path:
    """All or nothing, like every export."""
    from bwk_tui.services.kernel.files import write_atomically

    path = Path(path)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            out.write(text)

    write_atomically(path, write)
    return path
