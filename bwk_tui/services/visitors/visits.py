"""Visits: check-in in five keystrokes, who is in now, check-out, walk-ins, follow-ups."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN, DatabaseError, IntegrityError, fn

from db import serialise, write
from db.models import Account, HelpDomain, Household, Person, Visit, VisitDomain, WalkIn

from bwk_tui.i18n import current_language
from bwk_tui.services.room import audit
from bwk_tui.services.room import closed_days, coded_lists
from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel import dates
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.text import display_name

DEFAULT_DOMAIN = "koffie"  # a first visit starts with coffee ticked


class AlreadyCheckedIn(BwkError):
    """The person is in already; ``visit_id`` is their open visit (the desk offers to open it)."""

    def __init__(self, name: str, since: str, visit_id: int):
        super().__init__("error.already_in", name=name, since=since)
        self.visit_id = visit_id


@dataclasses.dataclass(frozen=True)
class Domain:
    id: int
    code: str
    name: str
    active: bool
    sensitive: bool = False  # gevoelig (issue 13)


def domains(active_only: bool = True) -> list[Domain]:
    query = HelpDomain.select().order_by(HelpDomain.sort, HelpDomain.id)
    if active_only:
        query = query.where(HelpDomain.active == True)  # noqa: E712
    english = current_language() == "en"
    return [Domain(d.id, d.code, d.name_en if english else d.name_nl, d.active, bool(d.sensitive)) for d in query]


@coordinator_only
def add_domain(session: Session, name_nl: str, name_en: str = "") -> Domain:
    with write():
        new = coded_lists.prepare_new(HelpDomain, name_nl, "error.domain_empty", "error.domain_exists", "domein")
        domain = HelpDomain.create(**new, name_en=name_en or new["name_nl"])
        audit.record(session.account_id, "domain.create", "help_domain", domain.id)
    return Domain(domain.id, domain.code, domain.name_nl, True)


@coordinator_only
def set_domain_active(session: Session, domain_id: int, active: bool) -> None:
    """Domains are switched off, never deleted: old visits keep their meaning."""
    with write():
        HelpDomain.update(active=active).where(HelpDomain.id == domain_id).execute()
        audit.record(session.account_id, "domain.active" if active else "domain.inactive", "help_domain", domain_id)


@coordinator_only
def set_domain_sensitive(session: Session, domain_id: int, sensitive: bool) -> None:
    """A sensitive (gevoelig) domain is not pre-ticked at check-in and is shown to a volunteer only
    on the visits they recorded themselves; coordinators see it everywhere."""
    with write():
        if not HelpDomain.update(sensitive=sensitive).where(HelpDomain.id == domain_id).execute():
            raise BwkError("error.domain_unknown")
        audit.record(session.account_id, "domain.sensitive" if sensitive else "domain.not_sensitive",
                     "help_domain", domain_id)


def _sensitive_ids() -> set[int]:
    return {d.id for d in HelpDomain.select(HelpDomain.id).where(HelpDomain.sensitive == True)}  # noqa: E712


@coordinator_only
def rename_domain(session: Session, domain_id: int, name_nl: str, name_en: str = "") -> None:
    name_nl = " ".join((name_nl or "").split())
    if not name_nl:
        raise InvalidInput("error.domain_empty", field="name")
    with write():
        HelpDomain.update(name_nl=name_nl, name_en=name_en or name_nl).where(HelpDomain.id == domain_id).execute()
        audit.record(session.account_id, "domain.rename", "help_domain", domain_id)


def domain_names(domain_id: int) -> tuple[str, str]:
    """The Dutch and English name of a help domain (for editing them)."""
    domain = HelpDomain.get_or_none(HelpDomain.id == domain_id)
    if domain is None:
        raise BwkError("error.domain_unknown")
    return domain.name_nl, domain.name_en


def last_domain_ids(person_id: int) -> list[int]:
    """The help domains of the person's last visit (ticked at check-in); coffee for a first visit."""
    last = Visit.select(Visit.id).where(Visit.person == person_id).order_by(Visit.id.desc()).first()
    if last is not None:
        ids = [vd.domain_id for vd in VisitDomain.select(VisitDomain.domain)
               .join(HelpDomain).where(VisitDomain.visit == last.id, HelpDomain.active == True,  # noqa: E712
                                       HelpDomain.sensitive == False)]  # noqa: E712  never pre-ticked
        if ids:
            return ids
    default = HelpDomain.get_or_none(HelpDomain.code == DEFAULT_DOMAIN, HelpDomain.active == True)  # noqa: E712
    return [default.id] if default else []


# --- check-in and the visit ----------------------------------------------------------------


@dataclasses.dataclass
class VisitForm:
    domain_ids: list[int] = dataclasses.field(default_factory=list)
    referral: str = ""
    follow_up: str = ""  # as typed: dd-mm-jjjj (or jjjj-mm-dd)
    note: str = ""


def parse_date(text: str, field: str, prefer: str = "future") -> dt.date | None:
    """A typed date ("3-12", "morgen", "over 2 weken", "do"); InvalidInput when it is none."""
    if not (text or "").strip():
        return None
    day = dates.understand(text, prefer=prefer)
    if day is None:
        raise InvalidInput("error.date_format", field=field)
    return day


@dataclasses.dataclass(frozen=True)
class _ValidVisit:
    domain_ids: list[int]
    referral: str | None
    follow_up: dt.date | None
    note: str | None


def _validate(form: VisitForm) -> _ValidVisit:
    ids = list(dict.fromkeys(form.domain_ids))
    if not ids:
        raise InvalidInput("error.domains_empty", field="domains")
    found = HelpDomain.select().where(HelpDomain.id.in_(ids), HelpDomain.active == True).count()  # noqa: E712
    if found != len(ids):
        raise InvalidInput("error.domain_unknown", field="domains")
    referral = " ".join((form.referral or "").split()) or None
    if referral and len(referral) > 80:
        raise InvalidInput("error.referral_long", field="referral")
    follow_up = parse_date(form.follow_up, "follow_up")
    if follow_up is not None and follow_up < clock.today():
        raise InvalidInput("error.follow_up_past", field="follow_up")
    note = (form.note or "").strip() or None
    if note and len(note) > 500:
        raise InvalidInput("error.note_long", field="note")
    return _ValidVisit(ids, referral, follow_up, note)


def _open_visit(person_id: int, day: dt.date) -> Visit | None:
    return Visit.get_or_none(Visit.person == person_id, Visit.visit_date == day, Visit.left_at.is_null())


def _already_in(person: Person, visit: Visit) -> AlreadyCheckedIn:
    from bwk_tui.services.kernel.clock import clock_time

    return AlreadyCheckedIn(display_name(person.first_name, person.last_name), clock_time(visit.arrived_at),
                            visit.id)


def open_visit_id(person_id: int) -> int | None:
    """The person's visit today that has not been checked out, if any."""
    visit = _open_visit(person_id, clock.today())
    return visit.id if visit else None


def check_in(session: Session, person_id: int, form: VisitForm) -> int:
    """Record a visit that starts now. Returns its id."""
    require_role(session, "volunteer")
    valid = _validate(form)
    day, now = clock.today(), clock.now_utc()
    room_id = room.current_room_id()
    try:
        with write():
            serialise("visits", room_id)  # one open visit per person per day, also on PostgreSQL
            _refuse_closed(day, room_id)
            person = Person.get_or_none(Person.id == person_id, Person.merged_into.is_null())
            if person is None:
                raise BwkError("error.person_unknown")
            existing = _open_visit(person_id, day)
            if existing is not None:
                raise _already_in(person, existing)
            visit = Visit.create(person=person_id, room=room_id, visit_date=day, arrived_at=now,
                                 referral=valid.referral, follow_up_date=valid.follow_up, note=valid.note,
                                 recorded_by=session.account_id)
            VisitDomain.insert_many([{"visit": visit.id, "domain": d} for d in valid.domain_ids]).execute()
            Person.update(last_visit_date=day).where(Person.id == person_id).execute()
            audit.record(session.account_id, "visit.create", "visit", visit.id, f"person={person_id}")
    except IntegrityError as exc:
        _closed_at_this_moment(exc, day)
        # Another desk checked the same person in at the same moment: the unique index caught it.
        existing = _open_visit(person_id, day)
        if existing is None:
            raise
        raise _already_in(Person.get_by_id(person_id), existing) from None
    except DatabaseError as exc:
        _closed_at_this_moment(exc, day)
        raise
    return visit.id


class DayClosed(BwkError):
    """The day has been signed: its visits and walk-ins are what the signed report counted."""


def _refuse_closed(day: dt.date, room_id: int, key: str = "error.visit_day_closed") -> None:
    if closed_days.is_closed(day, room_id):
        raise DayClosed(key, day=day.strftime("%d-%m-%Y"))


def _closed_at_this_moment(exc: DatabaseError, day: dt.date, key: str = "error.visit_day_closed") -> None:
    """The database's guard (migration 0011) refused it: the day was closed at this very moment."""
    if "visit day is closed" in str(exc):
        raise DayClosed(key, day=day.strftime("%d-%m-%Y")) from None


def update_visit(session: Session, visit_id: int, form: VisitForm) -> None:
    require_role(session, "volunteer")
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is not None and not _may_see_note(session, visit.recorded_by_id):
        # The sensitive domains this volunteer was not shown stay on the visit.
        hidden = [d.domain_id for d in VisitDomain.select().where(VisitDomain.visit == visit_id)
                  if d.domain_id in _sensitive_ids()]
        form = dataclasses.replace(form, domain_ids=list(form.domain_ids) + hidden)
    valid = _validate(form)
    day = clock.today()
    try:
        with write():
            visit = Visit.get_or_none(Visit.id == visit_id)
            if visit is None:
                raise BwkError("error.visit_unknown")
            day = visit.visit_date
            _refuse_closed(visit.visit_date, visit.room_id, "error.visit_edit_closed")
            changes = {"referral": valid.referral, "follow_up_date": valid.follow_up}
            if _may_see_note(session, visit.recorded_by_id):
                changes["note"] = valid.note
            before = {name: getattr(visit, name) for name in changes}
            before["domains"] = sorted(d.domain_id for d in
                                       VisitDomain.select().where(VisitDomain.visit == visit_id))
            Visit.update(**changes).where(Visit.id == visit_id).execute()
            VisitDomain.delete().where(VisitDomain.visit == visit_id).execute()
            VisitDomain.insert_many([{"visit": visit_id, "domain": d} for d in valid.domain_ids]).execute()
            after = {**changes, "domains": sorted(set(valid.domain_ids))}
            audit.record(session.account_id, "visit.edit", "visit", visit_id, audit.change_detail(before, after))
    except DatabaseError as exc:
        _closed_at_this_moment(exc, day, "error.visit_edit_closed")
        raise


def check_out(session: Session, visit_id: int, left_at: str | dt.time | None = None) -> None:
    """Check a visit out: now, or at ``left_at`` (the local time, "16:30", on the visit's own day).

    A visit still open from an earlier day ("nog open van gisteren") needs the time the person
    really left; without one (the closing of that day) it ends at the end of its day.
    """
    require_role(session, "volunteer")
    with write():
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None or visit.left_at is not None:
            return
        moment = _left_at(visit, left_at)
        updated = (Visit.update(left_at=moment)
                   .where(Visit.id == visit_id, Visit.left_at.is_null()).execute())
        if updated:
            audit.record(session.account_id, "visit.checkout", "visit", visit_id)


def _left_at(visit: Visit, left_at: str | dt.time | None) -> dt.datetime:
    now = clock.now_utc()
    if left_at is None or left_at == "":
        if visit.visit_date >= clock.today():
            return now
        return min(now, clock.to_utc(visit.visit_date, dt.time(23, 59)))
    if isinstance(left_at, str):
        try:
            left_at = dt.datetime.strptime(left_at.strip().replace(".", ":"), "%H:%M").time()
        except ValueError:
            raise InvalidInput("error.checkout_time_format", field="left_at") from None
    moment = clock.to_utc(visit.visit_date, left_at)
    if moment < visit.arrived_at or moment > now:
        raise InvalidInput("error.checkout_time_range", field="left_at",
                           since=clock.clock_time(visit.arrived_at))
    return moment


def add_walk_in(session: Session) -> int:
    """+1 koffiebezoeker: counted, not registered. Returns today's number of walk-ins."""
    require_role(session, "volunteer")
    day, room_id = clock.today(), room.current_room_id()
    try:
        with write():
            _refuse_closed(day, room_id)
            walk_in = WalkIn.create(room=room_id, visit_date=day, at=clock.now_utc(),
                                    recorded_by=session.account_id)
            audit.record(session.account_id, "walk_in.create", "walk_in", walk_in.id)
            return WalkIn.select().where(WalkIn.room == room_id, WalkIn.visit_date == day).count()
    except DatabaseError as exc:
        _closed_at_this_moment(exc, day)
        raise


# --- undo: the desk's last action, for a minute -------------------------------------------

UNDO_SECONDS = 60


def _undo_window_open(at: dt.datetime | None) -> bool:
    return at is not None and clock.now_utc() - at <= dt.timedelta(seconds=UNDO_SECONDS)


def _undoable(session: Session, visit_id: int) -> Visit:
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None:
        raise BwkError("error.undo_gone")
    if visit.recorded_by_id != session.account_id and not session.is_coordinator:
        raise BwkError("error.undo_gone")
    return visit


def undo_check_in(session: Session, visit_id: int) -> None:
    """Take back a check-in made less than a minute ago (the wrong person was chosen)."""
    require_role(session, "volunteer")
    with write():
        visit = _undoable(session, visit_id)
        if visit.recorded_by_id != session.account_id or not _undo_window_open(visit.arrived_at):
            raise BwkError("error.undo_late")
        person_id = visit.person_id
        VisitDomain.delete().where(VisitDomain.visit == visit_id).execute()
        Visit.delete().where(Visit.id == visit_id).execute()
        last = (Visit.select(fn.MAX(Visit.visit_date)).where(Visit.person == person_id).scalar())
        Person.update(last_visit_date=last).where(Person.id == person_id).execute()
        audit.record(session.account_id, "visit.undo_create", "visit", visit_id, f"person={person_id}")


def undo_check_out(session: Session, visit_id: int) -> None:
    """Open a visit again that was checked out less than a minute ago."""
    require_role(session, "volunteer")
    with write():
        visit = _undoable(session, visit_id)
        if visit.left_at is None:
            return
        if not _undo_window_open(visit.left_at):
            raise BwkError("error.undo_late")
        again = _open_visit(visit.person_id, visit.visit_date)
        if again is not None:  # checked in again meanwhile: that visit stands
            raise BwkError("error.undo_gone")
        Visit.update(left_at=None).where(Visit.id == visit_id).execute()
        audit.record(session.account_id, "visit.undo_checkout", "visit", visit_id)


def undo_walk_in(session: Session) -> int:
    """Take back this user's last walk-in of the last minute. Returns today's number of walk-ins."""
    require_role(session, "volunteer")
    day, room_id = clock.today(), room.current_room_id()
    with write():
        last = (WalkIn.select().where(WalkIn.room == room_id, WalkIn.visit_date == day,
                                      WalkIn.recorded_by == session.account_id)
                .order_by(WalkIn.id.desc()).first())
        if last is None or not _undo_window_open(last.at):
            raise BwkError("error.undo_late")
        WalkIn.delete().where(WalkIn.id == last.id).execute()
        audit.record(session.account_id, "walk_in.undo", "walk_in", last.id)
        return WalkIn.select().where(WalkIn.room == room_id, WalkIn.visit_date == day).count()


# --- what the desk shows -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class InNow:
    visit_id: int
    person_id: int
    name: str
    household_code: str | None
    arrived_at: dt.datetime
    visit_date: dt.date | None = None

    @property
    def from_earlier_day(self) -> bool:
        """Still open from a day before today ("nog open van gisteren"): check out with the real time."""
        return self.visit_date is not None and self.visit_date < clock.today()


def who_is_in(through: dt.date | None = None) -> list[InNow]:
    """Everyone checked in and not yet out: today's visits, and those still open from an earlier
    day (nobody closed that day), oldest first. ``through``: only visits of that day or before."""
    day = through or clock.today()
    query = (Visit.select(Visit.id, Visit.person, Visit.arrived_at, Visit.visit_date, Person.first_name,
                          Person.last_name, Household.code)
             .join(Person).join(Household, JOIN.LEFT_OUTER)
             .where(Visit.visit_date <= day, Visit.room == room.current_room_id(), Visit.left_at.is_null())
             .order_by(Visit.visit_date, Visit.arrived_at))
    return [InNow(r.id, r.person_id, display_name(r.first_name, r.last_name), r.code, r.arrived_at, r.visit_date)
            for r in query.objects()]


@dataclasses.dataclass(frozen=True)
class DayCounts:
    visits: int
    households: int
    walk_ins: int


def today_counts() -> DayCounts:
    day, room_id = clock.today(), room.current_room_id()
    todays = Visit.select().join(Person).where(Visit.visit_date == day, Visit.room == room_id)
    visits = todays.count()
    # A person without a household counts as a household of one.
    households = (Visit.select(fn.COUNT(fn.DISTINCT(fn.COALESCE(Person.household, Person.id * -1))))
                  .join(Person).where(Visit.visit_date == day, Visit.room == room_id).scalar()) or 0
    walk_ins = WalkIn.select().where(WalkIn.visit_date == day, WalkIn.room == room_id).count()
    return DayCounts(visits, households, walk_ins)


@dataclasses.dataclass(frozen=True)
class VisitLine:
    id: int
    visit_date: dt.date
    arrived_at: dt.datetime
    left_at: dt.datetime | None
    domain_ids: list[int]
    domains: list[str]
    referral: str | None
    follow_up_date: dt.date | None
    note: str | None  # None when this user may not read it
    recorded_by: str


def _may_see_note(session: Session, writer_id: int) -> bool:
    return session.is_coordinator or session.account_id == writer_id


def person_visits(session: Session, person_id: int, before_id: int | None = None, limit: int = 20) -> list[VisitLine]:
    """A window of a person's visits, newest first (pass the last id seen for the next page)."""
    require_role(session, "volunteer")
    query = (Visit.select(Visit, Account.name.alias("writer"))
             .join(Account, on=(Visit.recorded_by == Account.id))
             .where(Visit.person == person_id).order_by(Visit.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(Visit.id < before_id)
    rows = list(query.objects())
    names = {d.id: d.name for d in domains(active_only=False)}
    by_visit: dict[int, list[int]] = {}
    sensitive = _sensitive_ids()
    if rows:
        for vd in VisitDomain.select().where(VisitDomain.visit.in_([r.id for r in rows])):
            by_visit.setdefault(vd.visit_id, []).append(vd.domain_id)
        for r in rows:  # a sensitive domain: a volunteer sees it on their own visits only
            if not _may_see_note(session, r.recorded_by_id):
                by_visit[r.id] = [d for d in by_visit.get(r.id, []) if d not in sensitive]
    return [VisitLine(r.id, r.visit_date, r.arrived_at, r.left_at, by_visit.get(r.id, []),
                      [names[d] for d in by_visit.get(r.id, []) if d in names], r.referral, r.follow_up_date,
                      r.note if _may_see_note(session, r.recorded_by_id) else None, r.writer) for r in rows]


def visit_line(session: Session, visit_id: int) -> VisitLine:
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None:
        raise BwkError("error.visit_unknown")
    return next(v for v in person_visits(session, visit.person_id, before_id=visit_id + 1, limit=1))


@dataclasses.dataclass(frozen=True)
class FollowUp:
    visit_id: int
    person_id: int
    name: str
    due: dt.date


def follow_ups(person_id: int | None = None, until: dt.date | None = None, limit: int = 50) -> list[FollowUp]:
    """Follow-ups due (up to ``until``, default today), oldest first; or all of one person."""
    query = (Visit.select(Visit.id, Visit.person, Visit.follow_up_date, Person.first_name, Person.last_name)
             .join(Person).where(Visit.follow_up_date.is_null(False), Visit.follow_up_done.is_null())
             .order_by(Visit.follow_up_date).limit(limit))
    if person_id is not None:
        query = query.where(Visit.person == person_id)
    else:
        query = query.where(Visit.follow_up_date <= (until or clock.today()), Visit.room == room.current_room_id())
    return [FollowUp(r.id, r.person_id, display_name(r.first_name, r.last_name), r.follow_up_date)
            for r in query.objects()]


def follow_up_done(session: Session, visit_id: int) -> None:
    require_role(session, "volunteer")
    with write():
        updated = (Visit.update(follow_up_done=clock.today())
                   .where(Visit.id == visit_id, Visit.follow_up_date.is_null(False), Visit.follow_up_done.is_null())
                   .execute())
        if updated:
            audit.record(session.account_id, "visit.follow_up_done", "visit", visit_id)


def referral_organisations() -> list[str]:
    return settings.get_list("referral_organisations")


def housing_corporations() -> list[str]:
    return settings.get_list("housing_corporations")
