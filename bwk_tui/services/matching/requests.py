"""Help requests (hulpvragen) and help offers (hulpaanbod): forms, loading, capacity."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict

from peewee import JOIN, fn

from db import write
from db.models import (Account, HelpDomain, HelpOffer, HelpOfferDomain, HelpRequest, HelpRequestDomain, Match,
                       Person)

from bwk_tui.i18n import current_language, current_locale, t
from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room.auth import coordinator_only, require_role
from bwk_tui.services.kernel.availability import (availability_text, parse_availability,
                                           parse_languages, split)
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.text import display_name

PROPOSED, ACTIVE, DONE, STOPPED = "voorgesteld", "actief", "afgerond", "gestopt"


def language_name(code: str) -> str:
    """"tw" -> "Twi" (in the user's language); an unknown code is shown as typed."""
    return _language_name(current_locale(), code)


@functools.lru_cache(maxsize=1024)
def _language_name(locale: str, code: str) -> str:
    try:
        from babel import Locale

        name = Locale.parse(locale).languages.get(code)
    except Exception:  # noqa: BLE001 - a name is a nicety; the code will do
        name = None
    return name or code


def and_list(items: list[str]) -> str:
    if not items:
        return t("match.nobody_language")
    return _format_list(current_locale(), tuple(items))


@functools.lru_cache(maxsize=4096)
def _format_list(locale: str, items: tuple[str, ...]) -> str:
    try:
        from babel.lists import format_list

        return format_list(list(items), locale=locale)
    except Exception:  # noqa: BLE001
        return ", ".join(items)


@dataclasses.dataclass
class RequestForm:
    person_id: int
    domain_ids: list[int]
    description: str = ""
    languages: str = ""  # "nl, tw"
    availability: str = ""  # "ma-o,di-m"
    urgency: int = 1  # 1 normal, 2 soon, 3 urgent
    preferred_offer_id: int | None = None


@dataclasses.dataclass
class OfferForm:
    domain_ids: list[int]
    capacity: str | int
    person_id: int | None = None  # a resident who helps ...
    account_id: int | None = None  # ... or a volunteer (exactly one of the two)
    lived_experience_ids: list[int] = dataclasses.field(default_factory=list)  # a subset of domain_ids
    languages: str = ""
    availability: str = ""


@dataclasses.dataclass(frozen=True)
class RequestInfo:
    id: int
    person_id: int
    person_name: str
    domain_ids: list[int]
    domains: list[str]
    description: str
    languages: list[str]
    availability: frozenset[str]
    urgency: int
    status: str  # open, matched, closed
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class OfferInfo:
    id: int
    name: str
    person_id: int | None
    account_id: int | None
    domain_ids: list[int]
    domains: list[str]
    lived_experience: list[str]  # domain names
    languages: list[str]
    availability: frozenset[str]
    capacity: int
    active_matches: int  # proposed + active matches: what counts against the capacity
    was_helped: bool = False  # reciprocity: this helper was once helped here themselves
    active: bool = True

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.active_matches)


def domain_names() -> dict[int, str]:
    english = current_language() == "en"
    return {d.id: (d.name_en if english else d.name_nl) for d in HelpDomain.select()}


def load_requests(where, limit: int | None = None, order=None) -> list[RequestInfo]:
    query = (HelpRequest.select(HelpRequest, Person.first_name, Person.last_name)
             .join(Person).where(where))
    if order is not None:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    rows = list(query.objects())
    if not rows:
        return []
    names = domain_names()
    domains: dict[int, list[int]] = defaultdict(list)
    ids = [r.id for r in rows]
    for chunk in range(0, len(ids), 900):
        for rd in (HelpRequestDomain.select(HelpRequestDomain.request, HelpRequestDomain.domain)
                   .where(HelpRequestDomain.request.in_(ids[chunk:chunk + 900])).tuples()):
            domains[rd[0]].append(rd[1])
    out = []
    for r in rows:
        dids = sorted(domains[r.id])
        out.append(RequestInfo(r.id, r.person_id, display_name(r.first_name, r.last_name), dids,
                               [names.get(d, "?") for d in dids], r.description, split(r.languages),
                               parse_availability(r.availability), r.urgency, r.status, r.created_at))
    return out


def busy_counts(offer_ids: list[int] | None = None) -> dict[int, int]:
    """Proposed and active matches per offer: what counts against its capacity."""
    query = (Match.select(Match.offer, fn.COUNT(Match.id)).where(Match.status.in_((PROPOSED, ACTIVE)))
             .group_by(Match.offer))
    if offer_ids is not None:
        query = query.where(Match.offer.in_(offer_ids))
    return dict(query.tuples())


def helped_persons(person_ids: list[int]) -> set[int]:
    """Of these persons, those who once had a match started on a help request of theirs."""
    if not person_ids:
        return set()
    return {row[0] for row in (HelpRequest.select(HelpRequest.person).join(Match)
                               .where(HelpRequest.person.in_(person_ids), Match.started_at.is_null(False))
                               .distinct().tuples())}


def load_offers(where) -> list[OfferInfo]:
    query = (HelpOffer.select(HelpOffer, Person.first_name, Person.last_name, Account.name.alias("account_name"))
             .join(Person, JOIN.LEFT_OUTER, on=(HelpOffer.person == Person.id))
             .switch(HelpOffer).join(Account, JOIN.LEFT_OUTER, on=(HelpOffer.account == Account.id))
             .where(where).order_by(HelpOffer.id))
    rows = list(query.objects())
    if not rows:
        return []
    names = domain_names()
    ids = [o.id for o in rows]
    domains: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    busy: dict[int, int] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        for offer_id, domain_id, lived in (HelpOfferDomain.select(HelpOfferDomain.offer, HelpOfferDomain.domain,
                                                                  HelpOfferDomain.lived_experience)
                                           .where(HelpOfferDomain.offer.in_(part)).tuples()):
            domains[offer_id].append((domain_id, bool(lived)))
        busy.update(busy_counts(part))
    helped = helped_persons([o.person_id for o in rows if o.person_id])
    out = []
    for o in rows:
        pairs = sorted(domains[o.id])
        name = display_name(o.first_name, o.last_name) if o.person_id else (o.account_name or "?")
        out.append(OfferInfo(o.id, name, o.person_id, o.account_id, [d for d, _ in pairs],
                             [names.get(d, "?") for d, _ in pairs], [names.get(d, "?") for d, lived in pairs if lived],
                             split(o.languages), parse_availability(o.availability), o.capacity,
                             busy.get(o.id, 0), o.person_id in helped, bool(o.active)))
    return out


def lived_ids(offer: OfferInfo) -> set[int]:
    lived = set(offer.lived_experience)
    return {d for d, name in zip(offer.domain_ids, offer.domains) if name in lived}


def request_info(request_id: int) -> RequestInfo:
    found = load_requests(HelpRequest.id == request_id)
    if not found:
        raise BwkError("error.match_request_unknown")
    return found[0]


def offer_info(offer_id: int) -> OfferInfo:
    found = load_offers(HelpOffer.id == offer_id)
    if not found:
        raise BwkError("error.match_offer_unknown")
    return found[0]


def _domain_ids(ids: list[int], field: str, key: str) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids or []))
    if not ids:
        raise InvalidInput(key, field=field)
    found = HelpDomain.select().where(HelpDomain.id.in_(ids), HelpDomain.active == True).count()  # noqa: E712
    if found != len(ids):
        raise InvalidInput("error.domain_unknown", field=field)
    return ids


def edit_description(session, request_id: int, text: str) -> RequestInfo:
    """Change a help request's description (shown on F4). Volunteers and coordinators; audited (that
    it changed, not the text: the audit log can never forget)."""
    require_role(session, "volunteer")
    description = " ".join((text or "").split())
    if len(description) > 300:
        raise InvalidInput("error.match_description_long", field="description")
    with write():
        found = HelpRequest.get_or_none(HelpRequest.id == request_id)
        if found is None:
            raise BwkError("error.match_request_unknown")
        HelpRequest.update(description=description).where(HelpRequest.id == request_id).execute()
        audit.record(session.account_id, "help_request.edit", "help_request", request_id,
                     audit.change_detail({"description": found.description}, {"description": description},
                                         secret=("description",)))
    return request_info(request_id)


def create_request(session, form: RequestForm) -> RequestInfo:
    """Volunteers and coordinators. InvalidInput(field=...) for no domain, bad availability, urgency."""
    require_role(session, "volunteer")
    domain_ids = _domain_ids(form.domain_ids, "domains", "error.match_request_no_domain")
    description = " ".join((form.description or "").split())
    if len(description) > 300:
        raise InvalidInput("error.match_description_long", field="description")
    availability = availability_text(parse_availability(form.availability))
    try:
        urgency = int(form.urgency)
    except (TypeError, ValueError):
        urgency = 0
    if urgency not in (1, 2, 3):
        raise InvalidInput("error.match_urgency", field="urgency")
    person = Person.get_or_none(Person.id == form.person_id, Person.merged_into.is_null())
    if person is None:
        raise InvalidInput("error.person_unknown", field="person")
    # No languages given: the languages the resident registered with.
    languages = parse_languages(form.languages) or split(person.languages or "")
    preferred = form.preferred_offer_id
    if preferred is not None and HelpOffer.get_or_none(HelpOffer.id == preferred) is None:
        raise InvalidInput("error.match_offer_unknown", field="preferred_offer")
    with write():
        request = HelpRequest.create(person=person.id, room=room.current_room_id(), description=description,
                                     languages=",".join(languages), availability=availability, urgency=urgency,
                                     preferred_offer=preferred, status="open", created_at=clock.now_utc(),
                                     created_by=session.account_id)
        HelpRequestDomain.insert_many([{"request": request.id, "domain": d} for d in domain_ids]).execute()
        audit.record(session.account_id, "help_request.create", "help_request", request.id,
                     f"person={person.id}")
    return request_info(request.id)


def _capacity(value) -> int:
    try:
        capacity = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput("error.match_capacity", field="capacity") from None
    if not 1 <= capacity <= 20:
        raise InvalidInput("error.match_capacity", field="capacity")
    return capacity


@coordinator_only
def create_offer(session, form: OfferForm) -> OfferInfo:
    """Coordinators. InvalidInput for capacity 0/negative/not a number, no domain, not exactly one of person/account."""
    capacity = _capacity(form.capacity)
    domain_ids = _domain_ids(form.domain_ids, "domains", "error.match_offer_no_domain")
    lived = set(int(i) for i in form.lived_experience_ids or [])
    if not lived <= set(domain_ids):
        raise InvalidInput("error.match_lived_not_offered", field="lived_experience")
    if (form.person_id is None) == (form.account_id is None):
        raise InvalidInput("error.match_offer_who", field="person")
    if form.person_id is not None:
        if Person.get_or_none(Person.id == form.person_id, Person.merged_into.is_null()) is None:
            raise InvalidInput("error.person_unknown", field="person")
    elif Account.get_or_none(Account.id == form.account_id) is None:
        raise InvalidInput("error.match_account_unknown", field="account")
    languages = parse_languages(form.languages)
    availability = availability_text(parse_availability(form.availability))
    with write():
        offer = HelpOffer.create(person=form.person_id, account=form.account_id, room=room.current_room_id(),
                                 languages=",".join(languages), availability=availability, capacity=capacity,
                                 active=True, created_at=clock.now_utc())
        HelpOfferDomain.insert_many([{"offer": offer.id, "domain": d, "lived_experience": d in lived}
                                     for d in domain_ids]).execute()
        audit.record(session.account_id, "help_offer.create", "help_offer", offer.id,
                     f"person={form.person_id}" if form.person_id else f"account={form.account_id}")
    return offer_info(offer.id)


@coordinator_only
def set_offer_active(session, offer_id: int, active: bool) -> OfferInfo:
    """Switch an offer off (or on again); its matches stay."""
    with write():
        if not HelpOffer.update(active=active).where(HelpOffer.id == offer_id).execute():
            raise BwkError("error.match_offer_unknown")
        audit.record(session.account_id, "help_offer.active" if active else "help_offer.inactive",
                     "help_offer", offer_id)
    return offer_info(offer_id)


def _busy_requests():
    return Match.select(Match.request).where(Match.status.in_((PROPOSED, ACTIVE)))


def open_requests(limit: int = 200) -> list[RequestInfo]:
    """Requests without an active or proposed match, most urgent first, then oldest."""
    return load_requests((HelpRequest.status == "open") & HelpRequest.id.not_in(_busy_requests()), limit,
                          (HelpRequest.urgency.desc(), HelpRequest.created_at, HelpRequest.id))


def offers(active_only: bool = True) -> list[OfferInfo]:
    # A forgotten person (issue 13) is never proposed as a helper; their offer stays for the reports.
    return load_offers(((HelpOffer.active == True) & Person.forgotten_at.is_null())  # noqa: E712
                       if active_only else (HelpOffer.id > 0))
