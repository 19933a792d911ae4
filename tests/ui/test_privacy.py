"""The person page's privacy keys (issue 13), pressed as a coordinator would: ^L inzage, ^X forget
with its confirmation, ^W withdraw consent; a volunteer is refused; a refusal is said in words."""
from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from bwk_tui.services.kernel.text import FORGOTTEN_NAME
from bwk_tui.services.privacy import forget
from bwk_tui.services.room import auth
from bwk_tui.services.visitors import persons, visits
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.visitors.person_page import PersonScreen
from bwk_tui.ui.widgets.confirm import ConfirmModal
from db.models import AuditLog, Person, Visit

from tests.ui.test_visitors import SIZE, open_f2


@pytest.fixture
def demo_desk(demo_copy):
    return demo_copy(3, "small")


def _someone():
    ids = [p.id for p in Person.select(Person.id).join(Visit).where(Person.merged_into.is_null(),
                                                                     Visit.note.is_null(False))
           .group_by(Person.id).order_by(Person.id)]
    return next(i for i in ids if forget.refusal(i) is None)


async def _open_page(app, pilot, summary, person_id, name=None, pin=None):
    await open_f2(app, pilot, name or summary.coordinator_name, pin or summary.coordinator_pin)
    app.screen.hits = [persons.PersonHit(person_id, "x", None, None, None)]
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(app.screen, PersonScreen)


def _text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_coordinator_forgets_a_person_after_the_confirmation(demo_desk):
    person_id = _someone()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open_page(app, pilot, demo_desk, person_id)
        assert "^X vergeten" in _text(app.screen, "#person-privacy")
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = _text(app.screen, "#question")
        assert "Dit gaat weg" in question and "Dit blijft" in question
        await pilot.press("escape")  # no: nothing happens
        await pilot.pause()
        assert Person.get_by_id(person_id).forgotten_at is None
        await pilot.press("ctrl+x")
        await pilot.pause()
        await pilot.press("enter")  # "Ja, vergeten" has the focus
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert "vergeten op" in _text(app.screen, "#person-privacy")
        assert "(vergeten)" in _text(app.screen, "#person-details")
    person = Person.get_by_id(person_id)
    assert person.forgotten_at is not None and person.first_name == FORGOTTEN_NAME
    assert Visit.select().where(Visit.person == person_id, Visit.note.is_null(False)).count() == 0


async def test_withdrawing_consent_from_the_page(demo_desk):
    person_id = _someone()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open_page(app, pilot, demo_desk, person_id)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert "trekt de toestemming in" in _text(app.screen, "#question")
        await pilot.press("enter")
        await pilot.pause()
    person = Person.get_by_id(person_id)
    assert person.consent_withdrawn_on is not None and person.forgotten_at is not None


async def test_inzage_from_the_page_writes_md_and_json(demo_desk, tmp_path):
    person_id = _someone()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open_page(app, pilot, demo_desk, person_id)
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Inzage staat in" in str(n.message) for n in app._notifications)
    from bwk_tui.services.privacy import inzage

    md = inzage.default_path(person_id, "md")
    data = json.loads(md.with_suffix(".json").read_text())
    assert data["person"]["id"] == person_id and data["visits"]
    assert "## Bezoeken" in md.read_text()
    assert AuditLog.select().where(AuditLog.action == "privacy.inzage", AuditLog.entity_id == person_id).count() == 2


async def test_a_person_who_is_in_is_not_forgotten_and_the_reason_is_said(demo_desk):
    person_id = _someone()
    session = auth.login(demo_desk.coordinator_name, demo_desk.coordinator_pin)
    visits.check_in(session, person_id, visits.VisitForm(domain_ids=visits.last_domain_ids(person_id)))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open_page(app, pilot, demo_desk, person_id)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)  # no question: refused at once
        assert any("nu binnen" in str(n.message) for n in app._notifications)
    assert Person.get_by_id(person_id).forgotten_at is None


async def test_a_volunteer_cannot_forget(demo_desk):
    person_id = _someone()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open_page(app, pilot, demo_desk, person_id, demo_desk.volunteer_name, demo_desk.volunteer_pin)
        assert not app.screen.query_one("#person-privacy", Static).display
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
    assert Person.get_by_id(person_id).forgotten_at is None


async def test_the_cash_form_warns_when_a_description_names_a_registered_person(sqlite_room):
    from db.models import CashEntry

    from tests.ui.test_cash import book, open_cash, text_of
    from bwk_tui.ui.screens.cash.forms import EntryModal

    persons.register(sqlite_room["coordinator"], persons.PersonForm(first_name="Zyxqwertine", consent=True))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_cash(app, pilot, "vera", "135724")
        await book(pilot, app, "plus", "5", "koffie van zyxqwertine")
        assert isinstance(app.screen, EntryModal)  # not booked: asked first
        assert "zyxqwertine" in text_of(app.screen, "#form-error") and "nooit" in text_of(app.screen, "#form-error")
        assert CashEntry.select().count() == 0
        await pilot.press("enter")  # the same text again: booked as it is
        await pilot.pause()
        assert not isinstance(app.screen, EntryModal)
        await book(pilot, app, "plus", "3", "koffiepot")  # no name: no question
        assert not isinstance(app.screen, EntryModal)
    assert CashEntry.select().count() == 2


async def test_f4_shows_the_help_request_description_and_edits_it(sqlite_room):
    from bwk_tui.services.matching import requests as matching_requests
    from db.models import AuditLog, HelpRequest

    from tests.ui.test_matching import SIZE as F4_SIZE, helpers_and_a_request, open_matching, text_of

    data = helpers_and_a_request(sqlite_room)
    matching_requests.edit_description(sqlite_room["coordinator"], data["request"].id, "Brief van de deurwaarder")
    app = BwkApp()
    async with app.run_test(size=F4_SIZE) as pilot:
        screen = await open_matching(app, pilot, "vera", "135724")
        assert "Brief van de deurwaarder" in text_of(screen, "#request-description")
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#field-description")
        assert field.value == "Brief van de deurwaarder"
        field.value = ""
        await pilot.press(*"Mee naar de schuldhulp", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert "Mee naar de schuldhulp" in text_of(screen, "#request-description")
    assert HelpRequest.get_by_id(data["request"].id).description == "Mee naar de schuldhulp"
    edits = AuditLog.select().where(AuditLog.action == "help_request.edit")
    assert edits.count() == 2 and all("schuldhulp" not in row.detail and "deurwaarder" not in row.detail for row in edits)
