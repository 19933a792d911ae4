"""Weekly shift templates (vaste diensten) and the concrete shifts made from them.

A template says: on this weekday, this dagdeel (ochtend, middag, avond), from .. to, this
many volunteers, maybe one skill. Concrete shifts are made from the templates for the days
a week is looked at (today and later), never on a holiday.
"""
from __future__ import annotations

import dataclasses
import datetime as dt


from db import write
from db.models import PLANNED, ClosedDay, Shift, ShiftAssignment, ShiftTemplate

from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel.availability import (DAGDELEN, slot_name)
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import parse_time
from bwk_tui.services.roster.volunteers import check_skill



# The usual times of a dagdeel, offered when a template is made.
DEFAULT_TIMES = {"o": (9 * 60, 12 * 60 + 30), "m": (12 * 60 + 30, 17 * 60), "a": (18 * 60, 21 * 60)}


@dataclasses.dataclass
class TemplateForm:
    weekday: int | str
    dagdeel: str
    starts: str = ""  # "09:00"; empty: the dagdeel's usual time
    ends: str = ""
    needed: int | str = 2
    skill: str | None = None


@dataclasses.dataclass(frozen=True)
class TemplateInfo:
    id: int
    weekday: int
    dagdeel: str
    starts_min: int
    ends_min: int
    needed: int
    skill: str | None

    @property
    def label(self) -> str:
        return slot_name(self.weekday, self.dagdeel)


def _template_info(row: ShiftTemplate) -> TemplateInfo:
    return TemplateInfo(row.id, row.weekday, row.dagdeel, row.starts_min, row.ends_min, row.needed, row.skill)


def templates(room_id: int | None = None) -> list[TemplateInfo]:
    room_id = room_id or room.current_room_id()
    query = (ShiftTemplate.select().where((ShiftTemplate.room == room_id) & ShiftTemplate.active)
             .order_by(ShiftTemplate.weekday, ShiftTemplate.starts_min))
    return [_template_info(row) for row in query]


def _valid_template(form: TemplateForm) -> dict:
    try:
        weekday = int(form.weekday)
    except (TypeError, ValueError):
        raise InvalidInput("error.roster_weekday", field="weekday") from None
    if not 0 <= weekday <= 6:
        raise InvalidInput("error.roster_weekday", field="weekday")
    if form.dagdeel not in DAGDELEN:
        raise InvalidInput("error.roster_dagdeel", field="dagdeel")
    default_start, default_end = DEFAULT_TIMES[form.dagdeel]
    starts = parse_time(form.starts, "starts") if (form.starts or "").strip() else default_start
    ends = parse_time(form.ends, "ends") if (form.ends or "").strip() else default_end
    if ends <= starts:
        raise InvalidInput("error.roster_times_order", field="ends")
    try:
        needed = int(str(form.needed).strip())
    except ValueError:
        raise InvalidInput("error.roster_needed", field="needed") from None
    if not 1 <= needed <= 20:
        raise InvalidInput("error.roster_needed", field="needed")
    return dict(weekday=weekday, dagdeel=form.dagdeel, starts_min=starts, ends_min=ends, needed=needed,
                skill=check_skill(form.skill))


@coordinator_only
def add_template(session: Session, form: TemplateForm) -> TemplateInfo:
    fields = _valid_template(form)
    room_id = room.current_room_id()
    with write():
        taken = ShiftTemplate.get_or_none((ShiftTemplate.room == room_id) & ShiftTemplate.active
                                          & (ShiftTemplate.weekday == fields["weekday"])
                                          & (ShiftTemplate.dagdeel == fields["dagdeel"]))
        if taken is not None:
            raise InvalidInput("error.roster_template_taken", field="dagdeel",
                               slot=slot_name(fields["weekday"], fields["dagdeel"]))
        row = ShiftTemplate.create(room=room_id, created_at=clock.now_utc(), **fields)
        audit.record(session.account_id, "template.create", "shift_template", row.id)
    return _template_info(row)


@coordinator_only
def update_template(session: Session, template_id: int, form: TemplateForm) -> TemplateInfo:
    """New times, number needed or skill; shifts after today made from it change along."""
    row = ShiftTemplate.get_or_none((ShiftTemplate.id == template_id) & ShiftTemplate.active)
    if row is None:
        raise BwkError("error.roster_no_template")
    form.weekday, form.dagdeel = row.weekday, row.dagdeel  # the slot itself stays
    fields = _valid_template(form)
    with write():
        ShiftTemplate.update(**fields).where(ShiftTemplate.id == template_id).execute()
        (Shift.update(starts_min=fields["starts_min"], ends_min=fields["ends_min"], needed=fields["needed"],
                      skill=fields["skill"])
         .where((Shift.template == template_id) & (Shift.shift_date > clock.today())).execute())
        audit.record(session.account_id, "template.update", "shift_template", template_id)
    return _template_info(ShiftTemplate.get_by_id(template_id))


@coordinator_only
def end_template(session: Session, template_id: int) -> int:
    """Stop a template; its shifts after today that nobody is on are removed (returns how many).

    Shifts after today with people on them stay: those people were counting on them.
    """
    row = ShiftTemplate.get_or_none((ShiftTemplate.id == template_id) & ShiftTemplate.active)
    if row is None:
        raise BwkError("error.roster_no_template")
    with write():
        ShiftTemplate.update(active=False).where(ShiftTemplate.id == template_id).execute()
        manned = ShiftAssignment.select(ShiftAssignment.shift).where(ShiftAssignment.status == PLANNED)
        removed = (Shift.delete().where((Shift.template == template_id) & (Shift.shift_date > clock.today())
                                        & Shift.id.not_in(manned)).execute())
        audit.record(session.account_id, "template.end", "shift_template", template_id, f"removed={removed}")
    return removed


def generate(first: dt.date, last: dt.date, room_id: int | None = None) -> int:
    """Make the missing shifts from today's templates for the days ``first``..``last`` that are
    today or later and not closed; returns how many were made. Safe to call again."""
    room_id = room_id or room.current_room_id()
    first = max(first, clock.today())
    if last < first:
        return 0
    active = list(ShiftTemplate.select().where((ShiftTemplate.room == room_id) & ShiftTemplate.active))
    if not active:
        return 0
    # Never on a holiday (read here, not through ``holidays``, which calls this module on reopening).
    closed = {r.day for r in ClosedDay.select(ClosedDay.day).where(
        (ClosedDay.room == room_id) & ClosedDay.day.between(first, last))}
    have = {(r.shift_date, r.dagdeel) for r in Shift.select(Shift.shift_date, Shift.dagdeel).where(
        (Shift.room == room_id) & Shift.shift_date.between(first, last))}
    rows = []
    day = first
    while day <= last:
        if day not in closed:
            for tpl in active:
                if tpl.weekday == day.weekday() and (day, tpl.dagdeel) not in have:
                    rows.append(dict(room=room_id, template=tpl.id, shift_date=day, dagdeel=tpl.dagdeel,
                                     starts_min=tpl.starts_min, ends_min=tpl.ends_min, needed=tpl.needed,
                                     skill=tpl.skill))
        day += dt.timedelta(days=1)
    if rows:
        with write():
            Shift.insert_many(rows).on_conflict_ignore().execute()
    return len(rows)
