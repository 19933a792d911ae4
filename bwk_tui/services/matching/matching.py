"""Peer support (koppelingen): help requests, help offers, explained scores, an optimal proposal.

The score of a request-offer pair is a sum of points per criterion, each with its
reason, so the shown reasons always add up to the shown score. Weights are settings.
Language is a strong preference, never a filter: when nobody shares a language the
best others still appear, and the reason says so. A pair is feasible when the offer
covers at least one requested domain and has capacity left. A person confirms every
match: voorgesteld -> actief -> afgerond or gestopt.

Availability is a set of weekday-dagdeel codes: ma di wo do vr za zo x o m a
(ochtend, middag, avond), written "ma-o,di-m".
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections import defaultdict

from peewee import JOIN, PostgresqlDatabase, fn

from db import database, write
from db.models import (Account, HelpDomain, HelpOffer, HelpOfferDomain, HelpRequest, HelpRequestDomain, Match,
                       Person)

from bwk_tui.i18n import current_language, current_locale, t
from bwk_tui.services.room import audit
from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import coordinator_only, require_role
from bwk_tui.services.kernel.availability import (DAGDELEN, WEEKDAYS, availability_text, parse_availability,
                                           parse_languages, split)
from bwk_tui.services.kernel.clock import AMSTERDAM, now_utc, today
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.visitors.persons import display_name

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


def _and(items: list[str]) -> str:
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


@dataclasses.dataclass(frozen=True)
class Reason:
    text: str  # in the user's language, e.g. "spreekt Twi (gedeelde taal)"
    points: int


@dataclasses.dataclass(frozen=True)
class Scored:
    request_id: int
    offer_id: int
    request_name: str
    offer_name: str
    score: int  # == sum(r.points for r in reasons)
    reasons: list[Reason]
    remaining_capacity: int


@dataclasses.dataclass(frozen=True)
class MatchInfo:
    id: int
    request_id: int
    offer_id: int
    person_name: str  # who asked
    offer_name: str  # who helps
    status: str
    score: int
    reasons: list[Reason]
    proposed_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    outcome: str
    next_follow_up: dt.date | None


# --- reading ------------------------------------------------------------------------------


def _domain_names() -> dict[int, str]:
    english = current_language() == "en"
    return {d.id: (d.name_en if english else d.name_nl) for d in HelpDomain.select()}


def _load_requests(where, limit: int | None = None, order=None) -> list[RequestInfo]:
    query = (HelpRequest.select(HelpRequest, Person.first_name, Person.last_name)
             .join(Person).where(where))
    if order is not None:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    rows = list(query.objects())
    if not rows:
        return []
    names = _domain_names()
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


def _busy_counts(offer_ids: list[int] | None = None) -> dict[int, int]:
    """Proposed and active matches per offer: what counts against its capacity."""
    query = (Match.select(Match.offer, fn.COUNT(Match.id)).where(Match.status.in_((PROPOSED, ACTIVE)))
             .group_by(Match.offer))
    if offer_ids is not None:
        query = query.where(Match.offer.in_(offer_ids))
    return dict(query.tuples())


def _helped_persons(person_ids: list[int]) -> set[int]:
    """Of these persons, those who once had a match started on a help request of theirs."""
    if not person_ids:
        return set()
    return {row[0] for row in (HelpRequest.select(HelpRequest.person).join(Match)
                               .where(HelpRequest.person.in_(person_ids), Match.started_at.is_null(False))
                               .distinct().tuples())}


def _load_offers(where) -> list[OfferInfo]:
    query = (HelpOffer.select(HelpOffer, Person.first_name, Person.last_name, Account.name.alias("account_name"))
             .join(Person, JOIN.LEFT_OUTER, on=(HelpOffer.person == Person.id))
             .switch(HelpOffer).join(Account, JOIN.LEFT_OUTER, on=(HelpOffer.account == Account.id))
             .where(where).order_by(HelpOffer.id))
    rows = list(query.objects())
    if not rows:
        return []
    names = _domain_names()
    ids = [o.id for o in rows]
    domains: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    busy: dict[int, int] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        for offer_id, domain_id, lived in (HelpOfferDomain.select(HelpOfferDomain.offer, HelpOfferDomain.domain,
                                                                  HelpOfferDomain.lived_experience)
                                           .where(HelpOfferDomain.offer.in_(part)).tuples()):
            domains[offer_id].append((domain_id, bool(lived)))
        busy.update(_busy_counts(part))
    helped = _helped_persons([o.person_id for o in rows if o.person_id])
    out = []
    for o in rows:
        pairs = sorted(domains[o.id])
        name = display_name(o.first_name, o.last_name) if o.person_id else (o.account_name or "?")
        out.append(OfferInfo(o.id, name, o.person_id, o.account_id, [d for d, _ in pairs],
                             [names.get(d, "?") for d, _ in pairs], [names.get(d, "?") for d, lived in pairs if lived],
                             split(o.languages), parse_availability(o.availability), o.capacity,
                             busy.get(o.id, 0), o.person_id in helped, bool(o.active)))
    return out


def _lived_ids(offer: OfferInfo) -> set[int]:
    lived = set(offer.lived_experience)
    return {d for d, name in zip(offer.domain_ids, offer.domains) if name in lived}


def _request(request_id: int) -> RequestInfo:
    found = _load_requests(HelpRequest.id == request_id)
    if not found:
        raise BwkError("error.match_request_unknown")
    return found[0]


def _offer(offer_id: int) -> OfferInfo:
    found = _load_offers(HelpOffer.id == offer_id)
    if not found:
        raise BwkError("error.match_offer_unknown")
    return found[0]


# --- validating and saving requests and offers ---------------------------------------------


def _domain_ids(ids: list[int], field: str, key: str) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids or []))
    if not ids:
        raise InvalidInput(key, field=field)
    found = HelpDomain.select().where(HelpDomain.id.in_(ids), HelpDomain.active == True).count()  # noqa: E712
    if found != len(ids):
        raise InvalidInput("error.domain_unknown", field=field)
    return ids


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
                                     preferred_offer=preferred, status="open", created_at=now_utc(),
                                     created_by=session.account_id)
        HelpRequestDomain.insert_many([{"request": request.id, "domain": d} for d in domain_ids]).execute()
        audit.record(session.account_id, "help_request.create", "help_request", request.id,
                     f"person={person.id}")
    return _request(request.id)


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
                                 active=True, created_at=now_utc())
        HelpOfferDomain.insert_many([{"offer": offer.id, "domain": d, "lived_experience": d in lived}
                                     for d in domain_ids]).execute()
        audit.record(session.account_id, "help_offer.create", "help_offer", offer.id,
                     f"person={form.person_id}" if form.person_id else f"account={form.account_id}")
    return _offer(offer.id)


@coordinator_only
def set_offer_active(session, offer_id: int, active: bool) -> OfferInfo:
    """Switch an offer off (or on again); its matches stay."""
    with write():
        if not HelpOffer.update(active=active).where(HelpOffer.id == offer_id).execute():
            raise BwkError("error.match_offer_unknown")
        audit.record(session.account_id, "help_offer.active" if active else "help_offer.inactive",
                     "help_offer", offer_id)
    return _offer(offer_id)


def _busy_requests():
    return Match.select(Match.request).where(Match.status.in_((PROPOSED, ACTIVE)))


def open_requests(limit: int = 200) -> list[RequestInfo]:
    """Requests without an active or proposed match, most urgent first, then oldest."""
    return _load_requests((HelpRequest.status == "open") & HelpRequest.id.not_in(_busy_requests()), limit,
                          (HelpRequest.urgency.desc(), HelpRequest.created_at, HelpRequest.id))


def offers(active_only: bool = True) -> list[OfferInfo]:
    return _load_offers((HelpOffer.active == True) if active_only else (HelpOffer.id > 0))  # noqa: E712


# --- scores ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Weights:
    domain: int
    experience: int
    language: int
    availability: int
    continuity: int
    urgency: int


def _weights() -> _Weights:
    return _Weights(*(max(0, settings.get_int(f"match_weight_{k}"))
                      for k in ("domain", "experience", "language", "availability", "continuity", "urgency")))


def _share(weight: int, part: int, whole: int) -> int:
    """weight x part / whole, rounded half up, in integers (the same in numpy and here)."""
    return (2 * weight * part + whole) // (2 * whole)


def _continued() -> set[tuple[int, int]]:
    """(person, offer) pairs that finished a match well (afgerond) before."""
    return set(Match.select(HelpRequest.person, Match.offer).join(HelpRequest)
               .where(Match.status == DONE).distinct().tuples())


# A reason as stored with a match: [text key, params, points]; params hold ids and codes, no names.
def _raw_reasons(req: RequestInfo, off: OfferInfo, w: _Weights, continued: set) -> list[list]:
    reasons: list[list] = []
    common = [d for d in req.domain_ids if d in set(off.domain_ids)]
    reasons.append(["match.reason_domain", {"domains": common}, _share(w.domain, len(common), len(req.domain_ids))])
    lived = [d for d in common if d in _lived_ids(off)]
    if lived:
        reasons.append(["match.reason_experience", {"domains": lived}, w.experience])
    shared = [lang for lang in req.languages if lang in set(off.languages)]
    if not req.languages:
        reasons.append(["match.reason_language_any", {}, w.language])
    elif shared:
        reasons.append(["match.reason_language", {"languages": shared}, w.language])
    else:
        reasons.append(["match.reason_no_language", {"missing": req.languages, "spoken": off.languages}, 0])
    if not req.availability:
        reasons.append(["match.reason_availability_any", {}, w.availability])
    else:
        overlap = len(req.availability & off.availability)
        reasons.append(["match.reason_availability", {"count": overlap},
                        _share(w.availability, overlap, len(req.availability))])
    if (req.person_id, off.id) in continued:
        reasons.append(["match.reason_continuity", {}, w.continuity])
    if req.urgency > 1:
        reasons.append(["match.reason_urgency", {"urgency": req.urgency}, w.urgency * (req.urgency - 1)])
    return reasons


def _reason_text(key: str, params: dict, names: dict[int, str]) -> str:
    def domains(ids):  # domain names may hold "en" themselves ("werk en dagbesteding"): commas
        return ", ".join(names.get(i, "?") for i in ids)

    def langs(codes):
        return _and([language_name(c) for c in codes])

    if key in ("match.reason_domain", "match.reason_experience"):
        return t(key, domain=domains(params.get("domains", [])))
    if key == "match.reason_language":
        return t(key, lang=langs(params.get("languages", [])))
    if key == "match.reason_no_language":
        missing = [language_name(c) for c in params.get("missing", [])]
        return t(key, lang="/".join(missing), spoken=langs(params.get("spoken", [])))
    return t(key, **params)


def _reasons(raw: list[list], names: dict[int, str] | None = None) -> list[Reason]:
    names = names if names is not None else _domain_names()
    return [Reason(_reason_text(key, params, names), int(points)) for key, params, points in raw]


def _scored(req: RequestInfo, off: OfferInfo, w: _Weights, continued: set, names: dict[int, str]) -> Scored:
    raw = _raw_reasons(req, off, w, continued)
    reasons = _reasons(raw, names)
    return Scored(req.id, off.id, req.person_name, off.name, sum(r.points for r in reasons), reasons, off.remaining)


def _feasible(req: RequestInfo, off: OfferInfo) -> bool:
    return off.active and off.remaining > 0 and bool(set(req.domain_ids) & set(off.domain_ids))


def score(request_id: int, offer_id: int) -> Scored | None:
    """The explained score of one pair; None when infeasible (no common domain or no capacity left)."""
    req, off = _request(request_id), _offer(offer_id)
    if not _feasible(req, off):
        return None
    return _scored(req, off, _weights(), _continued(), _domain_names())


def shortlist(request_id: int, top: int = 5) -> list[Scored]:
    """The best feasible offers for one request, highest score first."""
    req = _request(request_id)
    if not req.domain_ids:
        return []
    candidates = (HelpOfferDomain.select(HelpOfferDomain.offer)
                  .where(HelpOfferDomain.domain.in_(req.domain_ids)))
    found = [o for o in _load_offers((HelpOffer.active == True) & HelpOffer.id.in_(candidates))  # noqa: E712
             if _feasible(req, o)]
    w, continued, names = _weights(), _continued(), _domain_names()
    scored = [_scored(req, o, w, continued, names) for o in found]
    scored.sort(key=lambda s: (-s.score, -s.remaining_capacity, s.offer_id))
    return scored[:top]


def feasible_pairs() -> list[Scored]:
    """Every feasible open-request x offer pair with its score (for `bwk match scores`)."""
    reqs, offs = open_requests(limit=None), [o for o in offers() if o.remaining > 0]
    w, continued, names = _weights(), _continued(), _domain_names()
    by_domain: dict[int, list[OfferInfo]] = defaultdict(list)
    for o in offs:
        for d in o.domain_ids:
            by_domain[d].append(o)
    out = []
    for req in reqs:
        seen = {}
        for d in req.domain_ids:
            for o in by_domain[d]:
                seen[o.id] = o
        for o in sorted(seen.values(), key=lambda o: o.id):
            out.append(_scored(req, o, w, continued, names))
    return out


def score_matrix(reqs: list[RequestInfo], offs: list[OfferInfo], w: _Weights | None = None,
                 continued: set | None = None):
    """(scores, feasible): numpy arrays of len(reqs) x len(offs), the same points as `score`."""
    import numpy as np

    w = w or _weights()
    continued = _continued() if continued is None else continued
    n, m = len(reqs), len(offs)
    dom_index = {d: i for i, d in enumerate(sorted({d for x in (*reqs, *offs) for d in x.domain_ids}))}
    lang_index = {c: i for i, c in enumerate(sorted({c for x in (*reqs, *offs) for c in x.languages}))}
    slots = {f"{d}-{p}": i for i, (d, p) in enumerate((d, p) for d in WEEKDAYS for p in DAGDELEN)}
    r_dom = np.zeros((n, max(1, len(dom_index))), dtype=np.int64)
    r_lang = np.zeros((n, max(1, len(lang_index))), dtype=np.int64)
    r_av = np.zeros((n, len(slots)), dtype=np.int64)
    o_dom, o_exp = np.zeros((m, r_dom.shape[1]), dtype=np.int64), np.zeros((m, r_dom.shape[1]), dtype=np.int64)
    o_lang = np.zeros((m, r_lang.shape[1]), dtype=np.int64)
    o_av = np.zeros((m, len(slots)), dtype=np.int64)
    for i, r in enumerate(reqs):
        r_dom[i, [dom_index[d] for d in r.domain_ids]] = 1
        r_lang[i, [lang_index[c] for c in r.languages]] = 1
        r_av[i, [slots[s] for s in r.availability]] = 1
    for j, o in enumerate(offs):
        o_dom[j, [dom_index[d] for d in o.domain_ids]] = 1
        o_exp[j, [dom_index[d] for d in _lived_ids(o)]] = 1
        o_lang[j, [lang_index[c] for c in o.languages]] = 1
        o_av[j, [slots[s] for s in o.availability]] = 1
    n_dom = np.maximum(r_dom.sum(axis=1), 1)[:, None]
    common = r_dom @ o_dom.T
    scores = (2 * w.domain * common + n_dom) // (2 * n_dom)
    scores += w.experience * ((r_dom @ o_exp.T) > 0)
    has_lang = (r_lang.sum(axis=1) > 0)[:, None]
    scores += w.language * (~has_lang | ((r_lang @ o_lang.T) > 0))
    n_av = r_av.sum(axis=1)[:, None]
    scores += np.where(n_av == 0, w.availability,
                       (2 * w.availability * (r_av @ o_av.T) + n_av) // (2 * np.maximum(n_av, 1)))
    urgency = np.array([r.urgency for r in reqs], dtype=np.int64)[:, None]
    scores += w.urgency * (urgency - 1)
    if continued:
        offer_index = {o.id: j for j, o in enumerate(offs)}
        by_person: dict[int, list[int]] = defaultdict(list)
        for pid, oid in continued:
            if oid in offer_index:
                by_person[pid].append(offer_index[oid])
        for i, r in enumerate(reqs):
            for j in by_person.get(r.person_id, ()):
                scores[i, j] += w.continuity
    remaining = np.array([o.remaining if o.active else 0 for o in offs], dtype=np.int64)[None, :]
    feasible = (common > 0) & (remaining > 0)
    return scores, feasible


INFEASIBLE = -10**9


def propose_all() -> list[Scored]:
    """The assignment of open requests to offers with the highest total score: no offer beyond its
    remaining capacity, no request twice (scipy.optimize.linear_sum_assignment on capacity-expanded
    offers). Nothing is saved: a person confirms each pair."""
    reqs = open_requests(limit=None)
    offs = [o for o in offers() if o.remaining > 0]
    return _assign(reqs, offs, _weights(), _continued(), _domain_names())


def _assign(reqs, offs, w, continued, names) -> list[Scored]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not reqs or not offs:
        return []
    scores, feasible = score_matrix(reqs, offs, w, continued)
    slot_offer = np.repeat(np.arange(len(offs)), [o.remaining for o in offs])
    profit = np.where(feasible[:, slot_offer], scores[:, slot_offer], INFEASIBLE)
    # One "stays open" column per request, worth 0: the solver may leave a request unmatched
    # rather than being forced into an infeasible cell (or into a lower total for more pairs).
    profit = np.hstack([profit, np.full((len(reqs), len(reqs)), 0, dtype=np.int64)])
    rows, cols = linear_sum_assignment(profit, maximize=True)
    out = []
    for i, c in zip(rows, cols):
        if c >= len(slot_offer) or profit[i, c] == INFEASIBLE:
            continue
        out.append(_scored(reqs[i], offs[slot_offer[c]], w, continued, names))
    out.sort(key=lambda s: (-s.score, s.request_id))
    return out


# --- the lifecycle of a match ---------------------------------------------------------------


def _info_rows(where, limit: int | None = 200, order=None) -> list[MatchInfo]:
    asker = Person.alias()
    helper = Person.alias()
    query = (Match.select(Match, asker.first_name.alias("a_first"), asker.last_name.alias("a_last"),
                          helper.first_name.alias("h_first"), helper.last_name.alias("h_last"),
                          HelpOffer.person.alias("h_person"), Account.name.alias("h_account"))
             .join(HelpRequest, on=(Match.request == HelpRequest.id))
             .join(asker, on=(HelpRequest.person == asker.id))
             .switch(Match).join(HelpOffer, on=(Match.offer == HelpOffer.id))
             .join(helper, JOIN.LEFT_OUTER, on=(HelpOffer.person == helper.id))
             .switch(HelpOffer).join(Account, JOIN.LEFT_OUTER, on=(HelpOffer.account == Account.id))
             .where(where).order_by(*(order or (Match.id.desc(),))))
    if limit is not None:
        query = query.limit(limit)
    names = _domain_names()
    out = []
    for m in query.objects():
        raw = json.loads(m.reasons) if m.reasons else []
        offer_name = display_name(m.h_first, m.h_last) if m.h_person else (m.h_account or "?")
        out.append(MatchInfo(m.id, m.request_id, m.offer_id, display_name(m.a_first, m.a_last), offer_name,
                             m.status, m.score, _reasons(raw, names), m.proposed_at, m.started_at, m.ended_at,
                             m.outcome, m.next_follow_up))
    return out


def _match_info(match_id: int) -> MatchInfo:
    found = _info_rows(Match.id == match_id, 1)
    if not found:
        raise BwkError("error.match_unknown")
    return found[0]


def _lock_offer(offer_id: int) -> None:
    """On PostgreSQL two desks may confirm at once: take the offer's row lock (SQLite's IMMEDIATE does it)."""
    if isinstance(database.obj, PostgresqlDatabase):
        list(HelpOffer.select(HelpOffer.id).where(HelpOffer.id == offer_id).for_update())


@coordinator_only
def propose(session, request_id: int, offer_id: int) -> MatchInfo:
    """Coordinator: record a proposed match (status voorgesteld) with its score and reasons."""
    with write():
        _lock_offer(offer_id)
        req, off = _request(request_id), _offer(offer_id)
        if req.status != "open" or Match.select().where(Match.request == request_id,
                                                        Match.status.in_((PROPOSED, ACTIVE))).exists():
            raise BwkError("error.match_request_not_open")
        if not off.active:
            raise BwkError("error.match_offer_inactive")
        if not set(req.domain_ids) & set(off.domain_ids):
            raise BwkError("error.match_no_common_domain")
        if off.remaining <= 0:
            raise BwkError("error.match_offer_full", name=off.name, capacity=off.capacity)
        raw = _raw_reasons(req, off, _weights(), _continued())
        match = Match.create(request=request_id, offer=offer_id, status=PROPOSED,
                             score=sum(points for _, _, points in raw), reasons=json.dumps(raw),
                             proposed_at=now_utc())
        audit.record(session.account_id, "match.propose", "match", match.id,
                     f"request={request_id} offer={offer_id}")
    return _match_info(match.id)


@coordinator_only
def confirm(session, match_id: int) -> MatchInfo:
    """Coordinator: voorgesteld -> actief; refused when the offer is at capacity. Sets the first follow-up."""
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        _lock_offer(match.offer_id)
        if match.status != PROPOSED:
            raise BwkError("error.match_not_proposed")
        offer = HelpOffer.get_by_id(match.offer_id)
        active = Match.select().where(Match.offer == match.offer_id, Match.status == ACTIVE).count()
        if not offer.active:
            raise BwkError("error.match_offer_inactive")
        if active >= offer.capacity:
            raise BwkError("error.match_offer_full", name=_offer(offer.id).name, capacity=offer.capacity)
        if Match.select().where(Match.request == match.request_id, Match.status == ACTIVE).exists():
            raise BwkError("error.match_request_not_open")
        now = now_utc()
        follow_up = today() + dt.timedelta(days=max(1, settings.get_int("match_follow_up_days")))
        Match.update(status=ACTIVE, started_at=now, confirmed_by=session.account_id,
                     next_follow_up=follow_up).where(Match.id == match_id).execute()
        HelpRequest.update(status="matched").where(HelpRequest.id == match.request_id).execute()
        audit.record(session.account_id, "match.confirm", "match", match_id)
    return _match_info(match_id)


@coordinator_only
def finish(session, match_id: int, outcome: str, stopped: bool = False) -> MatchInfo:
    """Coordinator: actief -> afgerond (or gestopt), with an outcome; the request is closed.

    A proposal that is turned down (voorgesteld, stopped=True) becomes gestopt and its request
    stays open for another helper."""
    outcome = " ".join((outcome or "").split())
    if len(outcome) > 300:
        raise InvalidInput("error.match_outcome_long", field="outcome")
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        if match.status == PROPOSED and stopped:
            Match.update(status=STOPPED, ended_at=now_utc(), outcome=outcome).where(Match.id == match_id).execute()
            audit.record(session.account_id, "match.decline", "match", match_id)
        elif match.status == ACTIVE:
            if not outcome:
                raise InvalidInput("error.match_outcome_empty", field="outcome")
            Match.update(status=STOPPED if stopped else DONE, ended_at=now_utc(), outcome=outcome,
                         next_follow_up=None).where(Match.id == match_id).execute()
            HelpRequest.update(status="closed").where(HelpRequest.id == match.request_id).execute()
            audit.record(session.account_id, "match.stop" if stopped else "match.finish", "match", match_id)
        else:
            raise BwkError("error.match_not_active")
    return _match_info(match_id)


def matches(status: str | None = None, limit: int = 200) -> list[MatchInfo]:
    where = (Match.status == status) if status else (Match.id > 0)
    return _info_rows(where, limit)


def follow_ups_due(until: dt.date | None = None) -> list[MatchInfo]:
    """Active matches whose next follow-up is due (today or earlier)."""
    until = until or today()
    return _info_rows((Match.status == ACTIVE) & (Match.next_follow_up <= until), None,
                      (Match.next_follow_up, Match.id))


def follow_up_done(session, match_id: int) -> MatchInfo:
    """The check-in happened: the next one is set `match_follow_up_every_days` later."""
    require_role(session, "volunteer")
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        if match.status != ACTIVE:
            raise BwkError("error.match_not_active")
        following = today() + dt.timedelta(days=max(1, settings.get_int("match_follow_up_every_days")))
        Match.update(next_follow_up=following).where(Match.id == match_id).execute()
        audit.record(session.account_id, "match.follow_up", "match", match_id)
    return _match_info(match_id)


def reciprocity(start: dt.date, end: dt.date, room_id: int | None = None) -> int:
    """Persons who were helped (a match of theirs started before ``end``) and offer help themselves."""
    since, until = _utc_midnight(start), _utc_midnight(end + dt.timedelta(days=1))
    helped = (HelpRequest.select(HelpRequest.person).join(Match)
              .where(Match.started_at.is_null(False), Match.started_at < until))
    offering = (HelpOffer.select(fn.COUNT(fn.DISTINCT(HelpOffer.person)))
                .where(HelpOffer.person.in_(helped), HelpOffer.created_at < until,
                       (HelpOffer.active == True) | (HelpOffer.created_at >= since)))  # noqa: E712
    if room_id is not None:
        offering = offering.where(HelpOffer.room == room_id)
    return offering.scalar() or 0


def _utc_midnight(day: dt.date) -> dt.datetime:
    """Local (Amsterdam) midnight of ``day`` as the naive UTC time the database stores."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=AMSTERDAM)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def matches_started(start: dt.date, end: dt.date, room_id: int | None = None) -> int:
    """Matches that started (were confirmed) on a day in [start, end] (for reports and the closing)."""
    return match_counts(start, end, room_id).started


@dataclasses.dataclass(frozen=True)
class MatchCounts:
    started: int  # confirmed in the period
    active: int  # running at the end of the period
    ended: int  # afgerond or gestopt in the period


def match_counts(start: dt.date, end: dt.date, room_id: int | None = None) -> MatchCounts:
    """Matches of the requests of one room (all rooms when None) in the period [start, end]."""
    since, until = _utc_midnight(start), _utc_midnight(end + dt.timedelta(days=1))
    base = Match.select().join(HelpRequest)
    if room_id is not None:
        base = base.where(HelpRequest.room == room_id)
    started = base.where(Match.started_at >= since, Match.started_at < until).count()
    active = base.where(Match.started_at < until, Match.started_at.is_null(False),
                        Match.ended_at.is_null() | (Match.ended_at >= until)).count()
    ended = base.where(Match.started_at.is_null(False), Match.ended_at >= since, Match.ended_at < until).count()
    return MatchCounts(started, active, ended)
