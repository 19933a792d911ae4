"""Volunteer profiles: one per account (and the resident they are, if they were a visitor first),
with skills, languages, availability and an hourly allowance."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN

from db import write
from db.models import (Account, HelpDomain, Person, Volunteer)

from bwk_tui.i18n import current_language, t
from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel.availability import (availability_text, parse_availability, parse_languages,
                                           split)
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.text import display_name
from bwk_tui.services.kernel import clock



# Practical skills beside the help domains (whose codes are skills too).
PRACTICAL_SKILLS = ("gastvrouw", "koffie", "administratie", "taal", "computerhulp")


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


def check_skill(code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is not None and code not in dict(skills()):
        raise InvalidInput("error.roster_skill", field="skill", value=code)
    return code


@dataclasses.dataclass
class ProfileForm:
    account_id: int
    person_id: int | None = None
    skills: list[str] = dataclasses.field(default_factory=list)
    languages: str = ""
    availability: str = ""  # "ma-o,di-m"
    hourly_allowance: str = ""  # "2,50"; empty: no allowance
    active: bool = True
    under_21: bool = False  # the law's lower hourly maximum (a tick, no birth date)


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
    under_21: bool = False

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
                         row.started_on, row.active, bool(row.under_21))


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
    from bwk_tui.services.kernel.money import parse_amount

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
    codes = [check_skill(code) for code in dict.fromkeys(form.skills or []) if code]
    languages = parse_languages(form.languages)
    availability = availability_text(parse_availability(form.availability))
    cents = _allowance_cents(form.hourly_allowance)
    from bwk_tui.services.roster import allowance

    allowance.check_rate(cents, bool(form.under_21))
    if form.person_id is not None and Person.get_or_none(Person.id == form.person_id) is None:
        raise InvalidInput("error.person_not_found", field="person")
    fields = dict(person=form.person_id, skills=",".join(codes), languages=",".join(languages),
                  availability=availability, hourly_allowance_cents=cents, active=bool(form.active),
                  under_21=bool(form.under_21))
    with write():
        if form.person_id is not None:
            other = Volunteer.get_or_none((Volunteer.person == form.person_id) & (Volunteer.id != (volunteer_id or 0)))
            if other is not None:
                raise InvalidInput("error.roster_person_taken", field="person")
        if volunteer_id is None:
            if Volunteer.get_or_none(Volunteer.account == account.id) is not None:
                raise InvalidInput("error.roster_profile_exists", field="account", name=account.name)
            row = Volunteer.create(account=account.id, room=room.current_room_id(), started_on=clock.today(),
                                   created_at=clock.now_utc(), **fields)
            audit.record(session.account_id, "volunteer.create", "volunteer", row.id)
        else:
            old = Volunteer.get_or_none(Volunteer.id == volunteer_id)
            if old is None:
                raise BwkError("error.roster_no_volunteer")
            before = {name: getattr(old, name + ("_id" if name == "person" else "")) for name in fields}
            Volunteer.update(**fields).where(Volunteer.id == volunteer_id).execute()
            row = Volunteer.get_by_id(volunteer_id)
            audit.record(session.account_id, "volunteer.update", "volunteer", row.id,
                         audit.change_detail(before, fields))
    return volunteer(row.id)


def ensure_profile(session: Session) -> VolunteerInfo:
    """The logged-in user's own profile, made (empty, in this room) at their first sign-up."""
    found = profile_for_account(session.account_id)
    if found is not None:
        return found
    with write():
        row = Volunteer.create(account=session.account_id, room=room.current_room_id(), started_on=clock.today(),
                               created_at=clock.now_utc())
        audit.record(session.account_id, "volunteer.create", "volunteer", row.id, "self")
    return volunteer(row.id)
