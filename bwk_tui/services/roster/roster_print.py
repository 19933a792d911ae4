"""The week on paper (for the wall of the room) and as csv/md, and the hours as a table.

Gaps are marked by a word and a symbol, never by colour alone: a printout has none.
"""
from __future__ import annotations


from bwk_tui.i18n import t
from bwk_tui.services.roster import allowance
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel import clock, tables
from bwk_tui.services.kernel.money import decimal
from bwk_tui.services.kernel.availability import DAGDELEN
from bwk_tui.services.roster.shifts import ShiftInfo, WeekView
from bwk_tui.services.roster.volunteers import skill_name
from bwk_tui.services.kernel.clock import time_text

FORMATS = tables.TEXT_FORMATS
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
    return clock.day(day, "EEE d MMM")


def render_week(view: WeekView, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        rows = []
        for day in view.days:
            if day.closed is not None:
                rows.append([day.day.isoformat(), "", "", "", 0, 0, 0, "", "", day.closed])
            for dagdeel in DAGDELEN:
                shift = day.shifts.get(dagdeel)
                if shift is not None:
                    rows.append([day.day.isoformat(), dagdeel, time_text(shift.starts_min),
                                 time_text(shift.ends_min), shift.needed, len(shift.planned), shift.short,
                                 shift.skill or "", "; ".join(p.name for p in shift.planned), ""])
        return tables.csv_text(["date", "dagdeel", "start", "end", "needed", "planned", "open", "skill", "names",
                                "closed"], rows)

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
    table = tables.text_table(headers, rows, fmt)
    title = t("roster.print_title", week=view.label, first=clock.day(view.monday, "d MMMM"),
              last=clock.day(view.days[-1].day, "d MMMM y"))
    if not view.shifts():
        summary = t("roster.print_empty")
    else:
        summary = t("roster.print_gaps", count=view.gaps) if view.gaps else t("roster.print_no_gaps")
    return f"{tables.heading(title, fmt)}\n\n{table}\n\n{summary}\n{t('roster.print_legend', gap=GAP, full=FULL)}\n"


def render_hours(lines: list[allowance.HoursLine], year: int, month: int, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        return tables.csv_text(["volunteer", "month_minutes", "year_minutes", "planned_minutes", "month_amount",
                                "year_amount", "over_month", "over_year"],
                               [[h.name, h.month_minutes, h.year_minutes, h.planned_minutes, decimal(h.month_cents),
                                 decimal(h.year_cents), int(h.over_month), int(h.over_year)] for h in lines])

    month = clock.month_name(year, month)
    headers = [t("roster.col_volunteer"), t("roster.col_hours_month", month=month),
               t("roster.col_hours_year", year=year), t("roster.col_planned"), t("roster.col_allowance_month"),
               t("roster.col_allowance_year")]
    rows = [[h.name, clock.hours(h.month_minutes), clock.hours(h.year_minutes),
             clock.hours(h.planned_minutes),
             money(h.month_cents) + (" ✗" if h.over_month else ""),
             money(h.year_cents) + (" ✗" if h.over_year else "")] for h in lines]
    total_m = sum(h.month_minutes for h in lines)
    total_y = sum(h.year_minutes for h in lines)
    rows.append([t("statement.total"), clock.hours(total_m), clock.hours(total_y), "", "", ""])
    table = tables.text_table(headers, rows, fmt, colalign=("left", "right", "right", "right", "right", "right"))
    return f"{table}\n"


