"""The volunteer roster (rooster): profiles, weekly templates, closed days, shifts and who is on them.

A template says: on this weekday, this dagdeel (ochtend, middag, avond), from .. to, this
many volunteers, maybe one skill. Concrete shifts are made from the templates for the
days a week is looked at (today and later), never for a closed day. A volunteer signs
themselves up; a coordinator assigns anyone. "Kan niet komen" frees the place, and the
gap gets stand-ins ranked with reasons whose points add up to the score, as in matching.

Hours worked and the allowance are in ``attendance`` and ``allowance``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt


from db import serialise, write
from db.models import (CANT_COME, PLANNED, Account, ClosedDay, Shift, ShiftAssignment,
                       Volunteer)

from bwk_tui.services.roster import allowance
from bwk_tui.services.room import audit, closed_days
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel.availability import (DAGDELEN, slot_name)
from bwk_tui.services.kernel.clock import to_local
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import times_text, week_label, week_start
from bwk_tui.services.roster.volunteers import ensure_profile
from bwk_tui.services.roster import holidays
from bwk_tui.services.roster.templates import generate


# --- small parsers -------------------------------------------------------------------------


# --- volunteer profiles --------------------------------------------------------------------


# --- templates -----------------------------------------------------------------------------


# --- closed days ---------------------------------------------------------------------------


# --- shifts --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OnShift:
    assignment_id: int
    volunteer_id: int
    account_id: int
    name: str
    status: str  # ingepland, kan_niet, afwezig
    minutes: int | None
    signed_in_at: dt.datetime | None
    signed_out_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class ShiftInfo:
    id: int
    shift_date: dt.date
    dagdeel: str
    starts_min: int
    ends_min: int
    needed: int
    skill: str | None
    people: tuple[OnShift, ...]

    @property
    def planned(self) -> list[OnShift]:
        return [p for p in self.people if p.status == PLANNED]

    @property
    def cant_come(self) -> list[OnShift]:
        return [p for p in self.people if p.status == CANT_COME]

    @property
    def short(self) -> int:
        """How many places are still open."""
        return max(0, self.needed - len(self.planned))

    @property
    def minutes(self) -> int:
        return self.ends_min - self.starts_min

    @property
    def label(self) -> str:
        return slot_name(self.shift_date.weekday(), self.dagdeel)

    @property
    def times(self) -> str:
        return times_text(self.starts_min, self.ends_min)

    def has(self, account_id: int) -> bool:
        return any(p.account_id == account_id for p in self.planned)


@dataclasses.dataclass(frozen=True)
class DayView:
    day: dt.date
    closed: str | None  # the reason, when the room is closed
    shifts: dict[str, ShiftInfo]  # by dagdeel


@dataclasses.dataclass(frozen=True)
class WeekView:
    monday: dt.date
    days: list[DayView]
    dagdelen: tuple[str, ...]  # the dagdelen that have a shift this week (at least o and m)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def gaps(self) -> int:
        return sum(s.short for d in self.days for s in d.shifts.values())

    def shifts(self) -> list[ShiftInfo]:
        return [d.shifts[p] for d in self.days for p in DAGDELEN if p in d.shifts]


def _people(shift_ids: list[int]) -> dict[int, list[OnShift]]:
    found: dict[int, list[OnShift]] = {sid: [] for sid in shift_ids}
    if not shift_ids:
        return found
    query = (ShiftAssignment.select(ShiftAssignment, Volunteer.account.alias("account_id"),
                                    Account.name.alias("account_name"))
             .join(Volunteer).join(Account, on=(Volunteer.account == Account.id))
             .where(ShiftAssignment.shift.in_(shift_ids))
             .order_by(ShiftAssignment.assigned_at, ShiftAssignment.id))
    for row in query.objects():
        found[row.shift_id].append(OnShift(row.id, row.volunteer_id, row.account_id, row.account_name, row.status,
                                           row.minutes, row.signed_in_at, row.signed_out_at))
    return found


def _shift_infos(query) -> list[ShiftInfo]:
    rows = list(query)
    people = _people([r.id for r in rows])
    return [ShiftInfo(r.id, r.shift_date, r.dagdeel, r.starts_min, r.ends_min, r.needed, r.skill,
                      tuple(people[r.id])) for r in rows]


def week(monday: dt.date | None = None, room_id: int | None = None) -> WeekView:
    """The week of ``monday`` (this week when None): every day, its dagdelen, who is on."""
    room_id = room_id or room.current_room_id()
    monday = week_start(monday or clock.today())
    sunday = monday + dt.timedelta(days=6)
    generate(monday, sunday, room_id)
    shifts = _shift_infos(Shift.select().where((Shift.room == room_id) & Shift.shift_date.between(monday, sunday))
                          .order_by(Shift.shift_date, Shift.starts_min))
    closed = holidays.holidays(monday, sunday, room_id)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        days.append(DayView(day, closed.get(day), {s.dagdeel: s for s in shifts if s.shift_date == day}))
    used = {s.dagdeel for s in shifts} | {"o", "m"}
    return WeekView(monday, days, tuple(p for p in DAGDELEN if p in used))


def shift(shift_id: int) -> ShiftInfo:
    found = _shift_infos(Shift.select().where(Shift.id == shift_id))
    if not found:
        raise BwkError("error.roster_no_shift")
    return found[0]


def upcoming_for(account_id: int, days: int = 28) -> list[ShiftInfo]:
    """The shifts someone is planned on from today on."""
    first = clock.today()
    query = (Shift.select(Shift).join(ShiftAssignment).join(Volunteer)
             .where((Volunteer.account == account_id) & (ShiftAssignment.status == PLANNED)
                    & Shift.shift_date.between(first, first + dt.timedelta(days=days)))
             .order_by(Shift.shift_date, Shift.starts_min))
    return _shift_infos(query)


def _now_minutes() -> int:
    local = to_local(clock.now_utc())
    return local.hour * 60 + local.minute


def _refuse_signed(row: Shift) -> None:
    """Once a day is signed its roster is closed too: nobody is added, removed or marked on it."""
    if closed_days.is_closed(row.shift_date, row.room_id):
        raise BwkError("error.roster_signed", day=row.shift_date.strftime("%d-%m-%Y"))


def _check_open_for_sign_up(row: Shift, coordinator: bool) -> None:
    """Refuse a shift on a closed day or in the past (a coordinator may still add someone to today's)."""
    _refuse_signed(row)
    if ClosedDay.get_or_none((ClosedDay.room == row.room_id) & (ClosedDay.day == row.shift_date)) is not None:
        raise BwkError("error.roster_closed_day")
    day = clock.today()
    if row.shift_date < day or (row.shift_date == day and row.ends_min <= _now_minutes() and not coordinator):
        raise BwkError("error.roster_past")


def _overlap(volunteer_id: int, row: Shift) -> Shift | None:
    """Another shift (any room) the volunteer is on that day whose times overlap ``row``'s."""
    return (Shift.select().join(ShiftAssignment)
            .where((ShiftAssignment.volunteer == volunteer_id) & (ShiftAssignment.status == PLANNED)
                   & (Shift.shift_date == row.shift_date) & (Shift.id != row.id)
                   & (Shift.starts_min < row.ends_min) & (Shift.ends_min > row.starts_min))
            .first())


def _put_on(session: Session, row: Shift, person: Volunteer, accept_over_allowance: bool) -> None:
    serialise("roster", row.room_id)  # the count of places below holds until this commits
    coordinator = session.is_coordinator
    _check_open_for_sign_up(row, coordinator)
    if not person.active:
        raise BwkError("error.roster_inactive")
    existing = ShiftAssignment.get_or_none((ShiftAssignment.shift == row.id) & (ShiftAssignment.volunteer == person.id))
    if existing is not None and existing.status == PLANNED:
        raise BwkError("error.roster_already_on")
    other = _overlap(person.id, row)
    if other is not None:
        raise BwkError("error.roster_overlap", slot=slot_name(other.shift_date.weekday(), other.dagdeel),
                       times=times_text(other.starts_min, other.ends_min))
    planned = (ShiftAssignment.select().where((ShiftAssignment.shift == row.id)
                                              & (ShiftAssignment.status == PLANNED)).count())
    if planned >= row.needed and not coordinator:
        raise BwkError("error.roster_full")
    if not accept_over_allowance:
        allowance.check(person.id, row.shift_date, row.ends_min - row.starts_min)
    if existing is not None:
        ShiftAssignment.update(status=PLANNED, assigned_by=session.account_id, assigned_at=clock.now_utc(),
                               minutes=None, signed_in_at=None, signed_out_at=None,
                               confirmed_by=None).where(ShiftAssignment.id == existing.id).execute()
    else:
        ShiftAssignment.create(shift=row.id, volunteer=person.id, status=PLANNED, assigned_by=session.account_id,
                               assigned_at=clock.now_utc())


def shift_row(shift_id: int) -> Shift:
    row = Shift.get_or_none(Shift.id == shift_id)
    if row is None:
        raise BwkError("error.roster_no_shift")
    return row


def sign_up(session: Session, shift_id: int, accept_over_allowance: bool = False) -> ShiftInfo:
    """The logged-in volunteer puts themselves on a shift (their profile is made if need be)."""
    row = shift_row(shift_id)
    with write():  # one transaction: a refused sign-up leaves no new profile behind either
        own = ensure_profile(session)
        _put_on(session, row, Volunteer.get_by_id(own.id), accept_over_allowance)
        audit.record(session.account_id, "shift.sign_up", "shift", row.id)
    return shift(row.id)


@coordinator_only
def assign(session: Session, shift_id: int, volunteer_id: int, accept_over_allowance: bool = False) -> ShiftInfo:
    row = shift_row(shift_id)
    person = Volunteer.get_or_none(Volunteer.id == volunteer_id)
    if person is None:
        raise BwkError("error.roster_no_volunteer")
    with write():
        _put_on(session, row, person, accept_over_allowance)
        audit.record(session.account_id, "shift.assign", "shift", row.id, f"volunteer={volunteer_id}")
    return shift(row.id)


def _own_or_coordinator(session: Session, person: Volunteer) -> None:
    if person.account_id != session.account_id:
        require_role(session)


def cant_come(session: Session, shift_id: int, volunteer_id: int) -> ShiftInfo:
    """"Kan niet komen": the place is free again and the gap shows. Yourself, or a coordinator for anyone."""
    row = shift_row(shift_id)
    assignment = (ShiftAssignment.select().where((ShiftAssignment.shift == shift_id)
                                                 & (ShiftAssignment.volunteer == volunteer_id)).first())
    if assignment is None or assignment.status != PLANNED:
        raise BwkError("error.roster_not_on")
    _own_or_coordinator(session, Volunteer.get_by_id(volunteer_id))
    if row.shift_date < clock.today():
        raise BwkError("error.roster_past")
    _refuse_signed(row)
    if assignment.minutes is not None:
        raise BwkError("error.roster_already_worked")
    with write():
        ShiftAssignment.update(status=CANT_COME, signed_in_at=None).where(
            ShiftAssignment.id == assignment.id).execute()
        audit.record(session.account_id, "shift.cant_come", "shift", row.id, f"volunteer={volunteer_id}")
    return shift(row.id)


@coordinator_only
def remove(session: Session, shift_id: int, volunteer_id: int) -> ShiftInfo:
    """Take someone off a shift (not one already worked: correct the hours instead)."""
    row = shift_row(shift_id)
    assignment = (ShiftAssignment.select().where((ShiftAssignment.shift == shift_id)
                                                 & (ShiftAssignment.volunteer == volunteer_id)).first())
    if assignment is None:
        raise BwkError("error.roster_not_on")
    if assignment.minutes is not None:
        raise BwkError("error.roster_already_worked")
    if row.shift_date < clock.today():
        raise BwkError("error.roster_past")
    _refuse_signed(row)
    with write():
        ShiftAssignment.delete().where(ShiftAssignment.id == assignment.id).execute()
        audit.record(session.account_id, "shift.remove", "shift", row.id, f"volunteer={volunteer_id}")
    return shift(row.id)


# --- stand-ins -----------------------------------------------------------------------------


