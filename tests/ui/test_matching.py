"""F4 Koppelingen as the desk uses it: a shortlist with its reasons, confirming a match, closing it,
the proposal for all, new requests and offers, and what a volunteer may not do."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from bwk_tui.i18n import t
from bwk_tui.services.matching.requests import ACTIVE, DONE
from bwk_tui.services.matching import scoring
from bwk_tui.services.matching import matches
from bwk_tui.services.matching import requests as matching_requests
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.matching.requests import OfferForm, RequestForm
from bwk_tui.services.visitors.persons import PersonForm
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.matching import MatchingScreen
from bwk_tui.ui.screens.matching.forms import FinishModal, OfferModal, RequestModal
from bwk_tui.ui.screens.matching.lists import MatchesScreen, ProposalScreen
from bwk_tui.ui.widgets.confirm import ConfirmModal

SIZE = (80, 24)


def plain(value) -> str:
    return str(value).replace("\xa0", " ")


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).render())


def rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[plain(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notified(app, text: str) -> bool:
    return any(text in plain(n.message) for n in app._notifications)


def domain_id(code: str) -> int:
    return next(d.id for d in visits.domains() if d.code == code)


def person(session, name: str, languages: str = "") -> int:
    return persons.register(session, PersonForm(first_name=name, pc4="1102", languages=languages,
                                                consent=True)).id


def helpers_and_a_request(room) -> dict:
    """Abena needs help with debts and speaks Twi; Kofi (Twi, been in debt) and Mira (Arabic) can help."""
    coby = room["coordinator"]
    debts = domain_id("schulden")
    abena = person(coby, "Abena", "tw")
    kofi = matching_requests.create_offer(coby, OfferForm(domain_ids=[debts], capacity=2, person_id=person(coby, "Kofi", "tw"),
                                                 lived_experience_ids=[debts], languages="tw, nl"))
    mira = matching_requests.create_offer(coby, OfferForm(domain_ids=[debts], capacity=1, person_id=person(coby, "Mira"),
                                                 languages="ar"))
    request = matching_requests.create_request(coby, RequestForm(person_id=abena, domain_ids=[debts], languages="tw",
                                                        urgency=3))
    return {"abena": abena, "kofi": kofi, "mira": mira, "request": request, "debts": debts}


async def open_matching(app, pilot, name: str, pin: str) -> MatchingScreen:
    await pilot.press(*name, "tab", *pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(app.screen, MatchingScreen)
    return app.screen


async def test_a_coordinator_finds_the_shortlist_confirms_a_match_and_closes_it(sqlite_room):
    data = helpers_and_a_request(sqlite_room)
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(app, pilot, "coby", "246813")
        assert text_of(screen, "#matching-due") == t("f4.due_none")
        [request] = rows(screen, "#requests")
        assert request[0] == "Abena" and request[1] == "schulden" and request[2] == t("f4.urgency_3")

        # The shortlist: Kofi (shared language, lived experience) above Mira, each score with its reasons.
        shortlist = rows(screen, "#shortlist")
        assert [row[0] for row in shortlist] == ["Kofi", "Mira"]
        best = scoring.shortlist(data["request"].id)[0]
        assert shortlist[0][1] == str(best.score) and best.score == sum(r.points for r in best.reasons)
        assert shortlist[0][2] == "2"  # room left
        reasons = text_of(screen, "#shortlist-reasons")
        assert reasons.startswith(f"Kofi: {best.score} = ")
        assert all(f"{r.points:+d} {r.text}" in reasons for r in best.reasons)
        assert "Abena" in text_of(screen, "#shortlist-title")

        # Enter on the request goes to its helpers; Enter on Kofi asks, with the score and reasons.
        await pilot.press("enter")
        assert screen.query_one("#shortlist", DataTable).has_focus
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = plain(app.screen.query_one("#question", Static).render())
        assert "Abena" in question and "Kofi" in question and str(best.score) in question
        assert all(r.text in question for r in best.reasons)
        assert matches.matches() == []  # nothing is matched before a person decides
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        [match] = matches.matches(ACTIVE)
        assert (match.person_name, match.offer_name, match.score) == ("Abena", "Kofi", best.score)
        assert notified(app, "Abena is gekoppeld aan Kofi")
        assert rows(screen, "#requests") == [] and screen.query_one("#requests-empty").display

        # l: the matches with their next check-in; a closes the match with an outcome.
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, MatchesScreen)
        matches_screen = app.screen
        [row] = rows(matches_screen, "#matches")
        assert row[0] == "Abena" and row[1] == "Kofi" and row[2] == t("f4.status_actief") and row[4]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FinishModal)
        await pilot.press("enter")  # no outcome: refused, the form stays
        await pilot.pause()
        assert isinstance(app.screen, FinishModal)
        assert app.screen.query_one("#form-error", Static).render()
        assert matches.matches(ACTIVE)
        await pilot.press(*"schuldhulp loopt")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is matches_screen
        [done] = matches.matches(DONE)
        assert done.outcome == "schuldhulp loopt" and done.ended_at is not None
        assert rows(matches_screen, "#matches") == []
        assert notified(app, t("f4.status_afgerond"))

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_volunteer_sees_the_shortlist_but_may_not_confirm(sqlite_room):
    helpers_and_a_request(sqlite_room)
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(app, pilot, "vera", "135724")
        assert text_of(screen, ".key-hint") == t("f4.keys_volunteer")
        assert [row[0] for row in rows(screen, "#shortlist")] == ["Kofi", "Mira"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.screen is screen  # no question: the answer would be no
        assert notified(app, t("error.coordinator_only"))
        assert matches.matches() == []

        await pilot.press("a")  # a help offer is the coordinator's too
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("v")  # the proposal names every resident with a request: coordinators only
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert matches.matches() == []


async def test_the_proposal_for_all_matches_one_pair_at_a_time(sqlite_room):
    data = helpers_and_a_request(sqlite_room)
    coby = sqlite_room["coordinator"]
    other = matching_requests.create_request(coby, RequestForm(person_id=person(coby, "Badu"), domain_ids=[data["debts"]]))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_matching(app, pilot, "coby", "246813")
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        proposal = app.screen
        assert isinstance(proposal, ProposalScreen)
        pairs = scoring.propose_all(coby)
        shown = rows(proposal, "#proposal")
        assert [(r[0], r[1], r[2]) for r in shown] == [(p.request_name, p.offer_name, str(p.score)) for p in pairs]
        assert {r[0] for r in shown} == {"Abena", "Badu"}
        assert str(sum(p.score for p in pairs)) in text_of(proposal, "#proposal-total")
        assert matches.matches() == []  # a proposal saves nothing

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # no: nothing happens
        await pilot.pause()
        assert app.screen is proposal and matches.matches() == []
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is proposal
        [match] = matches.matches(ACTIVE)
        assert (match.person_name, match.offer_name) == (pairs[0].request_name, pairs[0].offer_name)
        assert len(rows(proposal, "#proposal")) == 1

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MatchingScreen)
        assert [row[0] for row in rows(app.screen, "#requests")] == [
            r.person_name for r in matching_requests.open_requests()]
        assert len(matching_requests.open_requests()) == 1


async def test_a_new_request_needs_a_domain_and_then_shows_its_shortlist(sqlite_room):
    data = helpers_and_a_request(sqlite_room)
    coby = sqlite_room["coordinator"]
    yaw = person(coby, "Yaw")
    before = len(matching_requests.open_requests())
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(app, pilot, "vera", "135724")  # volunteers record requests too
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RequestModal)
        await pilot.press(*"yaw")
        await pilot.pause()
        assert form.chosen() == (yaw, None)  # the best match for the typed name is taken
        form.field("availability").focus()
        await pilot.press("space")  # the grid: Monday morning ticked
        await pilot.press("enter")  # no help domain ticked: refused, nothing saved
        await pilot.pause()
        assert app.screen is form
        assert plain(form.query_one("#form-error", Static).render()) == t("error.match_request_no_domain")
        assert form.field("domains").has_class("-invalid") and form.field("domains").has_focus
        assert len(matching_requests.open_requests()) == before

        domains = form.field("domains")
        index = next(i for i, d in enumerate(visits.domains()) if d.id == data["debts"])
        domains.highlighted = index
        await pilot.press("space")
        form.field("availability").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert notified(app, "Yaw")
        requests = matching_requests.open_requests()
        assert len(requests) == before + 1
        new = next(r for r in requests if r.person_name == "Yaw")
        assert new.domain_ids == [data["debts"]] and new.availability == frozenset({"ma-o"})
        # The new request is highlighted, its helpers below it.
        assert screen.highlighted_request().id == new.id
        assert [row[0] for row in rows(screen, "#shortlist")][:2] == [p.offer_name for p in
                                                                       scoring.shortlist(new.id)][:2]


async def test_an_offer_with_capacity_zero_is_refused(sqlite_room):
    data = helpers_and_a_request(sqlite_room)
    offers_before = len(matching_requests.offers())
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(app, pilot, "coby", "246813")
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OfferModal)
        form.field("person").value = next(value for label, value in form.volunteers if "Vera" in label)
        form.field("domains").select(data["debts"])
        form.field("capacity").value = "0"
        form.field("capacity").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert plain(form.query_one("#form-error", Static).render()) == t("error.match_capacity")
        assert form.field("capacity").has_class("-invalid")
        assert len(matching_requests.offers()) == offers_before

        form.field("capacity").value = "1"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert len(matching_requests.offers()) == offers_before + 1
        assert "Vera" in [row[0] for row in rows(screen, "#shortlist")]
