"""Hours worked and the volunteer allowance (vrijwilligersvergoeding).

A volunteer's allowance is hours worked times their hourly rate, in cents, per shift
rounded to the cent; a month or year is the sum of its shifts. The legal maximums
per hour, month and year are a setting (``allowance_limits``, one line per year:
``2025: 210 / 2100 / 5,60 / 3,30``, euros: month / year / hour from 21 / hour under 21); a
year without a line uses the latest earlier one. A rate above the hourly maximum is refused.
The roster warns before a sign-up, assignment or confirmation would take a volunteer
over either maximum.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

from db.models import PLANNED, Account, Shift, ShiftAssignment, Volunteer

from bwk_tui.i18n import t
from bwk_tui.services.kernel.money import money
from bwk_tui.services import room
from bwk_tui.services.kernel import clock, files, tables
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel.errors import BwkError, InvalidInput

FORMATS = tables.TEXT_FORMATS


class AllowanceWarning(BwkError):
    """This would take a volunteer over a legal maximum; ask, and call again with ``accept_over_allowance``."""


# --- the legal maximums --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Law:
    """The Belastingdienst's maxima of one year, in cents: none of hour, month and year may be
    exceeded. ``year`` is the year whose figures these are (a later year without a line uses them)."""
    year: int
    month_cents: int
    year_cents: int
    hourly_cents: int | None = None  # from 21
    hourly_under_21_cents: int | None = None

    def hourly_for(self, under_21: bool) -> int | None:
        return self.hourly_under_21_cents if under_21 else self.hourly_cents


_AMOUNT = r"(?:€\s*)?([\d.,]+)"


def parse_law(text: str) -> dict[int, Law]:
    """"2025: 210 / 2100 / 5,60 / 3,30" per line (euros: per month / per year / per hour from 21 /
    per hour under 21; the hourly ones may be left off) -> {2025: Law(2025, 21000, 210000, 560, 330)}."""
    from bwk_tui.services.kernel.money import parse_amount

    found: dict[int, Law] = {}
    for line in (text or "").replace(";", "\n").splitlines():
        if not line.strip():
            continue
        match = re.fullmatch(rf"\s*(\d{{4}})\s*:?\s*{_AMOUNT}\s*/\s*{_AMOUNT}(?:\s*/\s*{_AMOUNT}\s*/\s*{_AMOUNT})?\s*",
                             line)
        if match is None:
            raise InvalidInput("error.allowance_limits", field="value", line=line.strip())
        try:
            cents = [parse_amount(g) if g is not None else None for g in match.groups()[1:]]
        except InvalidInput:
            raise InvalidInput("error.allowance_limits", field="value", line=line.strip()) from None
        month, year, hourly, young = cents
        if month > year or (hourly is not None and young > hourly):
            raise InvalidInput("error.allowance_limits", field="value", line=line.strip())
        found[int(match.group(1))] = Law(int(match.group(1)), month, year, hourly, young)
    if not found:
        raise InvalidInput("error.setting_empty", field="value")
    return found


def parse_limits(text: str) -> dict[int, tuple[int, int]]:
    """"2026: 210 / 2100" per line -> {2026: (21000, 210000)} (cents per month, per year)."""
    return {year: (law.month_cents, law.year_cents) for year, law in parse_law(text).items()}


def limits_text(value: str) -> str:
    """The stored form of the setting (a validator for ``settings.change``)."""
    lines = []
    for year, law in sorted(parse_law(value).items()):
        line = f"{year}: {_euros(law.month_cents)} / {_euros(law.year_cents)}"
        if law.hourly_cents is not None:
            line += f" / {_euros(law.hourly_cents)} / {_euros(law.hourly_under_21_cents)}"
        lines.append(line)
    return "\n".join(lines)


def _euros(cents: int) -> str:
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"


def law(year: int) -> Law | None:
    """The maxima that apply in ``year``: its own line, or the newest earlier one; None before any."""
    try:
        table = parse_law(settings.get("allowance_limits"))
    except InvalidInput:
        table = parse_law(settings.default("allowance_limits"))
    earlier = [y for y in table if y <= year]
    return table[max(earlier)] if earlier else None


def limits(year: int) -> tuple[int, int] | None:
    """(month maximum, year maximum) in cents for ``year``; None when no year up to it has a line."""
    found = law(year)
    return (found.month_cents, found.year_cents) if found else None


def check_rate(rate_cents: int | None, under_21: bool, year: int | None = None) -> None:
    """Refuse an hourly rate above the law's hourly maximum (from 21, or under 21)."""
    found = law(year or clock.today().year)
    maximum = found.hourly_for(under_21) if found else None
    if rate_cents and maximum is not None and rate_cents > maximum:
        raise InvalidInput("error.rate_over_max", field="hourly_allowance", max=money(maximum), year=found.year,
                           who=t("f3a.under_21_who") if under_21 else t("f3a.from_21_who"))


# --- minutes and money ---------------------------------------------------------------------


def amount(minutes: int, rate_cents: int | None) -> int:
    """The allowance for ``minutes`` at ``rate_cents`` an hour, rounded half up to the cent."""
    if not rate_cents:
        return 0
    return (minutes * rate_cents + 30) // 60


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _rows(volunteer_ids: list[int] | None, first: dt.date, last: dt.date, room_id: int | None = None):
    query = (ShiftAssignment.select(ShiftAssignment.id, ShiftAssignment.volunteer, ShiftAssignment.status,
                                    ShiftAssignment.minutes, Shift.shift_date, Shift.starts_min, Shift.ends_min,
                                    Shift.dagdeel)
             .join(Shift)
             .where(Shift.shift_date.between(first, last)
                    & ((ShiftAssignment.minutes.is_null(False)) | (ShiftAssignment.status == PLANNED))))
    if volunteer_ids is not None:
        query = query.where(ShiftAssignment.volunteer.in_(volunteer_ids))
    if room_id is not None:
        query = query.where(Shift.room == room_id)
    return query.order_by(Shift.shift_date, Shift.starts_min).objects()


def _counted(row, include_planned: bool) -> int:
    """Minutes worked; with ``include_planned`` also a planned shift from today on (a past one
    without hours was not worked, or not confirmed: it does not count)."""
    if row.minutes is not None:
        return row.minutes
    if include_planned and row.status == PLANNED and row.shift_date >= clock.today():
        return row.ends_min - row.starts_min
    return 0


def month_minutes(volunteer_ids: list[int], year: int, month: int) -> dict[int, int]:
    """Minutes worked plus still planned in that month, per volunteer (to spread the work)."""
    totals: dict[int, int] = {}
    if not volunteer_ids:
        return totals
    first, last = _month_bounds(year, month)
    for row in _rows(volunteer_ids, first, last):
        totals[row.volunteer_id] = totals.get(row.volunteer_id, 0) + _counted(row, True)
    return totals


@dataclasses.dataclass(frozen=True)
class Excess:
    period: str  # "november 2026" or "2026"
    amount_cents: int
    limit_cents: int


def would_exceed(volunteer_id: int, day: dt.date, extra_minutes: int, include_planned: bool = True,
                 leave_out: int | None = None) -> Excess | None:
    """Would ``extra_minutes`` more on ``day`` take the volunteer over the month or year maximum?

    Counts what was worked (and, with ``include_planned``, what is planned) that month and year,
    leaving out assignment ``leave_out`` (the one being confirmed or corrected).
    """
    person = Volunteer.get_or_none(Volunteer.id == volunteer_id)
    if person is None or not person.hourly_allowance_cents:
        return None
    bounds = limits(day.year)
    if bounds is None:
        return None
    month_max, year_max = bounds
    rate = person.hourly_allowance_cents
    month_cents = year_cents = amount(extra_minutes, rate)
    for row in _rows([volunteer_id], dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)):
        if row.id == leave_out:
            continue
        cents = amount(_counted(row, include_planned), rate)
        year_cents += cents
        if row.shift_date.month == day.month:
            month_cents += cents
    if month_cents > month_max:
        return Excess(clock.month_name(day.year, day.month), month_cents, month_max)
    if year_cents > year_max:
        return Excess(str(day.year), year_cents, year_max)
    return None


def check(volunteer_id: int, day: dt.date, extra_minutes: int, include_planned: bool = True,
          leave_out: int | None = None) -> None:
    """Raise AllowanceWarning when ``would_exceed`` says so."""
    excess = would_exceed(volunteer_id, day, extra_minutes, include_planned, leave_out)
    if excess is not None:
        name = Account.select(Account.name).join(Volunteer, on=(Volunteer.account == Account.id)).where(
            Volunteer.id == volunteer_id).scalar()
        raise AllowanceWarning("roster.allowance_warning", name=name, period=excess.period,
                               amount=money(excess.amount_cents),
                               limit=money(excess.limit_cents))


# --- hours per volunteer -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HoursLine:
    volunteer_id: int
    name: str
    month_minutes: int  # worked
    year_minutes: int  # worked, 1 January up to the end of the month
    planned_minutes: int  # still planned in the month
    rate_cents: int | None
    month_cents: int
    year_cents: int
    over_month: bool
    over_year: bool


@coordinator_only
def hours(session: Session, year: int, month: int, room_id: int | None = None) -> list[HoursLine]:
    """Hours worked per volunteer of the room in ``month`` and in its year up to that month
    (coordinators only: a volunteer sees no one else's hours)."""

    room_id = room_id or room.current_room_id()
    people = {v.id: v for v in Volunteer.select(Volunteer, Account.name.alias("account_name"))
              .join(Account, on=(Volunteer.account == Account.id)).where(Volunteer.room == room_id).objects()}
    bounds = limits(year)
    first, last = _month_bounds(year, month)
    sums: dict[int, list[int]] = {vid: [0, 0, 0, 0, 0] for vid in people}  # month, year, planned, m¢, y¢
    for row in _rows(list(people), dt.date(year, 1, 1), last):
        line = sums[row.volunteer_id]
        rate = people[row.volunteer_id].hourly_allowance_cents
        if row.minutes is not None:
            line[1] += row.minutes
            line[4] += amount(row.minutes, rate)
            if row.shift_date >= first:
                line[0] += row.minutes
                line[3] += amount(row.minutes, rate)
        elif row.shift_date >= max(first, clock.today()):
            line[2] += row.ends_min - row.starts_min
    result = []
    for vid, (m, y, planned, m_cents, y_cents) in sums.items():
        person = people[vid]
        if not (person.active or y or planned):
            continue
        result.append(HoursLine(vid, person.account_name, m, y, planned, person.hourly_allowance_cents,
                                m_cents, y_cents, bool(bounds) and m_cents > bounds[0],
                                bool(bounds) and y_cents > bounds[1]))
    return sorted(result, key=lambda h: h.name.casefold())


def total_minutes(first: dt.date, last: dt.date, room_id: int) -> tuple[int, int]:
    """Minutes worked on the room's shifts in ``first``..``last``, and by how many volunteers."""
    minutes, people = 0, set()
    for row in _rows(None, first, last, room_id):
        if row.minutes:
            minutes += row.minutes
            people.add(row.volunteer_id)
    return minutes, len(people)


# --- the month statement -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StatementLine:
    day: dt.date
    dagdeel: str
    starts_min: int
    ends_min: int
    minutes: int
    cents: int


@dataclasses.dataclass(frozen=True)
class Statement:
    volunteer_id: int
    name: str
    year: int
    month: int
    rate_cents: int | None
    lines: list[StatementLine]
    year_to_date_cents: int  # 1 January up to the end of this month
    limits: tuple[int, int] | None

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.lines)


@coordinator_only
def statement(session: Session, volunteer_id: int, year: int, month: int) -> Statement:
    """One volunteer's allowance statement for ``month`` (coordinators only)."""
    person = (Volunteer.select(Volunteer, Account.name.alias("account_name"))
              .join(Account, on=(Volunteer.account == Account.id)).where(Volunteer.id == volunteer_id)
              .objects().first())
    if person is None:
        raise BwkError("error.roster_no_volunteer")
    first, last = _month_bounds(year, month)
    rate = person.hourly_allowance_cents
    lines, year_cents = [], 0
    for row in _rows([volunteer_id], dt.date(year, 1, 1), last):
        if row.minutes is None:
            continue
        cents = amount(row.minutes, rate)
        year_cents += cents
        if row.shift_date >= first:
            lines.append(StatementLine(row.shift_date, row.dagdeel, row.starts_min, row.ends_min, row.minutes, cents))
    return Statement(volunteer_id, person.account_name, year, month, rate, lines, year_cents, limits(year))


def find_volunteer(name: str) -> int:
    """A volunteer's id by account name (case and accents do not matter)."""
    from bwk_tui.services.kernel.text import fold

    found = (Volunteer.select(Volunteer.id).join(Account, on=(Volunteer.account == Account.id))
             .where(Account.name_key == fold(name)).first())
    if found is None:
        raise BwkError("error.roster_no_volunteer_named", name=name)
    return found.id


def render_statement(st: Statement, fmt: str) -> str:
    """The statement as ``table``, ``csv`` (amounts as 12.50) or ``md``."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    from bwk_tui.services.kernel.availability import slot_name
    from bwk_tui.services.kernel.money import decimal
    from bwk_tui.services.kernel import clock
    from bwk_tui.services.kernel.clock import time_text, times_text

    headers = [t("statement.col_day"), t("statement.col_shift"), t("statement.col_times"),
               t("statement.col_hours"), t("statement.col_amount")]
    if fmt == "csv":
        rows = [[st.name, line.day.isoformat(), line.dagdeel, time_text(line.starts_min), time_text(line.ends_min),
                 line.minutes, decimal(line.cents)] for line in st.lines]
        rows.append([st.name, t("statement.csv_total"), "", "", "", st.total_minutes, decimal(st.total_cents)])
        return tables.csv_text([t(f"statement.csv_{name}") for name in
                                ("volunteer", "date", "dagdeel", "start", "end", "minutes", "amount")], rows)

    rows = [[clock.day(line.day, "medium"), slot_name(line.day.weekday(), line.dagdeel),
             times_text(line.starts_min, line.ends_min), clock.hours(line.minutes),
             money(line.cents)] for line in st.lines]
    rows.append([t("statement.total"), "", "", clock.hours(st.total_minutes), money(st.total_cents)])
    table = tables.text_table(headers, rows, fmt, colalign=("left", "left", "left", "right", "right"))
    title = t("statement.title", name=st.name, month=clock.month_name(st.year, st.month))
    facts = [t("statement.rate", rate=money(st.rate_cents) if st.rate_cents else t("statement.no_rate")),
             t("statement.year_to_date", year=st.year, amount=money(st.year_to_date_cents))]
    if st.limits:
        facts.append(t("statement.limits", month=money(st.limits[0]), year=money(st.limits[1])))
    bullet = "- " if fmt == "md" else ""
    return f"{tables.heading(title, fmt)}\n\n{table}\n\n" + "\n".join(bullet + fact for fact in facts) + "\n"


def write_statement(st: Statement, fmt: str, path: str | os.PathLike) -> Path:
    """All or nothing: a temporary file beside ``path``, moved into place."""
    from bwk_tui.services.kernel.files import write_text

    return write_text(render_statement(st, fmt), path)


def statements_dir() -> Path:
    """``vergoedingen/`` beside the database (as ``afsluitingen/``), made when missing."""
    return files.make_folder(room.beside_database("vergoedingen"))


def statement_path(st: Statement, folder: Path, fmt: str = "csv") -> Path:
    """``vergoedingen/2026-11-ans.csv`` beside the database."""
    from bwk_tui.services.kernel.text import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(st.name)).strip("-") or str(st.volunteer_id)
    return folder / f"{st.year}-{st.month:02d}-{slug}.{fmt}"
