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
import re

from peewee import JOIN

from db import write
from db.models import (CANT_COME, PLANNED, Account, ClosedDay, HelpDomain, Person, Shift, ShiftAssignment,
                       ShiftTemplate, Volunteer)

from bwk_tui.i18n import current_language, t
from bwk_tui.services.roster import allowance
from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel.availability import (DAGDELEN, availability_text, parse_availability, parse_languages,
                                           slot, slot_name, split)
from bwk_tui.services.kernel.clock import now_utc, to_local, today
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.visitors.persons import display_name

# Practical skills beside the help domains (whose codes are skills too).
PRACTICAL_SKILLS = ("gastvrouw", "koffie", "administratie", "taal", "computerhulp")
# The usual times of a dagdeel, offered when a template is made.
DEFAULT_TIMES = {"o": (9 * 60, 12 * 60 + 30), "m": (12 * 60 + 30, 17 * 60), "a": (18 * 60, 21 * 60)}
RECENT_WEEKS = 8
# Hours in a month at which the "spread the work" points have run out.
HOURS_SPREAD = 20


# --- small parsers -------------------------------------------------------------------------


def parse_time(text: str, field: str = "starts") -> int:
    """"9", "9:30", "09.30", "0930" -> minutes after midnight; InvalidInput otherwise."""
    raw = (text or "").strip().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?", raw)
    if match is None:
        raise InvalidInput("error.roster_time", field=field, value=text or "")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise InvalidInput("error.roster_time", field=field, value=text)
    return hours * 60 + minutes


def time_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def times_text(starts_min: int, ends_min: int) -> str:
    """(540, 750) -> "09:00-12:30"."""
    return f"{time_text(starts_min)}-{time_text(ends_min)}"


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str | None) -> dt.date:
    """"2026-W48" (ISO week) -> its Monday; None -> this week's Monday."""
    if not text:
        return week_start(today())
    match = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text.strip())
    if match is None:
        raise InvalidInput("error.roster_week", field="week", value=text)
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InvalidInput("error.roster_week", field="week", value=text) from None


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def skill_name(code: str | None) -> str:
    if not code:
        return ""
    if code in PRACTICAL_SKILLS:
        return t(f"roster.skill_{code}")
    domain = HelpDomain.get_or_none(HelpDomain.code == code)
    if domain is None:
        return code
    return domain.name_en if current_language() == "en" and domain.name_en else domain.name_nl


def skills() -> list[tuple[str, str]]:
    """Every skill as (code, name): the practical ones, then the help domains."""
    from bwk_tui.services.visitors import visits

    # A help domain with a practical skill's code (koffie) is that skill, listed once.
    return [(code, t(f"roster.skill_{code}")) for code in PRACTICAL_SKILLS] + [
        (d.code, d.name) for d in visits.domains() if d.code not in PRACTICAL_SKILLS]


def _check_skill(code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is not None and code not in dict(skills()):
        raise InvalidInput("error.roster_skill", field="skill", value=code)
    return code


# --- volunteer profiles --------------------------------------------------------------------


@dataclasses.dataclass
class ProfileForm:
    account_id: int
    person_id: int | None = None
    skills: list[str] = dataclasses.field(default_factory=list)
    languages: str = ""
    availability: str = ""  # "ma-o,di-m"
    hourly_allowance: str = ""  # "2,50"; empty: no allowance
    active: bool = True


@dataclasses.dataclass(frozen=True)
class VolunteerInfo:
    id: int
    account_id: int
    name: str
    person_id: int | None
    person_name: str
    skills: list[str]
    languages: list[str]
    availability: frozenset[str]
    hourly_allowance_cents: int | None
    started_on: dt.date
    active: bool

    @property
    def skill_names(self) -> list[str]:
        return [skill_name(code) for code in self.skills]


def _volunteer_query():
    return (Volunteer.select(Volunteer, Account.name.alias("account_name"),
                             Person.first_name.alias("p_first"), Person.last_name.alias("p_last"))
            .join(Account, on=(Volunteer.account == Account.id))
            .switch(Volunteer).join(Person, JOIN.LEFT_OUTER, on=(Volunteer.person == Person.id)))


def _info(row) -> VolunteerInfo:
    return VolunteerInfo(row.id, row.account_id, row.account_name, row.person_id,
                         display_name(row.p_first, row.p_last) if row.p_first else "", split(row.skills),
                         split(row.languages), parse_availability(row.availability), row.hourly_allowance_cents,
                         row.started_on, row.active)


def volunteers(room_id: int | None = None, active_only: bool = True) -> list[VolunteerInfo]:
    """The room's volunteer profiles, by name."""
    room_id = room_id or room.current_room_id()
    query = _volunteer_query().where(Volunteer.room == room_id)
    if active_only:
        query = query.where(Volunteer.active & Account.active)
    return sorted((_info(r) for r in query.objects()), key=lambda v: v.name.casefold())


def volunteer(volunteer_id: int) -> VolunteerInfo:
    row = _volunteer_query().where(Volunteer.id == volunteer_id).objects().first()
    if row is None:
        raise BwkError("error.roster_no_volunteer")
    return _info(row)


def profile_for_account(account_id: int) -> VolunteerInfo | None:
    row = _volunteer_query().where(Volunteer.account == account_id).objects().first()
    return _info(row) if row else None


def accounts_without_profile() -> list[tuple[int, str]]:
    """Active accounts that have no volunteer profile yet: (id, name)."""
    taken = Volunteer.select(Volunteer.account)
    query = Account.select(Account.id, Account.name).where(Account.active & Account.id.not_in(taken))
    return sorted(((a.id, a.name) for a in query), key=lambda pair: pair[1].casefold())


def _allowance_cents(text: str) -> int | None:
    if not (text or "").strip():
        return None
    from bwk_tui.services.cash.cash import parse_amount

    try:
        return parse_amount(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.key, field="hourly_allowance", **exc.params) from None


@coordinator_only
def save_profile(session: Session, form: ProfileForm, volunteer_id: int | None = None) -> VolunteerInfo:
    """Create (``volunteer_id`` None) or change a volunteer profile; one transaction, audited."""
    account = Account.get_or_none(Account.id == form.account_id)
    if account is None:
        raise InvalidInput("error.roster_no_account", field="account")
    codes = [_check_skill(code) for code in dict.fromkeys(form.skills or []) if code]
    languages = parse_languages(form.languages)
    availability = availability_text(parse_availability(form.availability))
    cents = _allowance_cents(form.hourly_allowance)
    if form.person_id is not None and Person.get_or_none(Person.id == form.person_id) is None:
        raise InvalidInput("error.person_not_found", field="person")
    fields = dict(person=form.person_id, skills=",".join(codes), languages=",".join(languages),
                  availability=availability, hourly_allowance_cents=cents, active=bool(form.active))
    with write():
        if form.person_id is not None:
            other = Volunteer.get_or_none((Volunteer.person == form.person_id) & (Volunteer.id != (volunteer_id or 0)))
            if other is not None:
                raise InvalidInput("error.roster_person_taken", field="person")
        if volunteer_id is None:
            if Volunteer.get_or_none(Volunteer.account == account.id) is not None:
                raise InvalidInput("error.roster_profile_exists", field="account", name=account.name)
            row = Volunteer.create(account=account.id, room=room.current_room_id(), started_on=today(),
                                   created_at=now_utc(), **fields)
            audit.record(session.account_id, "volunteer.create", "volunteer", row.id)
        else:
            changed = Volunteer.update(**fields).where(Volunteer.id == volunteer_id).execute()
            if not changed:
                raise BwkError("error.roster_no_volunteer")
            row = Volunteer.get_by_id(volunteer_id)
            audit.record(session.account_id, "volunteer.update", "volunteer", row.id)
    return volunteer(row.id)


def ensure_profile(session: Session) -> VolunteerInfo:
    """The logged-in user's own profile, made (empty, in this room) at their first sign-up."""
    found = profile_for_account(session.account_id)
    if found is not None:
        return found
    with write():
        row = Volunteer.create(account=session.account_id, room=room.current_room_id(), started_on=today(),
                               created_at=now_utc())
        audit.record(session.account_id, "volunteer.create", "volunteer", row.id, "self")
    return volunteer(row.id)


# --- templates -----------------------------------------------------------------------------


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
                skill=_check_skill(form.skill))


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
        row = ShiftTemplate.create(room=room_id, created_at=now_utc(), **fields)
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
         .where((Shift.template == template_id) & (Shift.shift_date > today())).execute())
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
        removed = (Shift.delete().where((Shift.template == template_id) & (Shift.shift_date > today())
                                        & Shift.id.not_in(manned)).execute())
        audit.record(session.account_id, "template.end", "shift_template", template_id, f"removed={removed}")
    return removed


# --- closed days ---------------------------------------------------------------------------


def closed_days(first: dt.date, last: dt.date, room_id: int | None = None) -> dict[dt.date, str]:
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
    if day < today():
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


# --- shifts --------------------------------------------------------------------------------


def generate(first: dt.date, last: dt.date, room_id: int | None = None) -> int:
    """Make the missing shifts from today's templates for the days ``first``..``last`` that are
    today or later and not closed; returns how many were made. Safe to call again."""
    room_id = room_id or room.current_room_id()
    first = max(first, today())
    if last < first:
        return 0
    active = list(ShiftTemplate.select().where((ShiftTemplate.room == room_id) & ShiftTemplate.active))
    if not active:
        return 0
    closed = closed_days(first, last, room_id)
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
    monday = week_start(monday or today())
    sunday = monday + dt.timedelta(days=6)
    generate(monday, sunday, room_id)
    shifts = _shift_infos(Shift.select().where((Shift.room == room_id) & Shift.shift_date.between(monday, sunday))
                          .order_by(Shift.shift_date, Shift.starts_min))
    closed = closed_days(monday, sunday, room_id)
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
    first = today()
    query = (Shift.select(Shift).join(ShiftAssignment).join(Volunteer)
             .where((Volunteer.account == account_id) & (ShiftAssignment.status == PLANNED)
                    & Shift.shift_date.between(first, first + dt.timedelta(days=days)))
             .order_by(Shift.shift_date, Shift.starts_min))
    return _shift_infos(query)


def _now_minutes() -> int:
    local = to_local(now_utc())
    return local.hour * 60 + local.minute


def _check_open_for_sign_up(row: Shift, coordinator: bool) -> None:
    """Refuse a shift on a closed day or in the past (a coordinator may still add someone to today's)."""
    if ClosedDay.get_or_none((ClosedDay.room == row.room_id) & (ClosedDay.day == row.shift_date)) is not None:
        raise BwkError("error.roster_closed_day")
    day = today()
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
        ShiftAssignment.update(status=PLANNED, assigned_by=session.account_id, assigned_at=now_utc(),
                               minutes=None, signed_in_at=None, signed_out_at=None,
                               confirmed_by=None).where(ShiftAssignment.id == existing.id).execute()
    else:
        ShiftAssignment.create(shift=row.id, volunteer=person.id, status=PLANNED, assigned_by=session.account_id,
                               assigned_at=now_utc())


def _shift_row(shift_id: int) -> Shift:
    row = Shift.get_or_none(Shift.id == shift_id)
    if row is None:
        raise BwkError("error.roster_no_shift")
    return row


def sign_up(session: Session, shift_id: int, accept_over_allowance: bool = False) -> ShiftInfo:
    """The logged-in volunteer puts themselves on a shift (their profile is made if need be)."""
    row = _shift_row(shift_id)
    with write():  # one transaction: a refused sign-up leaves no new profile behind either
        own = ensure_profile(session)
        _put_on(session, row, Volunteer.get_by_id(own.id), accept_over_allowance)
        audit.record(session.account_id, "shift.sign_up", "shift", row.id)
    return shift(row.id)


@coordinator_only
def assign(session: Session, shift_id: int, volunteer_id: int, accept_over_allowance: bool = False) -> ShiftInfo:
    row = _shift_row(shift_id)
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
    row = _shift_row(shift_id)
    assignment = (ShiftAssignment.select().where((ShiftAssignment.shift == shift_id)
                                                 & (ShiftAssignment.volunteer == volunteer_id)).first())
    if assignment is None or assignment.status != PLANNED:
        raise BwkError("error.roster_not_on")
    _own_or_coordinator(session, Volunteer.get_by_id(volunteer_id))
    if row.shift_date < today():
        raise BwkError("error.roster_past")
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
    row = _shift_row(shift_id)
    assignment = (ShiftAssignment.select().where((ShiftAssignment.shift == shift_id)
                                                 & (ShiftAssignment.volunteer == volunteer_id)).first())
    if assignment is None:
        raise BwkError("error.roster_not_on")
    if assignment.minutes is not None:
        raise BwkError("error.roster_already_worked")
    if row.shift_date < today():
        raise BwkError("error.roster_past")
    with write():
        ShiftAssignment.delete().where(ShiftAssignment.id == assignment.id).execute()
        audit.record(session.account_id, "shift.remove", "shift", row.id, f"volunteer={volunteer_id}")
    return shift(row.id)


# --- stand-ins -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reason:
    text: str
    points: int


@dataclasses.dataclass(frozen=True)
class StandIn:
    volunteer_id: int
    name: str
    score: int
    reasons: list[Reason]
    minutes_this_month: int
    over_allowance: bool


def _weights() -> dict[str, int]:
    return {k: settings.get_int(f"roster_weight_{k}") for k in ("availability", "skill", "recent", "hours")}


def stand_ins(shift_id: int, top: int = 8) -> list[StandIn]:
    """Who could take the place, best first: available that dagdeel, has the skill, did this
    dagdeel recently, and has few hours this month (spread the work). Not: who is on it
    already, who said they can't come, who is on an overlapping shift that day."""
    row = _shift_row(shift_id)
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
        reasons.append(Reason(t("roster.reason_hours", hours=_hours_text(minutes)), points))
        over = bool(v.hourly_allowance_cents) and allowance.would_exceed(
            v.id, row.shift_date, row.ends_min - row.starts_min) is not None  # no allowance: nothing to exceed
        if over:
            reasons.append(Reason(t("roster.reason_over_allowance"), 0))
        result.append(StandIn(v.id, v.name, sum(r.points for r in reasons), reasons, minutes, over))
    result.sort(key=lambda s: (s.over_allowance, -s.score, s.minutes_this_month, s.name.casefold()))
    return result[:top]


def _hours_text(minutes: int) -> str:
    from bwk_tui.services.kernel.formatting import hours

    return hours(minutes)
