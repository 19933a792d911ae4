"""The funders' report: whom the room reaches, per theme, neighbourhood and corporation.

A report covers a period (a month, a quarter, a year, or from/to) and shows every
figure beside the same period a year earlier. Counts are exact here; exports hide
counts from 1 to 4 (see ``suppress``) so that no resident can be recognised.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN, fn

from db.models import (CashCategory, CashEntry, HelpDomain, Household, Person, Room, Shift, ShiftAssignment, Visit,
                       VisitDomain, Volunteer, WalkIn)

from bwk_tui.i18n import current_language, t

from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import Period, month_end


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
    note: str = ""  # what a figure means, under the section


@dataclasses.dataclass(frozen=True)
class Report:
    room: str
    period: Period
    previous: Period
    sections: list[Section]
    notes: list[str] = dataclasses.field(default_factory=list)  # about the periods: partial, no data


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
    until = until or clock.today()
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
    until = until or clock.today()
    room_id = room_id or room.current_room_id()
    series = []
    year, month = until.year, until.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for start in reversed(starts):
        end = min(month_end(start.year, start.month), until)
        count = (Visit.select(fn.COUNT(fn.DISTINCT(fn.COALESCE(Person.household, Person.id * -1))))
                 .join(Person).where(Visit.room == room_id, Visit.visit_date >= start, Visit.visit_date <= end)
                 .scalar()) or 0
        series.append((start, count))
    return series


# --- the figures ---------------------------------------------------------------------------
#
# One grouped query per kind of figure and period (a dozen in all), each a range scan of the
# (visit_date, room_id) index. A person without a household counts as a household of their own:
# ``COALESCE(household_id, -person_id)`` is the household key.


def _household_key():
    return fn.COALESCE(Person.household, Person.id * -1)


def _visits_in(period: Period, room_id: int):
    return (Visit.room == room_id) & (Visit.visit_date >= period.start) & (Visit.visit_date <= period.end)


def _int(value) -> int:
    return int(value or 0)


@dataclasses.dataclass
class _Figures:
    """The raw figures of one period for one room (keys are ids, codes or names, not yet labels)."""

    persons: int = 0
    households: int = 0
    visits: int = 0
    volunteers: int = 0
    walk_ins: int = 0
    new_persons: int = 0
    domains: dict = dataclasses.field(default_factory=dict)  # domain id -> (households, visits)
    pc4: dict = dataclasses.field(default_factory=dict)  # pc4 or None -> households
    corporations: dict = dataclasses.field(default_factory=dict)  # name or None -> households
    sizes: dict = dataclasses.field(default_factory=dict)  # size band (SIZE_BANDS) -> households
    ages: dict = dataclasses.field(default_factory=dict)  # age band (AGE_BANDS) -> persons
    referrals: dict = dataclasses.field(default_factory=dict)  # organisation -> visits
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0
    cash: dict = dataclasses.field(default_factory=dict)  # (category id, direction) -> cents


# Household size as entered (household.size) and age from person.birth_year: the two breakdowns
# funders ask for (issue 13, minimal data: stored because these figures use them). A person
# without a household, or a household without a size, is "onbekend"; so is a person without a
# birth year. Age is the period's last year minus the birth year.
SIZE_BANDS = ("1", "2", "3-4", "5+", "unknown")
AGE_BANDS = ("<18", "18-26", "27-66", "67+", "unknown")


def size_band(size: int | None) -> str:
    if size is None or size < 1:
        return "unknown"
    return "1" if size == 1 else "2" if size == 2 else "3-4" if size <= 4 else "5+"


def age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None or birth_year > year:
        return "unknown"
    age = year - birth_year
    return "<18" if age < 18 else "18-26" if age <= 26 else "27-66" if age <= 66 else "67+"


def _figures(period: Period, room_id: int) -> _Figures:
    f = _Figures()
    in_period = _visits_in(period, room_id)
    f.visits, f.persons, f.volunteers = (
        _int(x) for x in Visit.select(fn.COUNT(Visit.id), fn.COUNT(fn.DISTINCT(Visit.person)),
                                      fn.COUNT(fn.DISTINCT(Visit.recorded_by))).where(in_period).tuples().get())
    f.walk_ins = WalkIn.select().where(WalkIn.room == room_id, WalkIn.visit_date >= period.start,
                                       WalkIn.visit_date <= period.end).count()
    # Every visitor of the period once, with what the figures per person need. New: the person's
    # first visit ever (in any room) falls in the period, i.e. there is no visit before its start.
    earlier = Visit.alias()
    visitors = Visit.select(Visit.person).where(in_period)
    household_of: dict[int, int] = {}
    pc4: dict[int | None, set[int]] = {}
    corporations: dict[str | None, set[int]] = {}
    sizes: dict[str, set[int]] = {}
    f.ages = dict.fromkeys(AGE_BANDS, 0)
    for person_id, household_id, code, corporation, returning, size, birth_year in (
            Person.select(Person.id, Person.household, fn.COALESCE(Household.pc4, Person.pc4),
                          fn.NULLIF(Person.housing_corporation, ""),
                          fn.EXISTS(earlier.select(earlier.id).where(earlier.person == Person.id,
                                                                     earlier.visit_date < period.start)),
                          Household.size, Person.birth_year)
            .join(Household, JOIN.LEFT_OUTER, on=(Person.household == Household.id))
            .where(Person.id.in_(visitors)).tuples()):
        key = household_id if household_id is not None else -person_id
        household_of[person_id] = key
        pc4.setdefault(int(code) if code is not None else None, set()).add(key)
        corporations.setdefault(corporation, set()).add(key)
        sizes.setdefault(size_band(size), set()).add(key)
        f.ages[age_band(birth_year, period.end.year)] += 1
        f.new_persons += not returning
    f.households = len(set(household_of.values()))
    f.pc4 = {code: len(keys) for code, keys in pc4.items()}
    f.corporations = {name: len(keys) for name, keys in corporations.items()}
    f.sizes = {band: len(sizes.get(band, ())) for band in SIZE_BANDS}
    per_domain: dict[int, tuple[set[int], int]] = {}
    for domain_id, person_id, visits in (
            Visit.select(VisitDomain.domain, Visit.person, fn.COUNT(Visit.id))
            .join(VisitDomain, on=(VisitDomain.visit == Visit.id))
            .where(in_period).group_by(VisitDomain.domain, Visit.person).tuples()):
        households, total = per_domain.get(domain_id, (set(), 0))
        households.add(household_of[person_id])
        per_domain[domain_id] = (households, total + visits)
    f.domains = {domain: (len(h), v) for domain, (h, v) in per_domain.items()}
    referral = fn.NULLIF(Visit.referral, "")
    f.referrals = {name: _int(v) for name, v in (
        Visit.select(referral, fn.COUNT(Visit.id)).where(in_period, referral.is_null(False))
        .group_by(referral).tuples())}
    f.follow_ups_done = Visit.select().where(Visit.room == room_id, Visit.follow_up_done >= period.start,
                                             Visit.follow_up_done <= period.end).count()
    overdue_until = min(period.end, clock.today() - dt.timedelta(days=1))  # due today is not late yet
    f.follow_ups_overdue = Visit.select().where(
        Visit.room == room_id, Visit.follow_up_date.is_null(False), Visit.follow_up_done.is_null(),
        Visit.follow_up_date >= period.start, Visit.follow_up_date <= overdue_until).count()
    # A reversal is netted against what it corrects: the reversal (out) of an "in" of a category
    # reduces that category's "in", instead of counting as spending.
    f.cash = {}
    reversal = CashEntry.reverses.is_null(False)
    for category, direction, reversed_, total in (
            CashEntry.select(CashEntry.category, CashEntry.direction, reversal, fn.SUM(CashEntry.amount_cents))
            .where(CashEntry.room == room_id, CashEntry.entry_date >= period.start,
                   CashEntry.entry_date <= period.end)
            .group_by(CashEntry.category, CashEntry.direction, reversal).tuples()):
        if reversed_:
            key, sign = (category, "out" if direction == "in" else "in"), -1
        else:
            key, sign = (category, direction), 1
        f.cash[key] = f.cash.get(key, 0) + sign * _int(total)
    return f


def _keyed_rows(now: dict, before: dict, label, order=None) -> list[Row]:
    """One row per key found in either period; by ``order`` (a key function) or largest first."""
    keys = set(now) | set(before)
    if order is None:
        ordered = sorted(keys, key=lambda k: (-now.get(k, 0), -before.get(k, 0), str(k)))
    else:
        ordered = sorted(keys, key=order)
    return [Row(label(k), now.get(k, 0), before.get(k, 0)) for k in ordered]


def _unknown_last(key) -> tuple:
    return (key is None, str(key or "").casefold())


def _matching_rows(period: Period, previous: Period, room_id: int) -> list[Row]:
    from bwk_tui.services.matching import figures

    now = figures.match_counts(period.start, period.end, room_id)
    before = figures.match_counts(previous.start, previous.end, room_id)
    return [
        Row(t("reports.matches_started"), now.started, before.started),
        Row(t("reports.matches_active"), now.active, before.active),
        Row(t("reports.matches_ended"), now.ended, before.ended),
        Row(t("reports.reciprocity"), figures.reciprocity(period.start, period.end, room_id),
            figures.reciprocity(previous.start, previous.end, room_id)),
    ]


@dataclasses.dataclass(frozen=True)
class _RosterFigures:
    on_roster: int  # volunteers who worked at least one shift
    minutes: int  # worked on the room's shifts
    new_volunteers: int  # profiles started in the period
    from_residents: int  # of those who worked: residents who came as visitors before they volunteered


def _roster_figures(period: Period, room_id: int) -> _RosterFigures:
    worked = (ShiftAssignment.select(ShiftAssignment.volunteer, fn.SUM(ShiftAssignment.minutes))
              .join(Shift).where(Shift.room == room_id, Shift.shift_date >= period.start,
                                 Shift.shift_date <= period.end, ShiftAssignment.minutes > 0)
              .group_by(ShiftAssignment.volunteer).tuples())
    minutes = {volunteer: _int(total) for volunteer, total in worked}
    new = Volunteer.select().where(Volunteer.room == room_id, Volunteer.started_on >= period.start,
                                   Volunteer.started_on <= period.end).count()
    from_residents = 0
    if minutes:
        first_visit = (Visit.select(fn.MIN(Visit.visit_date)).where(Visit.person == Volunteer.person))
        from_residents = (Volunteer.select().where(Volunteer.id.in_(list(minutes)), Volunteer.person.is_null(False),
                                                   first_visit < Volunteer.started_on).count())
    return _RosterFigures(len(minutes), sum(minutes.values()), new, from_residents)


def _hours(minutes: int) -> int:
    """Whole hours, half up."""
    return (minutes + 30) // 60


TRANSFER_CATEGORIES = ("storting", "opname")  # overboekingen between the cash box and the bank


def first_data_day(room_id: int) -> dt.date | None:
    """The first day bwk has anything of the room (a visit, a walk-in or a cash entry)."""
    days = [Visit.select(fn.MIN(Visit.visit_date)).where(Visit.room == room_id).scalar(),
            WalkIn.select(fn.MIN(WalkIn.visit_date)).where(WalkIn.room == room_id).scalar(),
            CashEntry.select(fn.MIN(CashEntry.entry_date)).where(CashEntry.room == room_id).scalar()]
    days = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in days if d]
    return min(days) if days else None


def compared(period: Period, room_id: int) -> tuple[Period, Period, list[str]]:
    """Like with like: a period not over yet runs to today and is compared with the same days a
    year earlier; the notes say so, and say when bwk has no data for part of the comparison."""
    notes = []
    today = clock.today()
    if period.start <= today < period.end:
        period = Period(period.start, today, period.label)
        notes.append(t("reports.note_until", day=clock.day(today, "d MMMM yyyy")))
    previous = period.year_earlier()
    first = first_data_day(room_id)
    if first is not None and first > previous.start:
        notes.append(t("reports.note_no_data_before", day=first.strftime("%d-%m-%Y")))
    return period, previous, notes


@coordinator_only
def build_report(session: Session, period: Period, room_id: int | None = None) -> Report:
    """Every figure of the period beside the same period a year earlier (coordinators only)."""
    room_id = room_id or room.current_room_id()
    period, previous, notes = compared(period, room_id)
    now, before = _figures(period, room_id), _figures(previous, room_id)
    roster_now, roster_before = _roster_figures(period, room_id), _roster_figures(previous, room_id)
    english = current_language() == "en"
    unknown = t("reports.unknown")

    reach = [
        Row(t("reports.persons"), now.persons, before.persons),
        Row(t("reports.households"), now.households, before.households),
        Row(t("reports.visits"), now.visits, before.visits),
        Row(t("reports.walk_ins"), now.walk_ins, before.walk_ins),
        Row(t("reports.new_persons"), now.new_persons, before.new_persons),
        Row(t("reports.returning_persons"), now.persons - now.new_persons, before.persons - before.new_persons),
    ]

    domain_rows = []
    used = set(now.domains) | set(before.domains)
    for d in (HelpDomain.select().where(HelpDomain.id.in_(list(used))).order_by(HelpDomain.sort, HelpDomain.id)
              if used else []):
        name = d.name_en if english else d.name_nl
        h_now, v_now = now.domains.get(d.id, (0, 0))
        h_before, v_before = before.domains.get(d.id, (0, 0))
        domain_rows.append(Row(t("reports.domain_households", domain=name), h_now, h_before))
        domain_rows.append(Row(t("reports.domain_visits", domain=name), v_now, v_before))

    follow_ups = [
        Row(t("reports.follow_ups_done"), now.follow_ups_done, before.follow_ups_done),
        Row(t("reports.follow_ups_overdue"), now.follow_ups_overdue, before.follow_ups_overdue),
    ]

    cash_rows, transfer_rows = [], []
    cash_used = {c for c, _ in now.cash} | {c for c, _ in before.cash}
    directions = (("in", "reports.cash_in"), ("out", "reports.cash_out"))
    transfers = set()  # the box to the bank and back: neither income nor spending
    for c in (CashCategory.select().where(CashCategory.id.in_(list(cash_used)))
              .order_by(CashCategory.sort, CashCategory.id) if cash_used else []):
        name = c.name_en if english else c.name_nl
        if c.code in TRANSFER_CATEGORIES:
            transfers.add(c.id)
        for direction, key in directions:
            if (c.id, direction) in now.cash or (c.id, direction) in before.cash:
                row = Row(t(key, category=name) if c.id not in transfers else name,
                          now.cash.get((c.id, direction), 0), before.cash.get((c.id, direction), 0),
                          money=True, count=False)
                (transfer_rows if c.id in transfers else cash_rows).append(row)
    for direction, key in directions:
        cash_rows.append(Row(t(f"{key}_total"),
                             sum(v for (c, d), v in now.cash.items() if d == direction and c not in transfers),
                             sum(v for (c, d), v in before.cash.items() if d == direction and c not in transfers),
                             money=True, count=False))

    sections = [
        Section(t("reports.sec_reach"), reach),
        Section(t("reports.sec_domains"), domain_rows),
        Section(t("reports.sec_pc4"), _keyed_rows(now.pc4, before.pc4, lambda k: unknown if k is None else str(k),
                                                  order=lambda k: (k is None, k or 0))),
        Section(t("reports.sec_corporations"), _keyed_rows(now.corporations, before.corporations,
                                                           lambda k: unknown if k is None else k,
                                                           order=_unknown_last)),
        Section(t("reports.sec_household_sizes"), [
            Row(t(f"reports.size.{band}"), now.sizes[band], before.sizes[band]) for band in SIZE_BANDS]),
        Section(t("reports.sec_age_bands"), [
            Row(t(f"reports.age.{band}"), now.ages[band], before.ages[band]) for band in AGE_BANDS]),
        Section(t("reports.sec_referrals"), _keyed_rows(now.referrals, before.referrals, lambda k: k)),
        Section(t("reports.sec_follow_ups"), follow_ups),
        Section(t("reports.sec_volunteers"), [
            Row(t("reports.volunteers_active"), now.volunteers, before.volunteers),
            Row(t("reports.volunteers_on_roster"), roster_now.on_roster, roster_before.on_roster),
            Row(t("reports.volunteer_hours"), _hours(roster_now.minutes), _hours(roster_before.minutes), count=False),
            Row(t("reports.volunteers_new"), roster_now.new_volunteers, roster_before.new_volunteers),
            Row(t("reports.volunteers_from_residents"), roster_now.from_residents, roster_before.from_residents),
        ], note=t("reports.note_hours")),
        Section(t("reports.sec_matches"), _matching_rows(period, previous, room_id)),
        Section(t("reports.sec_cash"), cash_rows, note=t("reports.note_cash")),
    ]
    if transfer_rows:
        sections.append(Section(t("reports.sec_transfers"), transfer_rows, note=t("reports.note_transfers")))
    return Report(Room.get_by_id(room_id).name, period, previous, sections, notes)
