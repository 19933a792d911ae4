"""F2 Bezoekers as the front desk uses it, on the small demo database."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from bwk_tui.services.room import auth
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel import clock
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.visitors import VisitorsScreen
from bwk_tui.ui.screens.visitors.checkin import CheckInModal
from bwk_tui.ui.screens.visitors.person_form import PersonModal
from bwk_tui.ui.screens.visitors.person_page import PersonScreen
from bwk_tui.ui.widgets.confirm import ConfirmModal
from db.models import AuditLog, Person, Visit, VisitDomain, WalkIn

SIZE = (100, 32)


@pytest.fixture
def demo_desk(demo_copy):
    return demo_copy(3, "small")


async def open_f2(app, pilot, name: str, pin: str):
    await pilot.press(*name, "tab", *pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, VisitorsScreen)
    assert app.focused.id == "search"


def returning_visitor_with_unique_prefix():
    """A regular who is not in now and comes first in the list for the first 3 letters of their name."""
    in_now = {row.person_id for row in visits.who_is_in()}
    for person in (Person.select().where(Person.last_visit_date < clock.today(), Person.merged_into.is_null())
                   .order_by(Person.last_visit_date.desc())):
        prefix = person.first_name[:3]
        if len(prefix) == 3 and person.id not in in_now and persons.search(prefix, first=in_now)[0].id == person.id:
            return person, prefix
    raise AssertionError("the demo has no suitable returning visitor")


async def test_a_returning_visitor_is_checked_in_with_exactly_five_keystrokes(demo_desk):
    person, prefix = returning_visitor_with_unique_prefix()
    expected_domains = set(visits.last_domain_ids(person.id))
    before = Visit.select().where(Visit.person == person.id).count()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        keys = [*prefix, "enter", "enter"]
        assert len(keys) == 5
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
    visit = Visit.select().where(Visit.person == person.id).order_by(Visit.id.desc()).first()
    assert Visit.select().where(Visit.person == person.id).count() == before + 1
    assert visit.visit_date == clock.today() and visit.left_at is None
    assert {vd.domain_id for vd in VisitDomain.select().where(VisitDomain.visit == visit.id)} == expected_domains
    assert Person.get_by_id(person.id).last_visit_date == clock.today()


async def test_checking_in_someone_who_is_in_offers_their_visit(demo_desk):
    person, prefix = returning_visitor_with_unique_prefix()
    session = auth.login(demo_desk.coordinator_name, demo_desk.coordinator_pin)
    visit_id = visits.check_in(session, person.id, visits.VisitForm(domain_ids=visits.last_domain_ids(person.id)))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "al ingecheckt sinds" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInModal)
        assert app.screen.visit.id == visit_id
        await pilot.press("escape")
    assert Visit.select().where(Visit.person == person.id, Visit.visit_date == clock.today()).count() == 1


async def test_a_new_person_is_registered_from_the_search_box_and_checked_in(demo_desk):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*"Nana Yaw Qx")
        await pilot.pause()
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 1 and "nieuwe persoon: Nana Yaw Qx" in str(table.get_row_at(0)[0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonModal)
        assert app.screen.field("first_name").value == "Nana Yaw" and app.screen.field("last_name").value == "Qx"
        app.screen.field("pc4").focus()
        await pilot.press(*"1104")
        app.screen.field("consent").focus()
        await pilot.press("space")
        app.screen.query_one("#save").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInModal)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
    person = Person.get(Person.first_name == "Nana Yaw", Person.last_name == "Qx")
    assert person.pc4 == 1104 and person.household.pc4 == 1104 and person.consent_date == clock.today()
    assert Visit.select().where(Visit.person == person.id, Visit.visit_date == clock.today()).count() == 1


async def test_bad_input_in_the_person_form_is_named_and_nothing_is_saved(demo_desk):
    count = Person.select().count()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonModal)
        await pilot.press(*"Abena")
        form.field("pc4").focus()
        await pilot.press(*"11")
        form.field("consent").focus()
        await pilot.press("space")
        form.query_one("#save").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "vier cijfers" in str(form.query_one("#form-error", Static).render())
        assert form.field("pc4").has_class("-invalid") and app.focused is form.field("pc4")
        assert form.field("first_name").value == "Abena" and form.field("pc4").value == "11"
        form.field("household_code").value = "XXXXX"
        form.field("pc4").value = "1102"
        form.query_one("#save").focus()
        await pilot.pause(0.3)  # Textual ignores a button pressed again within its 0.2 s press effect
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert "XXXXX bestaat niet" in str(form.query_one("#form-error", Static).render())
    assert Person.select().count() == count


async def test_a_follow_up_in_the_past_is_refused_at_check_in(demo_desk):
    person, prefix = returning_visitor_with_unique_prefix()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "enter")
        await pilot.pause()
        modal = app.screen
        modal.field("follow_up").focus()
        await pilot.press(*"01-01-2020", "enter")
        await pilot.pause()
        assert app.screen is modal
        assert "vandaag of later" in str(modal.query_one("#form-error", Static).render())
        assert modal.field("follow_up").value == "01-01-2020"
    assert Visit.select().where(Visit.person == person.id, Visit.visit_date == clock.today()).count() == 0


async def test_walk_ins_and_check_out(demo_desk):
    walk_ins = WalkIn.select().count()
    in_now = len(visits.who_is_in())
    assert in_now > 0  # the demo has people in today
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press("f7")
        await pilot.pause()
        today = str(app.screen.query_one("#today", Static).render())
        assert "· 1 koffiebezoeker" in today and "koffiebezoekers" not in today  # one, singular
        await pilot.press("f7")
        await pilot.pause()
        assert "2 koffiebezoekers" in str(app.screen.query_one("#today", Static).render())
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert app.screen.query_one("#in-now", DataTable).row_count == in_now - 1
    assert WalkIn.select().count() == walk_ins + 2
    assert len(visits.who_is_in()) == in_now - 1


async def test_the_person_page_is_windowed_and_its_opening_is_audited(demo_desk):
    regular = (Person.select(Person, Visit.person).join(Visit).group_by(Person.id)
               .order_by(__import__("peewee").fn.COUNT(Visit.id).desc()).first())
    total = Visit.select().where(Visit.person == regular.id).count()
    assert total > 20
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        app.screen.hits = [h for h in persons.search("") if h.id == regular.id] or [
            persons.PersonHit(regular.id, regular.first_name, None, None, None)]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        table = app.screen.query_one("#person-visits", DataTable)
        assert table.row_count == 20  # one window, not every visit
        for _ in range(19):
            await pilot.press("down")
        await pilot.pause()
        assert table.row_count > 20  # the next window came when the cursor neared the end
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
    assert AuditLog.select().where(AuditLog.action == "person.view", AuditLog.entity_id == regular.id).count() == 1


async def test_locking_from_f2_leaves_no_visitor_data_on_the_stack(demo_desk):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*"a")
        await pilot.press("f12")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "LoginScreen"]
        assert not app.query("#results")


async def test_a_walk_in_or_check_in_on_a_signed_day_is_a_message_not_a_crash(sqlite_room):
    """Issue 14: after signing, F7 and a check-in are refused with the reason; nothing is counted."""
    from bwk_tui.services.closing import closing

    coordinator = sqlite_room["coordinator"]
    person = persons.register(coordinator, persons.PersonForm(first_name="Abena", pc4="1102", consent=True))
    closing.close(coordinator, {}, "", "246813")
    app = BwkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_f2(app, pilot, "Coby", "246813")
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
        shown = str(app.screen.query_one("#desk-status").render())  # the desk's own message line
        assert "is afgesloten" in shown, shown
        await pilot.press(*"abena", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInModal)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInModal)  # refused, the form stays with the message
    assert WalkIn.select().count() == 0
    assert Visit.select().where(Visit.person == person.id).count() == 0
