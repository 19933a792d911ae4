"""Holidays: days the room is dicht (Kerstmis, an outing). Not to be confused with a signed
closing of the day's cash (``closing``), which the code calls a closing, never a holiday."""
from __future__ import annotations

import datetime as dt


from db import write
from db.models import (PLANNED, ClosedDay, Shift, ShiftAssignment)

from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel import clock
from bwk_tui.services.roster.templates import generate



def holidays(first: dt.date, last: dt.date, room_id: int | None = None) -> dict[dt.date, str]:
    room_id = room_id or room.current_room_id()
    query = ClosedDay.select(ClosedDay.day, ClosedDay.reason).where(
        (ClosedDay.room == room_id) & ClosedDay.day.between(first, last))
    return {row.day: row.reason for row in query}


def people_planned_on(day: dt.date, room_id: int | None = None) -> int:
    """How many are planned on ``day``: what closing the day would take off the roster."""
    room_id = room_id or room.current_room_id()
    return (ShiftAssignment.select().join(Shift)
            .where((Shift.room == room_id) & (Shift.shift_date == day) & (ShiftAssignment.status == PLANNED))
            .count())


@coordinator_only
def close_day(session: Session, day: dt.date, reason: str) -> int:
    """Mark ``day`` closed: its shifts go (with whoever was planned: returns how many people)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("error.roster_reason", field="reason")
    if len(reason) > 100:
        raise InvalidInput("error.text_long", field="reason", limit=100)
    if day < clock.today():
        raise InvalidInput("error.roster_close_past", field="day")
    room_id = room.current_room_id()
    with write():
        if ClosedDay.get_or_none((ClosedDay.room == room_id) & (ClosedDay.day == day)) is not None:
            raise BwkError("error.roster_already_closed", day=day.isoformat())
        worked = (ShiftAssignment.select().join(Shift)
                  .where((Shift.room == room_id) & (Shift.shift_date == day) & (ShiftAssignment.minutes.is_null(False) | ShiftAssignment.signed_in_at.is_null(False)))
                  .count())
        if worked:
            raise BwkError("error.roster_close_worked")
        planned = people_planned_on(day, room_id)
        Shift.delete().where((Shift.room == room_id) & (Shift.shift_date == day)).execute()
        ClosedDay.create(room=room_id, day=day, reason=reason, created_by=session.account_id)
        audit.record(session.account_id, "day.close", "closed_day", None, f"{day.isoformat()} planned={planned}")
    return planned


@coordinator_only
def reopen_day(session: Session, day: dt.date) -> None:
    """The room opens after all: the closed mark goes; the week view makes the shifts again."""
    room_id = room.current_room_id()
    with write():
        removed = ClosedDay.delete().where((ClosedDay.room == room_id) & (ClosedDay.day == day)).execute()
        if not removed:
            raise BwkError("error.roster_not_closed")
        audit.record(session.account_id, "day.reopen", "closed_day", None, day.isoformat())
    generate(day, day, room_id)
