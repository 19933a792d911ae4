"""The demo's peer support (koppelingen): help offers, help requests and match histories.

Offers come from volunteers and from residents, some of whom were helped before and now help
others themselves; requests are matched, finished or stopped over the period, a few are still
open or wait for the coordinator to confirm a proposal. The score and reasons stored with each
match come from the matching service's own scoring.
"""
from __future__ import annotations

import datetime as dt
import json

from db import is_sqlite
from db.connection import database

from bwk_tui.demo.base import _Base, _choice, _insert, _Person, _Volunteer

_MATCH_DESCRIPTIONS = {
    "formulieren": ("Brief van de gemeente begrijpen", "Formulier voor kwijtschelding invullen",
                    "Hulp met DigiD en Mijn Overheid"),
    "geldzaken": ("Overzicht krijgen in de rekeningen", "Budget voor de maand maken", "Toeslagen nakijken"),
    "schulden": ("Schulden op een rij zetten", "Meegaan naar de schuldhulpverlening", "Brief van de deurwaarder"),
    "wonen": ("Brief van de woningcorporatie", "Reparatieverzoek indienen", "Urgentie-aanvraag woning"),
    "werk": ("CV maken", "Sollicitatiebrief schrijven", "Oefenen voor een gesprek"),
    "taal": ("Nederlands oefenen", "Samen lezen en schrijven", "Taalmaatje gezocht"),
    "welzijn": ("Iemand om mee te praten", "Samen de wijk in", "Weer meedoen in de buurt"),
    "zorg": ("Mee naar de huisarts", "Zorgverzekering uitzoeken", "Afspraken in de zorg regelen"),
}
_MATCH_DONE = ("Doel bereikt, afgerond", "Regeling loopt, zelfstandig verder", "Brief opgelost",
               "Werk gevonden", "Gaat nu zelf naar het spreekuur")
_MATCH_STOPPED = ("Klikte niet", "Bewoner verhuisd", "Niet meer bereikbaar", "Helper gestopt")
_SLOTS = tuple(f"{d}-{p}" for d in ("ma", "di", "wo", "do", "vr", "za") for p in ("o", "m", "a"))


def _make_matching(builder: _Base, persons: list[_Person], volunteers: list[_Volunteer]) -> None:
    """Help offers (some by residents who were helped before), open requests and match histories."""
    from db.models import HelpOffer, HelpOfferDomain, HelpRequest, HelpRequestDomain, Match

    from bwk_tui.services.kernel.availability import parse_availability
    from bwk_tui.services.matching import scoring
    from bwk_tui.services.matching.requests import OfferInfo, RequestInfo

    b = builder
    rng = b.rng("matching")
    small = b.scale_name == "small"
    n_offers, n_open, n_hist = (30, 60, 90) if small else (300, 500, 2500)
    cal, today = b.calendar, b.calendar.today
    horizon = min(b.scale.days - 40, 720)
    follow_first = 14
    follow_every = 30
    code_of = b.domain_code
    concern_ids = b.concern_ids
    weights = scoring.Weights(40, 20, 20, 10, 10, 5)

    def when(day: int) -> dt.datetime:
        return cal.utc(day, rng.randint(9 * 3600, 17 * 3600))

    def availability() -> str:
        if rng.random() < 0.2:
            return ""
        chosen = set(rng.sample(_SLOTS, rng.randint(2, 6)))
        return ",".join(s for s in _SLOTS if s in chosen)

    def concerns(person: _Person, most: int) -> list[int]:
        own = [d for d in person.concerns if d in concern_ids]
        picked = own[:rng.randint(1, most)] if own else []
        while not picked or (len(picked) < most and rng.random() < 0.25):
            extra = _choice(rng, concern_ids, b.concern_cum)
            if extra not in picked:
                picked.append(extra)
        return sorted(picked)

    def describe(domains: list[int]) -> str:
        return rng.choice(_MATCH_DESCRIPTIONS.get(code_of.get(domains[0], ""), ("Hulp gevraagd",)))

    pool = [p for p in persons if p.id and p.consent]
    rng.shuffle(pool)
    helped, pool = pool[:n_hist], pool[n_hist:]

    # Offers of volunteers (still active) and of residents; residents' offers made early enough for history.
    offers_rows, offer_domains, infos = [], [], {}
    active_volunteers = [v for v in volunteers if v.role == "volunteer" and v.end >= today]
    rng.shuffle(active_volunteers)
    n_vol = min(len(active_volunteers), int(n_offers * 0.4))
    n_reciprocal = max(2, n_offers // 6)
    base_start = today - horizon - 30

    def add_offer(created: int, room_index: int, person: _Person | None, volunteer: _Volunteer | None,
                  domains: list[int], lived: set[int], languages: str) -> None:
        oid = len(offers_rows) + 1
        capacity = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        avail = availability() or "ma-o,wo-m"
        offers_rows.append((oid, person.id if person else None, volunteer.id if volunteer else None,
                            b.room_ids[room_index], languages, avail, capacity, True, cal.utc(created, 11 * 3600)))
        offer_domains.extend((oid, d, d in lived) for d in domains)
        infos[oid] = OfferInfo(oid, "", person.id if person else None, volunteer.id if volunteer else None,
                               domains, [str(d) for d in domains], [str(d) for d in domains if d in lived],
                               [x for x in languages.split(",") if x], parse_availability(avail),
                               capacity, 0)

    for v in active_volunteers[:n_vol]:
        domains = sorted(set(_choice(rng, concern_ids, b.concern_cum) for _ in range(rng.randint(1, 3))))
        guess = "nl" + rng.choice(("", "", ",en", ",en,pap", ",tw,en", ",ar", ",tr", ",srn"))
        languages = v.speaks or guess  # the languages of their volunteer profile
        v.offer_domains = domains  # they are skills of the profile too
        add_offer(base_start + rng.randint(-60, 0), v.room, None, v, domains,
                  {d for d in domains if rng.random() < 0.15}, languages)
    helpers = pool[:max(0, n_offers - n_vol - n_reciprocal)]
    pool = pool[len(helpers):]
    for p in helpers:
        domains = concerns(p, 3)
        add_offer(base_start + rng.randint(-60, 0), p.household.home, p, None, domains,
                  {d for d in domains if rng.random() < 0.6}, p.languages or "nl")
    base_offers = list(infos.values())
    by_domain: dict[int, list[OfferInfo]] = {}
    for o in base_offers:
        for d in o.domain_ids:
            by_domain.setdefault(d, []).append(o)

    # Match histories: one request per helped resident, one match each.
    request_rows, request_domains, match_rows = [], [], []
    busy: dict[int, int] = {}
    ended_well: list[tuple[_Person, int]] = []
    continued: set[tuple[int, int]] = set()
    coordinator_id = min(v.id for v in volunteers if v.role == "coordinator") if any(
        v.role == "coordinator" for v in volunteers) else 1

    def add_request(p: _Person, created: int, status: str, urgency: int | None = None) -> RequestInfo:
        rid = len(request_rows) + 1
        domains = concerns(p, 2)
        avail = availability()
        urgency = urgency or rng.choices((1, 2, 3), (70, 20, 10))[0]
        request_rows.append((rid, p.id, b.room_ids[p.household.home], describe(domains), p.languages or "nl",
                             avail, urgency, None, status, when(created), coordinator_id))
        request_domains.extend((rid, d) for d in domains)
        return RequestInfo(rid, p.id, "", domains, [], "", [x for x in (p.languages or "nl").split(",") if x],
                           parse_availability(avail), urgency, status, when(created))

    def add_match(req: RequestInfo, offer: OfferInfo, status: str, proposed: int, started: int | None,
                  ended: int | None, outcome: str, follow: dt.date | None) -> None:
        raw = scoring.raw_reasons(req, offer, weights, continued)
        match_rows.append((len(match_rows) + 1, req.id, offer.id, status, sum(x[2] for x in raw), json.dumps(raw),
                           when(proposed), when(started) if started is not None else None,
                           when(ended) if ended is not None else None, outcome,
                           coordinator_id if started is not None else None, follow))

    helped.sort(key=lambda p: p.id)
    for p in helped:
        start = today - rng.randint(3, horizon)
        created = start - rng.randint(1, 21)
        active = start > today - 150 and rng.random() < 0.55
        req = add_request(p, created, "matched" if active else "closed")
        options = [o for d in req.domain_ids for o in by_domain.get(d, ())]
        if active:
            options = [o for o in options if busy.get(o.id, 0) < o.capacity]
        if not options:
            request_rows[-1] = request_rows[-1][:8] + ("open",) + request_rows[-1][9:]
            continue
        offer = rng.choice(options)
        if active:
            busy[offer.id] = busy.get(offer.id, 0) + 1
            follow = start + follow_first
            while follow < today - rng.randint(0, 20):
                follow += follow_every
            add_match(req, offer, "actief", start - 1, start, None, "", cal.date(follow))
        else:
            ended = min(today - 1, start + rng.randint(20, 160))
            good = rng.random() < 0.75
            add_match(req, offer, "afgerond" if good else "gestopt", start - 1, start, ended,
                      rng.choice(_MATCH_DONE if good else _MATCH_STOPPED), None)
            if good:
                continued.add((p.id, offer.id))
                ended_well.append((p, ended))

    # Reciprocity: residents who were helped and now help others themselves.
    rng.shuffle(ended_well)
    for p, ended in ended_well[:n_reciprocal]:
        if p.id in {row[1] for row in offers_rows}:
            continue
        domains = concerns(p, 2)
        add_offer(min(today, ended + rng.randint(7, 60)), p.household.home, p, None, domains,
                  set(domains), p.languages or "nl")

    # Open requests of the last two months; some by residents who were helped before (continuity).
    returning = [p for p, _ in ended_well[n_reciprocal:]][: n_open // 10]
    taken = {row[1] for row in request_rows if row[8] == "matched"}
    openers = [p for p in returning if p.id not in taken] + pool[:n_open - len(returning)]
    open_requests = [add_request(p, today - rng.randint(0, 60), "open") for p in openers[:n_open]]
    # A few proposals wait for the coordinator's confirmation.
    for req in open_requests[: max(3, n_open // 25)]:
        options = [o for d in req.domain_ids for o in by_domain.get(d, ()) if busy.get(o.id, 0) < o.capacity]
        if options:
            offer = rng.choice(options)
            busy[offer.id] = busy.get(offer.id, 0) + 1
            add_match(req, offer, "voorgesteld", today - rng.randint(0, 3), None, None, "", None)

    _insert(HelpOffer, [HelpOffer.id, HelpOffer.person, HelpOffer.account, HelpOffer.room, HelpOffer.languages,
                        HelpOffer.availability, HelpOffer.capacity, HelpOffer.active, HelpOffer.created_at],
            offers_rows)
    _insert(HelpOfferDomain, [HelpOfferDomain.offer, HelpOfferDomain.domain, HelpOfferDomain.lived_experience],
            offer_domains)
    _insert(HelpRequest, [HelpRequest.id, HelpRequest.person, HelpRequest.room, HelpRequest.description,
                          HelpRequest.languages, HelpRequest.availability, HelpRequest.urgency,
                          HelpRequest.preferred_offer, HelpRequest.status, HelpRequest.created_at,
                          HelpRequest.created_by], request_rows)
    _insert(HelpRequestDomain, [HelpRequestDomain.request, HelpRequestDomain.domain], request_domains)
    _insert(Match, [Match.id, Match.request, Match.offer, Match.status, Match.score, Match.reasons,
                    Match.proposed_at, Match.started_at, Match.ended_at, Match.outcome, Match.confirmed_by,
                    Match.next_follow_up], match_rows)
    db = database.obj
    if not is_sqlite(db):
        for model in (HelpOffer, HelpRequest, Match):
            table = model._meta.table_name
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
    b.progress(f"demo: {len(offers_rows)} help offers, {len(request_rows)} help requests, {len(match_rows)} matches")
