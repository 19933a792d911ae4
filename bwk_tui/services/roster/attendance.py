"""On the day: volunteers sign in and out, or the coordinator confirms (or corrects) the planned
times. What is recorded are minutes worked per shift; a day whose cash is closed is read-only.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from db import write
from db.models import ABSENT, PLANNED, Account, CashClosing, Shift, ShiftAssignment, Volunteer

from bwk_tui.services.roster import allowance
from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import to_local
from bwk_tui.services.kernel.errors import BwkError, InvalidInput


@dataclasses.dataclass(frozen=True)
class AttendanceLine:
    assignment_id: int
    volunteer_id: int
    account_id: int
    name: str
    shift_date: dt.date
    dagdeel: str
    starts_min: int
    ends_min: int
    status: str  # ingepland or afwezig
    signed_in_at: dt.datetime | None
    signed_out_at: dt.datetime | None
    minutes: int | None  # None: not recorded yet

    @property
    def planned_minutes(self) -> int:
        return self.ends_min - self.starts_min


def _query():
    return (ShiftAssignment.select(ShiftAssignment, Shift.shift_date, Shift.dagdeel, Shift.starts_min,
                                   Shift.ends_min, Shift.room.alias("room_id"), Volunteer.account.alias("account_id"),
                                   Account.name.alias("account_name"))
            .join(Shift).switch(ShiftAssignment).join(Volunteer)
            .join(Account, on=(Volunteer.account == Account.id)))


def _line(row) -> AttendanceLine:
    return AttendanceLine(row.id, row.volunteer_id, row.account_id, row.account_name, row.shift_date, row.dagdeel,
                          row.starts_min, row.ends_min, row.status, row.signed_in_at, row.signed_out_at, row.minutes)


def day_lines(day: dt.date | None = None, room_id: int | None = None) -> list[AttendanceLine]:
    """Everyone planned (or found absent) on the room's shifts of ``day``, in shift order."""
    day = day or clock.today()
    room_id = room_id or room.current_room_id()
    query = (_query().where((Shift.room == room_id) & (Shift.shift_date == day)
                            & ShiftAssignment.status.in_([PLANNED, ABSENT]))
             .order_by(Shift.starts_min, Account.name))
    return [_line(row) for row in query.objects()]


def line(assignment_id: int) -> AttendanceLine:
    row = _query().where(ShiftAssignment.id == assignment_id).objects().first()
    if row is None:
        raise BwkError("error.roster_not_on")
    return _line(row)


def _signed_at(shift_date: dt.date, room_id: int) -> dt.datetime | None:
    """When ``shift_date`` was signed (its closing), or None while it is open."""
    found = CashClosing.get_or_none(CashClosing.room == room_id, CashClosing.day == shift_date)
    return found.signed_at if found else None


def ended(found: AttendanceLine) -> bool:
    """Whether the shift is over (only then can its planned times be confirmed)."""
    today = clock.today()
    if found.shift_date != today:
        return found.shift_date < today
    local = to_local(clock.now_utc())
    return found.ends_min <= local.hour * 60 + local.minute


def open_after_closing(found: AttendanceLine, signed_at: dt.datetime) -> bool:
    """A shift that had not ended when its day was signed (an evening session): its hours stay
    open until they are recorded, on the next open day."""
    if found.status != PLANNED or found.minutes is not None:
        return False
    local = to_local(signed_at)
    if local.date() != found.shift_date:
        return local.date() < found.shift_date
    return found.ends_min > local.hour * 60 + local.minute


def _editable(session: Session, found: AttendanceLine, own_allowed: bool = True) -> None:
    if not own_allowed or found.account_id != session.account_id:
        require_role(session)
    room_id = Shift.get_by_id(ShiftAssignment.get_by_id(found.assignment_id).shift_id).room_id
    signed_at = _signed_at(found.shift_date, room_id)
    if signed_at is not None and not open_after_closing(found, signed_at):
        raise BwkError("error.roster_day_closed")


def late_open_lines(room_id: int | None = None, days: int = 14) -> list[AttendanceLine]:
    """Shifts of signed days that ran after their closing and have no hours yet (the closing of
    the next open day asks for them)."""
    room_id = room_id or room.current_room_id()
    today = clock.today()
    closings = dict(CashClosing.select(CashClosing.day, CashClosing.signed_at)
                    .where(CashClosing.room == room_id, CashClosing.day >= today - dt.timedelta(days=days),
                           CashClosing.day <= today).tuples())
    if not closings:
        return []
    query = (_query().where((Shift.room == room_id) & Shift.shift_date.in_(list(closings))
                            & (ShiftAssignment.status == PLANNED) & ShiftAssignment.minutes.is_null())
             .order_by(Shift.shift_date, Shift.starts_min, Account.name))
    return [x for x in map(_line, query.objects()) if open_after_closing(x, closings[x.shift_date])]


def _minutes_since(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, min(1440, round((end - start).total_seconds() / 60)))


SIGN_IN_EARLY_MINUTES = 30


def _in_sign_in_window(found: AttendanceLine) -> None:
    """Signing in counts hours: from half an hour before the shift starts until it ends, not at
    12:47 for the 18:00 shift."""
    local = to_local(clock.now_utc())
    now_min = local.hour * 60 + local.minute
    opens = max(0, found.starts_min - SIGN_IN_EARLY_MINUTES)
    if now_min < opens:
        raise BwkError("error.roster_sign_in_early", opens=clock.time_text(opens),
                       times=clock.times_text(found.starts_min, found.ends_min))
    if now_min > found.ends_min:
        raise BwkError("error.roster_sign_in_over", times=clock.times_text(found.starts_min, found.ends_min))


def sign_in(session: Session, assignment_id: int) -> AttendanceLine:
    """On the day of the shift, the volunteer (or a coordinator for them) signs in."""
    found = line(assignment_id)
    _editable(session, found)
    if found.shift_date != clock.today():
        raise BwkError("error.roster_not_today")
    if found.status != PLANNED:
        raise BwkError("error.roster_not_on")
    if found.signed_in_at is not None:
        raise BwkError("error.roster_signed_in")
    _in_sign_in_window(found)
    with write():
        ShiftAssignment.update(signed_in_at=clock.now_utc()).where(ShiftAssignment.id == assignment_id).execute()
        audit.record(session.account_id, "shift.sign_in", "shift_assignment", assignment_id)
    return line(assignment_id)


def sign_out(session: Session, assignment_id: int, accept_over_allowance: bool = False) -> AttendanceLine:
    """Sign out: the minutes since signing in are the hours worked."""
    found = line(assignment_id)
    _editable(session, found)
    if found.shift_date != clock.today():
        raise BwkError("error.roster_not_today")
    if found.signed_out_at is not None:
        raise BwkError("error.roster_signed_out")
    if found.minutes is not None:  # the coordinator confirmed or corrected them already
        raise BwkError("error.roster_already_worked")
    if found.signed_in_at is None:
        raise BwkError("error.roster_not_signed_in")
    now = clock.now_utc()
    minutes = _minutes_since(found.signed_in_at, now)
    if not accept_over_allowance:
        allowance.check(found.volunteer_id, found.shift_date, minutes, include_planned=False,
                        leave_out=assignment_id)
    with write():
        ShiftAssignment.update(signed_out_at=now, minutes=minutes).where(
            ShiftAssignment.id == assignment_id).execute()
        audit.record(session.account_id, "shift.sign_out", "shift_assignment", assignment_id, f"minutes={minutes}")
    return line(assignment_id)


@coordinator_only
def confirm_planned(session: Session, day: dt.date | None = None, accept_over_allowance: bool = False,
                    assignment_ids: list[int] | None = None) -> int:
    """The coordinator confirms exactly the planned times of everyone on ``day`` whose hours are not
    recorded yet (or only ``assignment_ids``), on shifts that have ended: a shift still to come
    gets no hours. Returns how many. All or nothing."""
    day = day or clock.today()
    if day > clock.today():
        raise BwkError("error.roster_future_hours")
    open_lines = [x for x in day_lines(day) if x.status == PLANNED and x.minutes is None and ended(x)
                  and (assignment_ids is None or x.assignment_id in assignment_ids)]
    if not open_lines:
        return 0
    signed_at = _signed_at(day, room.current_room_id())
    if signed_at is not None:  # a signed day: only the shifts that ran after its closing
        open_lines = [x for x in open_lines if open_after_closing(x, signed_at)]
        if not open_lines:
            raise BwkError("error.roster_day_closed")
    _editable(session, open_lines[0], own_allowed=False)
    if not accept_over_allowance:
        extra: dict[int, int] = {}
        for x in open_lines:
            extra[x.volunteer_id] = extra.get(x.volunteer_id, 0) + x.planned_minutes
        for volunteer_id, minutes in extra.items():
            allowance.check(volunteer_id, day, minutes, include_planned=False)
    with write():
        for x in open_lines:
            ShiftAssignment.update(minutes=x.planned_minutes, confirmed_by=session.account_id).where(
                ShiftAssignment.id == x.assignment_id).execute()
        audit.record(session.account_id, "shift.confirm", "shift", None, f"{day.isoformat()} n={len(open_lines)}")
    return len(open_lines)


@coordinator_only
def correct(session: Session, assignment_id: int, starts: str, ends: str,
            accept_over_allowance: bool = False) -> AttendanceLine:
    """The coordinator sets the times someone actually worked (not for a day in the future)."""
    from bwk_tui.services.kernel import clock
    from bwk_tui.services.kernel.clock import parse_time

    found = line(assignment_id)
    _editable(session, found, own_allowed=False)
    if found.shift_date > clock.today():
        raise BwkError("error.roster_future_hours")
    start = parse_time(starts, "starts")
    end = parse_time(ends, "ends")
    if end <= start:
        raise InvalidInput("error.roster_times_order", field="ends")
    minutes = end - start
    if not accept_over_allowance:
        allowance.check(found.volunteer_id, found.shift_date, minutes, include_planned=False,
                        leave_out=assignment_id)
    with write():
        ShiftAssignment.update(status=PLANNED, minutes=minutes, confirmed_by=session.account_id).where(
            ShiftAssignment.id == assignment_id).execute()
        audit.record(session.account_id, "shift.correct", "shift_assignment", assignment_id, f"minutes={minutes}")
    return line(assignment_id)


@coordinator_only
def mark_absent(session: Session, assignment_id: int) -> AttendanceLine:
    """Did not come (and did not say so): no hours; shown as absent."""
    found = line(assignment_id)
    _editable(session, found, own_allowed=False)
    if found.shift_date > clock.today():
        raise BwkError("error.roster_future_hours")
    with write():
        ShiftAssignment.update(status=ABSENT, minutes=None, signed_in_at=None, signed_out_at=None,
                               confirmed_by=session.account_id).where(
            ShiftAssignment.id == assignment_id).execute()
        audit.record(session.account_id, "shift.absent", "shift_assignment", assignment_id)
    return line(assignment_id)


def open_count(day: dt.date | None = None, room_id: int | None = None) -> int:
    """How many on ``day`` have no hours recorded yet (the closing asks about them)."""
    return sum(1 for x in day_lines(day, room_id) if x.status == PLANNED and x.minutes is None)


def still_to_come(day: dt.date | None = None, room_id: int | None = None) -> int:
    """How many of those are on a shift that has not ended yet (their hours come after the closing)."""
    return sum(1 for x in day_lines(day, room_id) if x.status == PLANNED and x.minutes is None and not ended(x))
