"""Peer support's explained scores, shortlists and the optimal proposal for all open requests.

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
from collections import defaultdict


from db.models import (HelpOffer, HelpOfferDomain, HelpRequest, Match, Person)

from bwk_tui.i18n import t
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel.availability import (DAGDELEN, WEEKDAYS, availability_text, slot_name, split)
from bwk_tui.services.kernel.scoring import Reason, read_weights
from bwk_tui.services.matching.requests import DONE, OfferInfo, RequestInfo, and_list, domain_names, language_name, lived_ids, load_offers, offer_info, offers, open_requests, request_info


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
class Weights:
    domain: int
    experience: int
    language: int
    availability: int
    continuity: int
    urgency: int


def weights() -> Weights:
    return Weights(**read_weights(settings.get_int, "match_weight_", tuple(f.name for f in dataclasses.fields(Weights))))


def _share(weight: int, part: int, whole: int) -> int:
    """weight x part / whole, rounded half up, in integers (the same in numpy and here)."""
    return (2 * weight * part + whole) // (2 * whole)


def continued_pairs() -> set[tuple[int, int]]:
    """(person, offer) pairs that finished a match well (afgerond) before."""
    return set(Match.select(HelpRequest.person, Match.offer).join(HelpRequest)
               .where(Match.status == DONE).distinct().tuples())


# A reason as stored with a match: [text key, params, points]; params hold ids and codes, no names.
def raw_reasons(req: RequestInfo, off: OfferInfo, w: Weights, continued: set) -> list[list]:
    reasons: list[list] = []
    common = [d for d in req.domain_ids if d in set(off.domain_ids)]
    reasons.append(["match.reason_domain", {"domains": common}, _share(w.domain, len(common), len(req.domain_ids))])
    lived = [d for d in common if d in lived_ids(off)]
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
        both = req.availability & off.availability
        reasons.append(["match.reason_availability", {"count": len(both), "slots": availability_text(both)},
                        _share(w.availability, len(both), len(req.availability))])
    if (req.person_id, off.id) in continued:
        reasons.append(["match.reason_continuity", {}, w.continuity])
    if req.urgency > 1:
        reasons.append(["match.reason_urgency", {"urgency": req.urgency}, w.urgency * (req.urgency - 1)])
    return reasons


def _reason_text(key: str, params: dict, names: dict[int, str]) -> str:
    def domains(ids):  # domain names may hold "en" themselves ("werk en dagbesteding"): commas
        return ", ".join(names.get(i, "?") for i in ids)

    def langs(codes):
        return and_list([language_name(c) for c in codes])

    if key in ("match.reason_domain", "match.reason_experience"):
        return t(key, domain=domains(params.get("domains", [])))
    if key == "match.reason_language":
        return t(key, lang=langs(params.get("languages", [])))
    if key == "match.reason_no_language":
        # About the helper in this row only: another helper may well speak the request's language.
        spoken = params.get("spoken", [])
        return t(key, spoken=langs(spoken)) if spoken else t("match.reason_no_language_none")
    if key == "match.reason_availability":
        if "slots" not in params:  # a reason stored before the dagdelen were named
            return t("match.reason_availability_count", count=params.get("count", 0))
        slots = [slot_name(WEEKDAYS.index(code[:2]), code[3:]) for code in split(params["slots"])]
        return t("match.reason_availability", slots=and_list(slots)) if slots else t("match.reason_availability_none")
    if key == "match.reason_urgency":
        return t(f"f4.urgency_{params.get('urgency', 1)}")
    return t(key, **params)


def explained(raw: list[list], names: dict[int, str] | None = None) -> list[Reason]:
    names = names if names is not None else domain_names()
    return [Reason(_reason_text(key, params, names), int(points)) for key, params, points in raw]


def _scored(req: RequestInfo, off: OfferInfo, w: Weights, continued: set, names: dict[int, str]) -> Scored:
    raw = raw_reasons(req, off, w, continued)
    reasons = explained(raw, names)
    return Scored(req.id, off.id, req.person_name, off.name, sum(r.points for r in reasons), reasons, off.remaining)


def feasible(req: RequestInfo, off: OfferInfo) -> bool:
    return off.active and off.remaining > 0 and bool(set(req.domain_ids) & set(off.domain_ids))


def score(request_id: int, offer_id: int) -> Scored | None:
    """The explained score of one pair; None when infeasible (no common domain or no capacity left)."""
    req, off = request_info(request_id), offer_info(offer_id)
    if not feasible(req, off):
        return None
    return _scored(req, off, weights(), continued_pairs(), domain_names())


def shortlist(request_id: int, top: int = 5) -> list[Scored]:
    """The best feasible offers for one request, highest score first."""
    req = request_info(request_id)
    if not req.domain_ids:
        return []
    candidates = (HelpOfferDomain.select(HelpOfferDomain.offer)
                  .where(HelpOfferDomain.domain.in_(req.domain_ids)))
    found = [o for o in load_offers((HelpOffer.active == True) & HelpOffer.id.in_(candidates)  # noqa: E712
                                    & Person.forgotten_at.is_null())  # a forgotten helper: never proposed
             if feasible(req, o)]
    w, continued, names = weights(), continued_pairs(), domain_names()
    scored = [_scored(req, o, w, continued, names) for o in found]
    scored.sort(key=lambda s: (-s.score, -s.remaining_capacity, s.offer_id))
    return scored[:top]


@coordinator_only
def feasible_pairs(session: Session) -> list[Scored]:
    """Every feasible open-request x offer pair with its score (for `bwk match scores`; coordinators only)."""
    reqs, offs = open_requests(limit=None), [o for o in offers() if o.remaining > 0]
    w, continued, names = weights(), continued_pairs(), domain_names()
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


def score_matrix(reqs: list[RequestInfo], offs: list[OfferInfo], w: Weights | None = None,
                 continued: set | None = None):
    """(scores, feasible): numpy arrays of len(reqs) x len(offs), the same points as `score`."""
    import numpy as np

    w = w or weights()
    continued = continued_pairs() if continued is None else continued
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
        o_exp[j, [dom_index[d] for d in lived_ids(o)]] = 1
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


@coordinator_only
def propose_all(session: Session) -> list[Scored]:
    """The assignment of open requests to offers with the highest total score: no offer beyond its
    remaining capacity, no request twice (scipy.optimize.linear_sum_assignment on capacity-expanded
    offers). Nothing is saved: a person confirms each pair. Coordinators only."""
    reqs = open_requests(limit=None)
    offs = [o for o in offers() if o.remaining > 0]
    return assign(reqs, offs, weights(), continued_pairs(), domain_names())


def assign(reqs, offs, w, continued, names) -> list[Scored]:
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
