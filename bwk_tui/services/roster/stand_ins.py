"""Stand-ins (invallers) for a gap on a shift, ranked with reasons whose points add up to the
score, as in matching: availability that dagdeel, the needed skill, recent turns, hours this month."""
from __future__ import annotations

import dataclasses
import datetime as dt


from db.models import (PLANNED, Shift, ShiftAssignment)

from bwk_tui.i18n import t
from bwk_tui.services.roster import allowance
from bwk_tui.services.room import settings
from bwk_tui.services.kernel.availability import (slot, slot_name)
from bwk_tui.services.kernel.scoring import Reason, read_weights
from bwk_tui.services.roster.shifts import shift_row
from bwk_tui.services.roster.volunteers import skill_name, volunteers



RECENT_WEEKS = 8


# Hours in a month at which the "spread the work" points have run out.
HOURS_SPREAD = 20


@dataclasses.dataclass(frozen=True)
class StandIn:
    volunteer_id: int
    name: str
    score: int
    reasons: list[Reason]
    minutes_this_month: int
    over_allowance: bool


def _weights() -> dict[str, int]:
    return read_weights(settings.get_int, "roster_weight_", ("availability", "skill", "recent", "hours"))


def stand_ins(shift_id: int, top: int = 8) -> list[StandIn]:
    """Who could take the place, best first: available that dagdeel, has the skill, did this
    dagdeel recently, and has few hours this month (spread the work). Not: who is on it
    already, who said they can't come, who is on an overlapping shift that day."""
    row = shift_row(shift_id)
    w = _weights()
    candidates = [v for v in volunteers(row.room_id) if v.active]
    taken = {a.volunteer_id for a in ShiftAssignment.select(ShiftAssignment.volunteer).where(
        ShiftAssignment.shift == row.id)}
    busy = {a.volunteer_id for a in ShiftAssignment.select(ShiftAssignment.volunteer).join(Shift).where(
        (Shift.shift_date == row.shift_date) & (ShiftAssignment.status == PLANNED)
        & (Shift.starts_min < row.ends_min) & (Shift.ends_min > row.starts_min))}
    candidates = [v for v in candidates if v.id not in taken and v.id not in busy]
    if not candidates:
        return []
    ids = [v.id for v in candidates]
    since = row.shift_date - dt.timedelta(weeks=RECENT_WEEKS)
    # "this dagdeel" is this weekday's dagdeel: count only those on the same weekday
    same_day = {}
    for item in (ShiftAssignment.select(ShiftAssignment.volunteer, Shift.shift_date).join(Shift)
                 .where(ShiftAssignment.volunteer.in_(ids) & (Shift.dagdeel == row.dagdeel)
                        & (Shift.shift_date >= since) & (Shift.shift_date < row.shift_date)
                        & ((ShiftAssignment.minutes > 0) | (ShiftAssignment.status == PLANNED)))
                 .objects()):
        if item.shift_date.weekday() == row.shift_date.weekday():
            same_day[item.volunteer_id] = same_day.get(item.volunteer_id, 0) + 1
    month = allowance.month_minutes(ids, row.shift_date.year, row.shift_date.month)
    label = slot_name(row.shift_date.weekday(), row.dagdeel)
    code = slot(row.shift_date.weekday(), row.dagdeel)
    result = []
    for v in candidates:
        reasons = []
        if code in v.availability:
            reasons.append(Reason(t("roster.reason_available", slot=label), w["availability"]))
        elif not v.availability:
            reasons.append(Reason(t("roster.reason_availability_unknown"), 0))
        else:
            reasons.append(Reason(t("roster.reason_not_available", slot=label), 0))
        if row.skill:
            name = skill_name(row.skill)
            if row.skill in v.skills:
                reasons.append(Reason(t("roster.reason_skill", skill=name), w["skill"]))
            else:
                reasons.append(Reason(t("roster.reason_no_skill", skill=name), 0))
        times = same_day.get(v.id, 0)
        if times:
            reasons.append(Reason(t("roster.reason_recent", slot=label, count=times, weeks=RECENT_WEEKS),
                                  w["recent"]))
        minutes = month.get(v.id, 0)
        hours = minutes / 60
        points = round(w["hours"] * max(0.0, 1 - hours / HOURS_SPREAD))
        reasons.append(Reason(t("roster.reason_hours", hours=_hours_text(minutes)) if minutes
                              else t("roster.reason_no_hours"), points))
        over = bool(v.hourly_allowance_cents) and allowance.would_exceed(
            v.id, row.shift_date, row.ends_min - row.starts_min) is not None  # no allowance: nothing to exceed
        if over:
            reasons.append(Reason(t("roster.reason_over_allowance"), 0))
        result.append(StandIn(v.id, v.name, sum(r.points for r in reasons), reasons, minutes, over))
    result.sort(key=lambda s: (s.over_allowance, -s.score, s.minutes_this_month, s.name.casefold()))
    return result[:top]


def _hours_text(minutes: int) -> str:
    from bwk_tui.services.kernel.clock import hours

    return hours(minutes)
