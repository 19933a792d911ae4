"""Peer support (issue 6): explained scores, the shortlist, the lifecycle of a match, refusals,
follow-ups and reciprocity. Every test runs on SQLite and on PostgreSQL (the ``room`` fixture).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from db.models import AuditLog, HelpDomain, HelpOffer, HelpRequest, Match

from bwk_tui.i18n import set_language
from bwk_tui.services.matching import scoring
from bwk_tui.services.matching import matches
from bwk_tui.services.matching import figures
from bwk_tui.services.matching import requests
from bwk_tui.services.visitors import persons
from bwk_tui.services.room import settings
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed
from bwk_tui.services.matching.requests import OfferForm, RequestForm
from bwk_tui.services.visitors.persons import PersonForm

TODAY = dt.date(2026, 6, 10)
NOON = dt.datetime(2026, 6, 10, 10, 0)


@pytest.fixture
def clock(clock):
    return clock.set(TODAY, NOON)


@pytest.fixture
def boss(room):
    return room["coordinator"]


@pytest.fixture
def desk(room):
    return room["volunteer"]


@pytest.fixture
def dom(room):
    return {d.code: d.id for d in HelpDomain.select()}


def person(session, name, languages=""):
    return persons.register(session, PersonForm(first_name=name, pc4="1102", languages=languages, consent=True),
                            allow_duplicate=True).id


def ask(session, name, domains, languages="", availability="", urgency=1):
    return requests.create_request(session, RequestForm(person(session, name, languages), domains,
                                                        languages=languages, availability=availability,
                                                        urgency=urgency))


def helper(session, name, domains, capacity=1, lived=(), languages="", availability=""):
    return requests.create_offer(session, OfferForm(domains, capacity, person_id=person(session, name, languages),
                                                    lived_experience_ids=list(lived), languages=languages,
                                                    availability=availability))


def test_the_reasons_add_up_to_the_score(boss, dom, clock):
    req = ask(boss, "Akosua", [dom["schulden"], dom["wonen"]], "tw,nl", "ma-o,di-m,wo-a,do-o", urgency=3)
    off = helper(boss, "Kwame", [dom["schulden"]], lived=[dom["schulden"]], languages="tw", availability="ma-o,di-m")
    s = scoring.score(req.id, off.id)
    assert s.score == sum(r.points for r in s.reasons)
    points = {r.text: r.points for r in s.reasons}
    assert points["ervaringsdeskundig in schulden"] == 20
    assert points["spreekt Twi, net als de vraag"] == 20
    assert points["allebei maandagochtend en dinsdagmiddag vrij"] == 5  # 10 x 2/4
    assert points["dringend"] == 10  # 5 x (3 - 1), the word the list uses
    assert [r for r in s.reasons if r.text.startswith("domein")][0].points == 20  # 40 x 1/2
    assert s.score == 20 + 20 + 20 + 5 + 10
    assert s.remaining_capacity == 1


def test_weights_are_settings(boss, dom):
    settings.put("match_weight_domain", "100")
    req = ask(boss, "Ama", [dom["schulden"]])
    off = helper(boss, "Kofi", [dom["schulden"]])
    s = scoring.score(req.id, off.id)
    assert [r.points for r in s.reasons if r.text.startswith("domein")] == [100]
    assert s.score == sum(r.points for r in s.reasons)


def test_language_never_filters_and_the_reason_says_what_this_helper_speaks(boss, dom):
    req = ask(boss, "Semhar", [dom["wonen"]], "ti")
    arab = helper(boss, "Said", [dom["wonen"]], languages="ar,nl")
    short = scoring.shortlist(req.id)
    assert [s.offer_id for s in short] == [arab.id]
    texts = {r.text: r.points for r in short[0].reasons}
    assert texts["geen gemeenschappelijke taal; spreekt Arabisch en Nederlands"] == 0
    set_language("en")
    texts = [r.text for r in scoring.score(req.id, arab.id).reasons]
    assert "no language in common; speaks Arabic and Dutch" in texts


def test_a_request_without_languages_takes_the_persons_languages(boss, dom):
    pid = person(boss, "Yaw", "tw,en")
    req = requests.create_request(boss, RequestForm(pid, [dom["werk"]]))
    assert req.languages == ["tw", "en"]


def test_the_shortlist_is_ranked_and_only_feasible(boss, dom):
    req = ask(boss, "Abena", [dom["schulden"]], "tw", "ma-o")
    best = helper(boss, "Best", [dom["schulden"]], lived=[dom["schulden"]], languages="tw", availability="ma-o")
    middle = helper(boss, "Middle", [dom["schulden"]], languages="tw")
    low = helper(boss, "Low", [dom["schulden"]])
    helper(boss, "Elsewhere", [dom["wonen"]], languages="tw", availability="ma-o")  # no common domain
    short = scoring.shortlist(req.id)
    assert [s.offer_id for s in short] == [best.id, middle.id, low.id]
    assert [s.score for s in short] == sorted((s.score for s in short), reverse=True)
    assert len(scoring.shortlist(req.id, top=2)) == 2


def test_infeasible_pairs_score_none(boss, dom):
    req = ask(boss, "Esi", [dom["schulden"]])
    other = helper(boss, "Other", [dom["wonen"]])
    assert scoring.score(req.id, other.id) is None


def test_lifecycle_propose_confirm_follow_up_finish(boss, desk, dom, clock):
    req = ask(desk, "Efua", [dom["schulden"]], "nl")
    off = helper(boss, "Kojo", [dom["schulden"]], capacity=1, languages="nl")
    m = matches.propose(boss, req.id, off.id)
    assert m.status == "voorgesteld" and m.score == sum(r.points for r in m.reasons)
    assert req.id not in [r.id for r in requests.open_requests()]
    assert requests.offers()[0].remaining == 0  # a proposal holds the place
    m = matches.confirm(boss, m.id)
    assert m.status == "actief" and m.started_at == NOON
    assert m.next_follow_up == TODAY + dt.timedelta(days=14)
    assert matches.follow_ups_due() == []
    clock.set(TODAY + dt.timedelta(days=14))
    assert [x.id for x in matches.follow_ups_due()] == [m.id]
    m = matches.follow_up_done(desk, m.id)
    assert m.next_follow_up == TODAY + dt.timedelta(days=14 + 30)
    assert matches.follow_ups_due() == []
    m = matches.finish(boss, m.id, "schulden in beeld, regeling loopt")
    assert m.status == "afgerond" and m.outcome == "schulden in beeld, regeling loopt" and m.next_follow_up is None
    assert HelpRequest.get_by_id(req.id).status == "closed"
    assert requests.offers()[0].remaining == 1
    assert [x.id for x in matches.matches("afgerond")] == [m.id]
    actions = [a.action for a in AuditLog.select().where(AuditLog.entity == "match").order_by(AuditLog.id)]
    assert actions == ["match.propose", "match.confirm", "match.follow_up", "match.finish"]
    assert all("Efua" not in (a.detail or "") and "Kojo" not in (a.detail or "") for a in AuditLog.select())


def test_the_stored_reasons_are_keys_not_names(boss, dom):
    req = ask(boss, "Adwoa", [dom["schulden"]], "tw")
    off = helper(boss, "Kwesi", [dom["schulden"]], languages="tw")
    m = matches.propose(boss, req.id, off.id)
    raw = json.loads(Match.get_by_id(m.id).reasons)
    assert raw[0][0] == "match.reason_domain"
    set_language("en")
    assert "speaks Twi, as the request asks" in [r.text for r in matches.matches()[0].reasons]


def test_continuity_counts_after_a_good_match(boss, dom):
    pid = person(boss, "Yaa", "nl")
    off = helper(boss, "Nana", [dom["schulden"]], capacity=2, languages="nl")
    first = requests.create_request(boss, RequestForm(pid, [dom["schulden"]]))
    m = matches.confirm(boss, matches.propose(boss, first.id, off.id).id)
    second = requests.create_request(boss, RequestForm(pid, [dom["schulden"]]))
    assert "werkten eerder goed samen" not in [r.text for r in scoring.score(second.id, off.id).reasons]
    matches.finish(boss, m.id, "goed gegaan")
    s = scoring.score(second.id, off.id)
    assert {r.text: r.points for r in s.reasons}["werkten eerder goed samen"] == 10
    assert s.score == sum(r.points for r in s.reasons)


def test_a_stopped_match_gives_no_continuity(boss, dom):
    pid = person(boss, "Ama", "nl")
    off = helper(boss, "Prince", [dom["schulden"]], capacity=2)
    first = requests.create_request(boss, RequestForm(pid, [dom["schulden"]]))
    m = matches.confirm(boss, matches.propose(boss, first.id, off.id).id)
    matches.finish(boss, m.id, "klikte niet", stopped=True)
    assert matches.matches("gestopt")[0].id == m.id
    second = requests.create_request(boss, RequestForm(pid, [dom["schulden"]]))
    assert "werkten eerder goed samen" not in [r.text for r in scoring.score(second.id, off.id).reasons]


def test_a_declined_proposal_keeps_the_request_open(boss, dom):
    req = ask(boss, "Gifty", [dom["schulden"]])
    off = helper(boss, "Isaac", [dom["schulden"]])
    m = matches.propose(boss, req.id, off.id)
    m = matches.finish(boss, m.id, "", stopped=True)
    assert m.status == "gestopt"
    assert req.id in [r.id for r in requests.open_requests()]
    assert requests.offers()[0].remaining == 1


def test_confirming_at_capacity_is_refused_and_nothing_changes(boss, dom):
    off = helper(boss, "Samuel", [dom["schulden"]], capacity=1)
    a, b = ask(boss, "A", [dom["schulden"]]), ask(boss, "B", [dom["schulden"]])
    first = matches.propose(boss, a.id, off.id)
    with pytest.raises(BwkError) as refused:
        matches.propose(boss, b.id, off.id)  # the proposal already holds the one place
    assert refused.value.key == "error.match_offer_full"
    # capacity lowered under an open proposal (by hand, as an old database could have it)
    HelpOffer.update(capacity=1).execute()
    matches.confirm(boss, first.id)
    second = Match.create(request=b.id, offer=off.id, status="voorgesteld", score=1, reasons="[]",
                          proposed_at=NOON)
    before = Match.select().where(Match.status == "actief").count()
    with pytest.raises(BwkError) as refused:
        matches.confirm(boss, second.id)
    assert refused.value.key == "error.match_offer_full"
    assert "Samuel" in refused.value.message()
    assert Match.get_by_id(second.id).status == "voorgesteld"
    assert Match.select().where(Match.status == "actief").count() == before
    assert HelpRequest.get_by_id(b.id).status == "open"


@pytest.mark.parametrize("capacity", [0, -1, "", "twee", "21"])
def test_a_bad_capacity_is_refused_and_nothing_saved(boss, dom, capacity):
    pid = person(boss, "Mercy")
    with pytest.raises(InvalidInput) as refused:
        requests.create_offer(boss, OfferForm([dom["schulden"]], capacity, person_id=pid))
    assert refused.value.field == "capacity"
    assert HelpOffer.select().count() == 0


def test_bad_requests_are_refused_and_nothing_saved(boss, dom):
    pid = person(boss, "Comfort")
    for form, field in [(RequestForm(pid, []), "domains"),
                        (RequestForm(pid, [dom["wonen"]], availability="maandag"), "availability"),
                        (RequestForm(pid, [dom["wonen"]], urgency=4), "urgency")]:
        with pytest.raises(InvalidInput) as refused:
            requests.create_request(boss, form)
        assert refused.value.field == field
    assert refused.value.message()
    assert HelpRequest.select().count() == 0


def test_an_offer_needs_exactly_one_helper_and_a_domain(boss, dom):
    pid = person(boss, "Grace")
    with pytest.raises(InvalidInput):
        requests.create_offer(boss, OfferForm([dom["wonen"]], 1))
    with pytest.raises(InvalidInput):
        requests.create_offer(boss, OfferForm([dom["wonen"]], 1, person_id=pid, account_id=boss.account_id))
    with pytest.raises(InvalidInput) as refused:
        requests.create_offer(boss, OfferForm([], 1, person_id=pid))
    assert refused.value.field == "domains"
    assert HelpOffer.select().count() == 0


def test_a_volunteers_offer_carries_the_account_name(boss, desk, dom):
    off = requests.create_offer(boss, OfferForm([dom["wonen"]], 2, account_id=desk.account_id))
    assert off.name == "Vera" and off.person_id is None and off.capacity == 2


def test_roles(boss, desk, dom):
    req = ask(desk, "Vida", [dom["wonen"]])  # volunteers take requests
    with pytest.raises(NotAllowed):
        requests.create_offer(desk, OfferForm([dom["wonen"]], 1, account_id=desk.account_id))
    off = helper(boss, "Beatrice", [dom["wonen"]])
    with pytest.raises(NotAllowed):
        matches.propose(desk, req.id, off.id)
    m = matches.propose(boss, req.id, off.id)
    with pytest.raises(NotAllowed):
        matches.confirm(desk, m.id)


def test_a_request_cannot_get_two_proposals(boss, dom):
    req = ask(boss, "Patience", [dom["wonen"]])
    one, two = helper(boss, "One", [dom["wonen"]]), helper(boss, "Two", [dom["wonen"]])
    matches.propose(boss, req.id, one.id)
    with pytest.raises(BwkError) as refused:
        matches.propose(boss, req.id, two.id)
    assert refused.value.key == "error.match_request_not_open"


def test_open_requests_most_urgent_then_oldest(boss, dom, clock):
    a = ask(boss, "Old", [dom["wonen"]], urgency=1)
    clock.set(TODAY + dt.timedelta(days=1))
    b = ask(boss, "Urgent", [dom["wonen"]], urgency=3)
    c = ask(boss, "New", [dom["wonen"]], urgency=1)
    assert [r.id for r in requests.open_requests()] == [b.id, a.id, c.id]


def test_reciprocity_counts_the_helped_who_now_help(boss, dom, clock):
    pid = person(boss, "Kwabena", "tw")
    req = requests.create_request(boss, RequestForm(pid, [dom["schulden"]]))
    off = helper(boss, "Helper", [dom["schulden"]])
    m = matches.confirm(boss, matches.propose(boss, req.id, off.id).id)
    matches.finish(boss, m.id, "rond")
    assert figures.reciprocity(TODAY, TODAY) == 0
    clock.set(TODAY + dt.timedelta(days=60))
    now_helps = requests.create_offer(boss, OfferForm([dom["schulden"]], 1, person_id=pid,
                                                      lived_experience_ids=[dom["schulden"]]))
    assert now_helps.was_helped
    assert not [o for o in requests.offers() if o.id == off.id][0].was_helped
    assert figures.reciprocity(TODAY, TODAY + dt.timedelta(days=60)) == 1
    assert figures.reciprocity(TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=1)) == 0


def test_propose_all_saves_nothing_and_respects_capacity(boss, dom):
    reqs = [ask(boss, f"R{i}", [dom["schulden"]]) for i in range(5)]
    off = helper(boss, "Two", [dom["schulden"]], capacity=2)
    proposal = scoring.propose_all(boss)
    assert len(proposal) == 2 and {p.offer_id for p in proposal} == {off.id}
    assert len({p.request_id for p in proposal}) == 2
    assert {p.request_id for p in proposal} <= {r.id for r in reqs}
    assert Match.select().count() == 0
    for p in proposal:
        assert p.score == sum(r.points for r in p.reasons)


def test_the_matrix_scores_equal_the_explained_scores(boss, dom):
    import itertools

    reqs = [ask(boss, "R1", [dom["schulden"], dom["wonen"]], "tw", "ma-o,di-a", urgency=2),
            ask(boss, "R2", [dom["wonen"]], "", ""),
            ask(boss, "R3", [dom["werk"], dom["schulden"], dom["wonen"]], "ar", "vr-m", urgency=3)]
    offs = [helper(boss, "O1", [dom["schulden"]], lived=[dom["schulden"]], languages="tw", availability="ma-o"),
            helper(boss, "O2", [dom["wonen"], dom["werk"]], capacity=3, languages="ar,nl", availability="vr-m,ma-o"),
            helper(boss, "O3", [dom["werk"]], lived=[dom["werk"]])]
    reqs, offs = requests.open_requests(), requests.offers()
    scores, feasible = scoring.score_matrix(reqs, offs)
    for (i, r), (j, o) in itertools.product(enumerate(reqs), enumerate(offs)):
        s = scoring.score(r.id, o.id)
        assert (s is not None) == bool(feasible[i, j])
        if s is not None:
            assert s.score == scores[i, j]


def test_the_demo_has_offers_requests_and_histories(db, coordinator_of):
    """`bwk demo` (small): ~30 offers, ~60 open requests, finished, stopped and active matches with
    follow-ups, residents who were helped and now help, and no offer beyond its capacity."""
    from bwk_tui.services.room import check
    from bwk_tui import demo

    now = dt.datetime(2026, 11, 25, 13, 0)
    demo.build_demo(seed=7, scale="small", now=now)
    offers = requests.offers()
    assert 25 <= len(offers) <= 40
    assert 50 <= len(requests.open_requests(limit=None)) <= 70
    statuses = {s: Match.select().where(Match.status == s).count()
                for s in ("voorgesteld", "actief", "afgerond", "gestopt")}
    assert all(statuses.values()), statuses
    assert all(o.active_matches <= o.capacity for o in offers)
    assert any(o.was_helped for o in offers)
    assert figures.reciprocity(dt.date(2020, 1, 1), now.date()) > 0
    assert all(m.next_follow_up is not None for m in matches.matches("actief", limit=None))
    assert matches.follow_ups_due(now.date())
    for m in matches.matches(limit=50):
        assert m.score == sum(r.points for r in m.reasons)
    assert scoring.propose_all(coordinator_of())
    assert all(f.ok for f in check.run_check())
