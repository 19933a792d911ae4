"""Persons and households: the least data that works.

A person is a first name or nickname, optionally a last name, a household, a PC4,
languages, a housing corporation, an optional birth year and the consent they
gave. No BSN, no address, no birth date. Search is case- and accent-insensitive.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import random
from collections.abc import Collection

from peewee import JOIN, fn

from db import is_sqlite, write
from db.models import Account, Household, Person, Visit

from bwk_tui.services.room import audit
from bwk_tui.services.visitors import codes
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.text import fold
from bwk_tui.services.kernel.text import display_name

SEARCH_LIMIT = 20
NAME_FIELDS = ("first_name", "last_name", "nickname")  # never written to the audit log


def search_key(first_name: str, last_name: str | None, household_code: str | None) -> str:
    return fold(" ".join(part for part in (first_name, last_name or "", household_code or "") if part))


@dataclasses.dataclass(frozen=True)
class PersonHit:
    id: int
    name: str
    household_code: str | None
    pc4: int | None
    last_visit: dt.date | None


def _clean_query(text: str) -> str:
    # LIKE wildcards are not search terms; a code may be typed with a dash.
    return fold("".join(c for c in (text or "") if c not in "%_\\"))


def _terms(query: str) -> list[str]:
    """The folded query, and a household code typed with a dash or space ("k3p-9a") as it is in the key."""
    code = codes.normalise_code(query)
    if code != query.upper() and 0 < len(code) <= codes.CODE_LENGTH and all(c in codes.ALPHABET for c in code):
        return [query, code.lower()]
    return [query]


def _hits(query) -> list[PersonHit]:
    return [PersonHit(row.id, display_name(row.first_name, row.last_name), row.code, row.pc4,
                      row.last_visit_date) for row in query.objects()]


def _recent_first():
    if is_sqlite():
        return Person.last_visit_date.desc()  # NULL sorts last on SQLite; the index serves this order
    return Person.last_visit_date.desc(nulls="LAST")


def search(text: str, limit: int = SEARCH_LIMIT, first: Collection[int] = ()) -> list[PersonHit]:
    """Best matches first: a name (or code) that starts with the text, then recent visitors.

    Two small queries, each walking the last-visit index and stopping at ``limit``,
    rather than ranking every match: a keystroke on 50,000 persons stays fast. ``first``:
    ids that rank before everyone when they match (the desk passes who is in now).
    """
    query = _clean_query(text)
    base = (Person.select(Person.id, Person.first_name, Person.last_name, Person.pc4,
                          Person.last_visit_date, Household.code)
            .join(Household, JOIN.LEFT_OUTER)
            .where(Person.merged_into.is_null(), Person.forgotten_at.is_null()))
    if not query:
        if (text or "").strip():
            return []  # only wildcards were typed: they match nobody, not everybody
        if first:
            ahead = _hits(base.where(Person.id.in_(list(first))).order_by(_recent_first(), Person.id.desc())
                          .limit(limit))
            rest = base.where(Person.id.not_in([hit.id for hit in ahead])) if ahead else base
            return ahead + _hits(rest.order_by(_recent_first(), Person.id.desc()).limit(limit - len(ahead)))
        return _hits(base.order_by(_recent_first(), Person.id.desc()).limit(limit))
    terms = _terms(query)
    starts = functools.reduce(operator.or_, (Person.search_key.startswith(term) | Person.search_key.contains(" " + term)
                                             for term in terms))
    if first:
        ahead = _hits(base.where(starts, Person.id.in_(list(first)))
                      .order_by(_recent_first(), Person.id.desc()).limit(limit))
        if ahead:
            rest = search(text, limit, ())
            seen = {hit.id for hit in ahead}
            return (ahead + [hit for hit in rest if hit.id not in seen])[:limit]
    found = _hits(base.where(starts).order_by(_recent_first(), Person.id.desc()).limit(limit))
    if len(found) < limit:
        seen = [hit.id for hit in found]
        inside = functools.reduce(operator.or_, (Person.search_key.contains(term) for term in terms))
        if seen:
            inside &= Person.id.not_in(seen)
        found += _hits(base.where(inside).order_by(_recent_first(), Person.id.desc()).limit(limit - len(found)))
    return found


# --- registering and editing ---------------------------------------------------------------


@dataclasses.dataclass
class PersonForm:
    """What the desk typed; strings as typed, validated by the service."""

    first_name: str = ""
    last_name: str = ""
    household_code: str = ""  # empty: a new household is made
    household_size: str = ""
    pc4: str = ""
    languages: str = ""
    housing_corporation: str = ""
    birth_year: str = ""
    consent: bool = False


@dataclasses.dataclass(frozen=True)
class PersonDetail:
    id: int
    first_name: str
    last_name: str | None
    name: str
    household_id: int | None
    household_code: str | None
    household_size: int | None
    household_members: int
    pc4: int | None
    languages: str
    housing_corporation: str | None
    birth_year: int | None
    consent_date: dt.date | None
    consent_scope: str | None
    consent_by: str | None
    last_visit: dt.date | None
    merged_into: int | None

    def form(self) -> PersonForm:
        return PersonForm(self.first_name, self.last_name or "", self.household_code or "",
                          str(self.household_size or ""), str(self.pc4 or ""), self.languages,
                          self.housing_corporation or "", str(self.birth_year or ""), self.consent_date is not None)


class DuplicateWarning(InvalidInput):
    """A person with this name and PC4 exists; saving anyway is a deliberate second step."""

    def __init__(self, names: list[str]):
        super().__init__("error.person_duplicate", field="first_name", names=", ".join(names))
        self.names = names


def _pc4(text: str, required: bool = False) -> int | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput("error.pc4_required", field="pc4")
        return None
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or not 1000 <= int(text) <= 9999:
        raise InvalidInput("error.pc4_format", field="pc4")
    return int(text)


def _optional_int(text: str, field: str, low: int, high: int, key: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise InvalidInput(key, field=field, low=low, high=high)
    return int(text)


def _languages(text: str) -> str:
    parts = [p.strip().lower() for p in (text or "").replace(";", ",").replace(" ", ",").split(",")]
    clean = list(dict.fromkeys(p for p in parts if p))
    if any(len(p) > 20 for p in clean) or len(",".join(clean)) > 120:
        raise InvalidInput("error.languages_long", field="languages")
    return ",".join(clean)


@dataclasses.dataclass(frozen=True)
class _Valid:
    first_name: str
    last_name: str | None
    household_code: str
    household_size: int | None
    pc4: int | None
    languages: str
    housing_corporation: str | None
    birth_year: int | None


def validate(form: PersonForm) -> _Valid:
    first = " ".join((form.first_name or "").split())
    if not first:
        raise InvalidInput("error.first_name_empty", field="first_name")
    if len(first) > 60:
        raise InvalidInput("error.name_long", field="first_name", max=60)
    last = " ".join((form.last_name or "").split()) or None
    if last and len(last) > 80:
        raise InvalidInput("error.name_long", field="last_name", max=80)
    code = codes.normalise_code(form.household_code)
    if code and not codes.is_valid_code(code):
        raise InvalidInput("error.household_unknown", field="household_code", code=code)
    size = _optional_int(form.household_size, "household_size", 1, 30, "error.household_size")
    pc4 = _pc4(form.pc4)
    corporation = (form.housing_corporation or "").strip() or None
    if corporation and corporation not in settings.get_list("housing_corporations"):
        raise InvalidInput("error.corporation_unknown", field="housing_corporation")
    this_year = clock.today().year
    birth_year = _optional_int(form.birth_year, "birth_year", this_year - 110, this_year, "error.birth_year")
    return _Valid(first, last, code, size, pc4, _languages(form.languages), corporation, birth_year)


def find_duplicates(first_name: str, pc4: int | None, exclude_id: int | None = None) -> list[str]:
    """Persons with the same (folded) first name and PC4."""
    if pc4 is None:
        return []
    key = fold(first_name)
    query = (Person.select(Person.id, Person.first_name, Person.last_name, Household.code)
             .join(Household, JOIN.LEFT_OUTER)
             .where(Person.pc4 == pc4, Person.merged_into.is_null(),
                    (Person.search_key == key) | Person.search_key.startswith(key + " ")))
    if exclude_id is not None:
        query = query.where(Person.id != exclude_id)
    return [f"{display_name(r.first_name, r.last_name)} ({r.code or '-'})" for r in query.objects().limit(5)]


def _new_household_code() -> str:
    rng = random.SystemRandom()
    for _ in range(50):
        code = codes.random_code(rng)
        if not Household.select().where(Household.code == code).exists():
            return code
    raise BwkError("error.no_household_code")  # 3.2 million codes: not in this life


def _household_for(valid: _Valid) -> Household:
    if valid.household_code:
        household = Household.get_or_none(Household.code == valid.household_code)
        if household is None:
            raise InvalidInput("error.household_unknown", field="household_code", code=valid.household_code)
        if valid.household_size is not None and household.size != valid.household_size:
            Household.update(size=valid.household_size).where(Household.id == household.id).execute()
        return household
    return Household.create(code=_new_household_code(), pc4=valid.pc4, size=valid.household_size,
                            created_at=clock.now_utc())


def register(session: Session, form: PersonForm, allow_duplicate: bool = False) -> PersonDetail:
    """A new person (and, without a household code, a new household), in one transaction."""
    require_role(session, "volunteer")
    valid = validate(form)
    if not form.consent:
        raise InvalidInput("error.consent_needed", field="consent")
    with write():
        if not allow_duplicate:
            duplicates = find_duplicates(valid.first_name, valid.pc4)
            if duplicates:
                raise DuplicateWarning(duplicates)
        household = _household_for(valid)
        pc4 = valid.pc4 if valid.pc4 is not None else household.pc4
        person = Person.create(
            first_name=valid.first_name, last_name=valid.last_name,
            search_key=search_key(valid.first_name, valid.last_name, household.code),
            household=household, pc4=pc4, languages=valid.languages,
            housing_corporation=valid.housing_corporation, birth_year=valid.birth_year,
            consent_date=clock.today(), consent_scope=settings.get("consent_scope"), consent_by=session.account_id,
            created_at=clock.now_utc())
        audit.record(session.account_id, "person.create", "person", person.id,
                     f"household={household.id}" + ("; duplicate confirmed" if allow_duplicate else ""))
    return detail(person.id)


def update(session: Session, person_id: int, form: PersonForm, allow_duplicate: bool = False) -> PersonDetail:
    require_role(session, "volunteer")
    valid = validate(form)
    with write():
        person = _get(person_id)
        if not allow_duplicate and (fold(valid.first_name) != fold(person.first_name) or valid.pc4 != person.pc4):
            duplicates = find_duplicates(valid.first_name, valid.pc4, exclude_id=person_id)
            if duplicates:
                raise DuplicateWarning(duplicates)
        household = _household_for(valid)
        changes = {
            "first_name": valid.first_name, "last_name": valid.last_name, "household": household.id,
            "pc4": valid.pc4 if valid.pc4 is not None else household.pc4, "languages": valid.languages,
            "housing_corporation": valid.housing_corporation, "birth_year": valid.birth_year,
        }
        before = {name: getattr(person, name + ("_id" if name == "household" else "")) for name in changes}
        after = dict(changes)
        if form.consent and person.consent_date is None:
            changes.update(consent_date=clock.today(), consent_scope=settings.get("consent_scope"),
                           consent_by=session.account_id)
            before["consent_date"], after["consent_date"] = None, changes["consent_date"]
        changes["search_key"] = search_key(valid.first_name, valid.last_name, household.code)
        Person.update(**changes).where(Person.id == person_id).execute()
        # Old and new values, except the names: the audit log is append-only, and a name in it
        # could never be forgotten; that a name changed is recorded.
        audit.record(session.account_id, "person.edit", "person", person_id,
                     audit.change_detail(before, after, secret=NAME_FIELDS))
    return detail(person_id)


def _get(person_id: int) -> Person:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise BwkError("error.person_unknown")
    return person


def detail(person_id: int) -> PersonDetail:
    row = (Person.select(Person, Household.code, Household.size, Account.name.alias("consent_name"))
           .join(Household, JOIN.LEFT_OUTER).switch(Person)
           .join(Account, JOIN.LEFT_OUTER, on=(Person.consent_by == Account.id))
           .where(Person.id == person_id).objects().first())
    if row is None:
        raise BwkError("error.person_unknown")
    members = (Person.select().where(Person.household == row.household_id, Person.merged_into.is_null()).count()
               if row.household_id else 1)
    return PersonDetail(row.id, row.first_name, row.last_name, display_name(row.first_name, row.last_name),
                        row.household_id, row.code, row.size, members, row.pc4, row.languages,
                        row.housing_corporation, row.birth_year, row.consent_date, row.consent_scope,
                        row.consent_name, row.last_visit_date, row.merged_into_id)


def open_page(session: Session, person_id: int) -> PersonDetail:
    """A person's page was opened: who looked at whom is kept in the audit log."""
    require_role(session, "volunteer")
    found = detail(person_id)
    audit.record(session.account_id, "person.view", "person", person_id)
    return found


def recompute_last_visit_dates() -> int:
    """Set every person's last visit day from the visits (after a bulk load or a repair)."""
    with write():
        last = Visit.select(fn.MAX(Visit.visit_date)).where(Visit.person == Person.id)
        return Person.update(last_visit_date=last).execute()


def household_exists(code: str) -> bool:
    return Household.select().where(Household.code == codes.normalise_code(code)).exists()


@coordinator_only
def merge(session: Session, keep_id: int, other_id: int) -> PersonDetail:
    """Two records of one person become one: all visits move to ``keep_id``; nothing is deleted."""
    if keep_id == other_id:
        raise InvalidInput("error.merge_same")
    with write():
        keep, other = _get(keep_id), _get(other_id)
        if keep.merged_into_id or other.merged_into_id:
            raise BwkError("error.merge_already")
        open_days = [{v.visit_date for v in Visit.select(Visit.visit_date).where(
            Visit.person == pid, Visit.left_at.is_null())} for pid in (keep_id, other_id)]
        if open_days[0] & open_days[1]:
            raise BwkError("error.merge_both_in")
        moved = Visit.update(person=keep_id).where(Visit.person == other_id).execute()
        fill = {}
        for name in ("last_name", "pc4", "housing_corporation", "birth_year", "consent_date", "consent_scope"):
            if getattr(keep, name) is None and getattr(other, name) is not None:
                fill[name] = getattr(other, name)
        if keep.household_id is None and other.household_id is not None:
            fill["household"] = other.household_id
        languages = ",".join(dict.fromkeys(x for x in (keep.languages + "," + other.languages).split(",") if x))
        fill["languages"] = languages
        last = max((d for d in (keep.last_visit_date, other.last_visit_date) if d), default=None)
        fill["last_visit_date"] = last
        Person.update(**fill).where(Person.id == keep_id).execute()
        Person.update(merged_into=keep_id).where(Person.id == other_id).execute()
        audit.record(session.account_id, "person.merge", "person", keep_id, f"from={other_id}; visits={moved}")
    return detail(keep_id)
