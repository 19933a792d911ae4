"""Funders' figures that cannot be subtracted back to a person (issue 13).

Primary suppression: a count of 1 to 4 is shown as ``<5``. Secondary suppression, the way
statistics offices do it: every figure from which a suppressed count (or a small complement)
can be worked out within the same report is shown as ``•`` too:

- a breakdown whose parts add up to a shown total (persons = new + returning; households per
  PC4, per housing corporation or per household size, when they add up to the households;
  persons per age band, when they add up to the persons): with exactly one part hidden, the
  next smallest part is hidden as well, so the hidden one cannot be subtracted out;
- a category next to its total (households or visits for one help domain, visits referred to one
  organisation, volunteers who were visitors first beside those on the roster): when the rest
  (total minus the category) is 1 to 4, the category is hidden;

repeated until nothing changes. Money and hours are never hidden. Exports also cover whole
months at least (``require_whole_months``): two reports a day apart would differ by one visit.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import Period
from bwk_tui.services.kernel.errors import UsageError
from bwk_tui.services.reports.reports import Report

PRIMARY = "<5"
SECONDARY = "•"
LOWEST = 5  # exports that leave the room never show a count below this (report_suppress_small)


def threshold() -> int:
    """Counts from 1 up to below this are hidden: the setting ``report_suppress_small``, never below 5."""
    from bwk_tui.services.room import settings

    return max(LOWEST, settings.get_int("report_suppress_small"))


def primary_mark(small_below: int = LOWEST) -> str:
    return f"<{small_below}"

Cell = tuple[int, int]  # (section index, row index)


@dataclasses.dataclass(frozen=True)
class Group:
    total: Cell
    parts: tuple[Cell, ...]
    rest_hidden: bool  # the parts are a subset of the total; the rest is not shown


def _find(report: Report, section_key: str, label_key: str | None = None) -> list[Cell]:
    title = t(section_key)
    for s, section in enumerate(report.sections):
        if section.title == title:
            if label_key is None:
                return [(s, r) for r in range(len(section.rows))]
            label = t(label_key)
            return [(s, r) for r, row in enumerate(section.rows) if row.label == label]
    return []


def groups(report: Report) -> list[Group]:
    """The relations between a report's figures that a reader could subtract with."""
    one = lambda cells: cells[0] if cells else None  # noqa: E731
    persons, households = one(_find(report, "reports.sec_reach", "reports.persons")), \
        one(_find(report, "reports.sec_reach", "reports.households"))
    visits = one(_find(report, "reports.sec_reach", "reports.visits"))
    new, returning = one(_find(report, "reports.sec_reach", "reports.new_persons")), \
        one(_find(report, "reports.sec_reach", "reports.returning_persons"))
    found: list[Group] = []
    if persons and new and returning:
        found.append(Group(persons, (new, returning), False))
    if households:
        for key in ("reports.sec_pc4", "reports.sec_corporations", "reports.sec_household_sizes"):
            cells = _find(report, key)
            if cells:
                found.append(Group(households, tuple(cells), False))
    if persons:
        cells = _find(report, "reports.sec_age_bands")
        if cells:
            found.append(Group(persons, tuple(cells), False))
    domain_cells = _find(report, "reports.sec_domains")
    for n, cell in enumerate(domain_cells):  # households, visits, households, visits, ... per domain
        total = households if n % 2 == 0 else visits
        if total:
            found.append(Group(total, (cell,), True))
    if visits:
        found += [Group(visits, (cell,), True) for cell in _find(report, "reports.sec_referrals")]
    on_roster = one(_find(report, "reports.sec_volunteers", "reports.volunteers_on_roster"))
    from_residents = one(_find(report, "reports.sec_volunteers", "reports.volunteers_from_residents"))
    if on_roster and from_residents:
        found.append(Group(on_roster, (from_residents,), True))
    return found


def protect(report: Report, enabled: bool = True, small_below: int = LOWEST) -> dict[tuple[int, int, int], int | str]:
    """What an export shows per (section, row, column): the figure, ``<5`` or ``•``. Column 0 is
    the period, 1 the same period a year earlier; each column is protected on its own. Counts from
    1 to ``small_below`` - 1 are small (never fewer than 1 to 4)."""
    small = range(1, max(LOWEST, small_below))
    mark = primary_mark(small.stop)
    shown: dict[tuple[int, int, int], int | str] = {}
    for column in (0, 1):
        values = {(s, r): (row.value if column == 0 else row.previous)
                  for s, section in enumerate(report.sections) for r, row in enumerate(section.rows)}
        counted = {cell for cell in values
                   if report.sections[cell[0]].rows[cell[1]].count and not report.sections[cell[0]].rows[cell[1]].money}
        hidden: dict[Cell, str] = {}
        if enabled:
            hidden = {cell: mark for cell in counted if values[cell] in small}
            _secondary(groups(report), values, counted, hidden, small)
        for cell, value in values.items():
            shown[(cell[0], cell[1], column)] = hidden.get(cell, value)
    return shown


def _secondary(found: list[Group], values: dict[Cell, int], counted: set[Cell], hidden: dict[Cell, str],
               small: range) -> None:
    changed = True
    while changed:
        changed = False
        for group in found:
            if group.total in hidden or group.total not in counted:
                continue
            parts = [p for p in group.parts if p in counted]
            total, part_sum = values[group.total], sum(values[p] for p in parts)
            unknown = [p for p in parts if p in hidden]
            if group.rest_hidden:
                if part_sum > total:
                    continue  # not a subset after all: nothing to subtract
                derivable = not unknown and (total - part_sum) in small
            else:
                if part_sum != total:
                    continue  # the parts do not add up to the total: no equation to solve
                derivable = len(unknown) == 1
            if not derivable:
                continue
            candidates = sorted((values[p], p) for p in parts if p not in hidden and values[p] > 0)
            target = candidates[0][1] if candidates else group.total
            hidden[target] = SECONDARY
            changed = True


def footnote(small_below: int = LOWEST) -> str:
    small_below = max(LOWEST, small_below)
    return t("reports.suppression_note", primary=primary_mark(small_below), highest=small_below - 1,
             secondary=SECONDARY)


def export_period(period: str | None, date_from: str | None, date_to: str | None) -> Period:
    """The period of an export: as asked, refused unless it is whole months; without one, this year
    up to the end of the last month that has ended (a month still running is not whole yet)."""
    if period or date_from or date_to:
        found = clock.parse_period(period, date_from, date_to)
        require_whole_months(found)
        return found
    last = clock.today().replace(day=1) - dt.timedelta(days=1)
    start = dt.date(last.year, 1, 1)
    return Period(start, last, f"{start.isoformat()} – {last.isoformat()}")


def require_whole_months(period: Period) -> None:
    """Exports cover whole months (one or more): a shorter period is refused (F6 shows exact counts)."""
    last_day = calendar.monthrange(period.end.year, period.end.month)[1]
    if period.start.day != 1 or period.end.day != last_day:
        raise UsageError("error.report_whole_months", start=period.start.strftime("%d-%m-%Y"),
                         end=period.end.strftime("%d-%m-%Y"))
