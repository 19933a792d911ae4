"""The funders' report: whom the room reaches, per theme, neighbourhood and corporation.

A report covers a period (a month, a quarter, a year, or from/to) and shows every
figure beside the same period a year earlier. Counts are exact here; exports hide
counts from 1 to 4 (see ``suppress``) so that no resident can be recognised.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from peewee import fn

from db.models import Person, Visit

from bwk_tui.services import room, settings
from bwk_tui.services.clock import today
from bwk_tui.services.errors import InvalidInput, UsageError


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def year_earlier(self) -> "Period":
        def back(d: dt.date) -> dt.date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:  # 29 February
                return d.replace(year=d.year - 1, day=28)
        start, end = back(self.start), back(self.end)
        if self.label.startswith(str(self.start.year)) and "–" not in self.label:
            return Period(start, end, str(start.year) + self.label[4:])  # 2026-Q3 -> 2025-Q3
        return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")


_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("error.report_date", option=option, value=text) from None


def parse_period(period: str | None = None, date_from: str | None = None, date_to: str | None = None) -> Period:
    """``2026-Q3``, ``2026-07``, ``2026``, or ``--from``/``--to`` (ISO dates); default: this year so far."""
    if period and (date_from or date_to):
        raise UsageError("error.report_period_and_dates")
    if period:
        text = period.strip()
        if m := _QUARTER.match(text):
            year, q = int(m.group(1)), int(m.group(2))
            return Period(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}-Q{q}")
        if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
            year, month = int(m.group(1)), int(m.group(2))
            return Period(dt.date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
        if m := _YEAR.match(text):
            year = int(m.group(1))
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
        raise UsageError("error.report_period", period=period)
    if date_from or date_to:
        start = _date(date_from, "--from") if date_from else dt.date(today().year, 1, 1)
        end = _date(date_to, "--to") if date_to else today()
        if start > end:
            raise UsageError("error.report_from_after_to", start=start.isoformat(), end=end.isoformat())
        return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")
    year = today().year
    return Period(dt.date(year, 1, 1), today(), f"{year}")


# --- the report's shape --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    label: str  # already in the user's language
    value: int
    previous: int  # the same period a year earlier
    money: bool = False  # value in cents
    count: bool = True  # a count of people or households: suppressed in exports when 1-4


@dataclasses.dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]
    note: str = ""  # e.g. "comes with the roster"


@dataclasses.dataclass(frozen=True)
class Report:
    room: str
    period: Period
    previous: Period
    sections: list[Section]


SMALL = range(1, 5)


def suppress(value: int, row: Row, enabled: bool | None = None) -> str | int:
    """Counts of 1 to 4 are shown as '<5' in exports (setting report_suppress_small)."""
    if enabled is None:
        enabled = settings.get("report_suppress_small") != "0"
    if enabled and row.count and not row.money and value in SMALL:
        return "<5"
    return value


# --- the charts on F6 ----------------------------------------------------------------------


def weekly_visits(weeks: int = 52, until: dt.date | None = None, room_id: int | None = None
                  ) -> list[tuple[dt.date, int]]:
    """Visits per week (weeks starting on Monday), the last ``weeks`` weeks up to ``until``."""
    until = until or today()
    room_id = room_id or room.current_room_id()
    first_monday = until - dt.timedelta(days=until.weekday()) - dt.timedelta(weeks=weeks - 1)
    per_day = dict(Visit.select(Visit.visit_date, fn.COUNT(Visit.id))
                   .where(Visit.room == room_id, Visit.visit_date >= first_monday, Visit.visit_date <= until)
                   .group_by(Visit.visit_date).tuples())
    series = []
    for w in range(weeks):
        monday = first_monday + dt.timedelta(weeks=w)
        series.append((monday, sum(per_day.get(monday + dt.timedelta(days=d), 0) for d in range(7))))
    return series


def monthly_households(months: int = 12, until: dt.date | None = None, room_id: int | None = None
                       ) -> list[tuple[dt.date, int]]:
    """Unique households per month (a person without a household counts as one), last ``months`` months."""
    until = until or today()
    room_id = room_id or room.current_room_id()
    series = []
    year, month = until.year, until.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for start in reversed(starts):
        end = min(_month_end(start.year, start.month), until)
        count = (Visit.select(fn.COUNT(fn.DISTINCT(fn.COALESCE(Person.household, Person.id * -1))))
                 .join(Person).where(Visit.room == room_id, Visit.visit_date >= start, Visit.visit_date <= end)
                 .scalar()) or 0
        series.append((start, count))
    return series


def build_report(period: Period, room_id: int | None = None) -> Report:
    """Every figure of the period beside the same period a year earlier."""
    raise NotImplementedError  # filled in with its issue's figures
