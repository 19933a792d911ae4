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

WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAGDELEN = ("o", "m", "a")
PROPOSED, ACTIVE, DONE, STOPPED = "voorgesteld", "actief", "afgerond", "gestopt"


def parse_availability(text: str) -> frozenset[str]:
    """"ma-o, di-m" -> {"ma-o", "di-m"}; InvalidInput(field="availability") for anything else."""
    raise NotImplementedError


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
    active_matches: int

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


def create_request(session, form: RequestForm) -> RequestInfo:
    """Volunteers and coordinators. InvalidInput(field=...) for no domain, bad availability, urgency."""
    raise NotImplementedError


def create_offer(session, form: OfferForm) -> OfferInfo:
    """Coordinators. InvalidInput for capacity 0/negative/not a number, no domain, not exactly one of person/account."""
    raise NotImplementedError


def open_requests(limit: int = 200) -> list[RequestInfo]:
    """Requests without an active or proposed match, most urgent first, then oldest."""
    raise NotImplementedError


def offers(active_only: bool = True) -> list[OfferInfo]:
    raise NotImplementedError


def score(request_id: int, offer_id: int) -> Scored | None:
    """The explained score of one pair; None when infeasible (no common domain or no capacity left)."""
    raise NotImplementedError


def shortlist(request_id: int, top: int = 5) -> list[Scored]:
    """The best feasible offers for one request, highest score first."""
    raise NotImplementedError


def feasible_pairs() -> list[Scored]:
    """Every feasible open-request x offer pair with its score (for `bwk match scores`)."""
    raise NotImplementedError


def propose_all() -> list[Scored]:
    """The assignment of open requests to offers with the highest total score: no offer beyond its
    remaining capacity, no request twice (scipy.optimize.linear_sum_assignment on capacity-expanded
    offers). Nothing is saved: a person confirms each pair."""
    raise NotImplementedError


def propose(session, request_id: int, offer_id: int) -> MatchInfo:
    """Coordinator: record a proposed match (status voorgesteld) with its score and reasons."""
    raise NotImplementedError


def confirm(session, match_id: int) -> MatchInfo:
    """Coordinator: voorgesteld -> actief; refused when the offer is at capacity. Sets the first follow-up."""
    raise NotImplementedError


def finish(session, match_id: int, outcome: str, stopped: bool = False) -> MatchInfo:
    """Coordinator: actief -> afgerond (or gestopt), with an outcome; the request is closed."""
    raise NotImplementedError


def matches(status: str | None = None, limit: int = 200) -> list[MatchInfo]:
    raise NotImplementedError


def follow_ups_due(until: dt.date | None = None) -> list[MatchInfo]:
    """Active matches whose next follow-up is due (today or earlier)."""
    raise NotImplementedError


def follow_up_done(session, match_id: int) -> MatchInfo:
    """The check-in happened: the next one is set `match_follow_up_every_days` later."""
    raise NotImplementedError


def reciprocity(start: dt.date, end: dt.date) -> int:
    """Persons who were helped (a match of theirs started before ``end``) and offer help themselves."""
    raise NotImplementedError
