"""F2 without traps (issue 15): nothing done to the wrong person, undo, focus back, on the small demo."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.visitors import VisitorsScreen
from bwk_tui.ui.screens.visitors.person_page import PersonScreen
from db.models import Person, Visit, WalkIn

from tests.ui.test_visitors import open_f2, returning_visitor_with_unique_prefix

SIZE = (80, 24)


@pytest.fixture
def demo_desk(demo_copy):
    return demo_copy(3, "small")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def in_person_with_unique_prefix(not_first: bool = True):
    """Someone in now whom 3 letters of their first name put first in the desk's search, and who
    is not the top row of 'Nu binnen' (the person the old Ctrl+U checked out)."""
    in_now = visits.who_is_in()
    ids = [row.person_id for row in in_now]
    for row in in_now[1:] if not_first else in_now:
        person = Person.get_by_id(row.person_id)
        prefix = person.first_name[:3]
        if len(prefix) == 3 and persons.search(prefix, first=ids)[0].id == person.id:
            return row, prefix, in_now[0]
    raise AssertionError("the demo has nobody suitable in now")


def is_in(visit_id: int) -> bool:
    return Visit.get_by_id(visit_id).left_at is None


async def test_check_out_of_a_searched_person_takes_four_keys_and_names_them_first(demo_desk):
    row, prefix, top = in_person_with_unique_prefix()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        for key in prefix:
            await pilot.press(key)
        await pilot.pause()
        # Before the key is pressed the desk says on whom it acts.
        assert row.name in text_of(app, "#desk-target") and "^U" in text_of(app, "#desk-target")
        await pilot.press("ctrl+u")
        await pilot.pause()
        status = text_of(app, "#desk-status")
        assert f"{row.name} is uitgecheckt om" in status and "Ctrl+Z maakt ongedaan" in status
    assert not is_in(row.visit_id)
    assert is_in(top.visit_id)  # the top of "Nu binnen" was not touched


async def test_ctrl_u_on_someone_who_is_not_in_checks_out_nobody(demo_desk):
    person, prefix = returning_visitor_with_unique_prefix()
    before = len(visits.who_is_in())
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "ctrl+u")
        await pilot.pause()
        assert "is niet binnen" in text_of(app, "#desk-status")
    assert len(visits.who_is_in()) == before


async def test_nu_binnen_is_narrowed_by_the_search_and_ctrl_u_there_acts_on_its_highlight(demo_desk):
    in_now = visits.who_is_in()
    second = in_now[1]
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*second.name.split()[0][:4])
        await pilot.pause()
        table = app.screen.query_one("#in-now", DataTable)
        shown = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert second.name in shown and len(shown) < len(in_now)
        # All of "Nu binnen" again, the highlight still on the person found; Tab goes there.
        await pilot.press("escape", "tab")
        await pilot.pause()
        assert app.focused is table
        assert second.name in text_of(app, "#desk-target")
        await pilot.press("ctrl+u")
        await pilot.pause()
    assert not is_in(second.visit_id) and is_in(in_now[0].visit_id)


async def test_ctrl_z_takes_back_a_check_out_a_check_in_and_a_walk_in(demo_desk):
    row, prefix, _ = in_person_with_unique_prefix()
    person, visitor_prefix = returning_visitor_with_unique_prefix()
    walk_ins = WalkIn.select().count()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "ctrl+u")
        await pilot.pause()
        assert not is_in(row.visit_id)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert is_in(row.visit_id)
        assert f"{row.name} is weer binnen" in text_of(app, "#desk-status")

        await pilot.press("escape", *visitor_prefix, "enter", "enter")
        await pilot.pause()
        name = persons.detail(person.id).name
        status = text_of(app, "#desk-status")
        assert f"{name} ingecheckt om" in status and "Ctrl+Z" in status
        assert visits.open_visit_id(person.id) is not None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert visits.open_visit_id(person.id) is None
        assert not Visit.select().where(Visit.person == person.id, Visit.visit_date == clock.today()).exists()

        await pilot.press("f7")
        await pilot.pause()
        assert WalkIn.select().count() == walk_ins + 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert WalkIn.select().count() == walk_ins
        await pilot.press("ctrl+z")  # only the last action, once
        await pilot.pause()
        assert "niets (meer) om ongedaan te maken" in text_of(app, "#desk-status")
    assert WalkIn.select().count() == walk_ins


async def test_after_the_person_page_closes_typing_goes_to_the_search_box(demo_desk):
    person, prefix = returning_visitor_with_unique_prefix()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press("escape", *"Jesm")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "Jesm"
        # A dialog put away with Escape gives the search box back as well.
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#search", Input)


# Textual's own English, as its command palette, system commands and Keys panel write it.
TEXTUAL_ENGLISH = ("Search for commands", "No matches found", "Quit the application", "Keys", "Theme",
                   "Maximize", "Minimize", "Screenshot", "Change the current theme", "Show help for the focused",
                   "Cursor up", "Focus Next", "Focus Previous", "Exit the command palette")


def palette_texts(app) -> list[str]:
    from textual.command import CommandInput, CommandList

    palette = app.screen
    commands = palette.query_one(CommandList)
    texts = [str(palette.query_one(CommandInput).placeholder)]
    for index in range(commands.option_count):
        prompt = commands.get_option_at_index(index).prompt
        texts.append(prompt.plain if hasattr(prompt, "plain") else str(prompt))
    return texts


async def test_the_command_palette_speaks_dutch_and_escape_closes_every_panel(demo_desk):
    from textual.command import CommandPalette

    from bwk_tui.ui.screens.help import HelpModal

    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        shown = palette_texts(app)
        assert "Zoek een opdracht…" in shown
        assert any("Open Bezoekers" in text for text in shown)
        assert any("Toetsen en hulp" in text for text in shown) and any("Stoppen" in text for text in shown)
        await pilot.press(*"zzq")
        await pilot.pause(0.8)  # Textual waits half a second before it says nothing matched
        shown += palette_texts(app)
        assert any("Geen opdracht gevonden" in text for text in shown)
        english = [word for word in TEXTUAL_ENGLISH for text in shown if word in text]
        assert english == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)

        await pilot.press("ctrl+p", *"toets")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HelpModal)  # the Keys panel is F1's Dutch help
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
        assert app.focused is app.screen.query_one("#search", Input)
        app.action_show_help_panel()  # Textual's own way to the Keys panel lands there too
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_a_new_visitor_is_registered_and_checked_in_with_the_name_and_at_most_15_keys(demo_desk):
    from bwk_tui.ui.screens.visitors.person_form import PersonModal

    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*"Adwoa van der Qua")
        await pilot.pause()
        keys = ["enter", *"1104", "tab", *"tw", "tab", "space", "enter", "enter"]
        assert len(keys) <= 15
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            if key == "enter" and isinstance(app.screen, PersonModal):
                form = app.screen  # the name was split, the volunteer can still correct it
                assert form.field("first_name").value == "Adwoa"
                assert form.field("last_name").value == "van der Qua"
        assert isinstance(app.screen, VisitorsScreen)
        assert "Adwoa van der Qua ingecheckt om" in text_of(app, "#desk-status")
    person = Person.get(Person.first_name == "Adwoa", Person.last_name == "van der Qua")
    assert person.pc4 == 1104 and person.consent_date == clock.today() and "tw" in person.languages
    assert visits.open_visit_id(person.id) is not None


async def test_enter_saves_from_any_field_never_untick_consent_and_a_refusal_selects_the_wrong_field(demo_desk):
    from bwk_tui.ui.screens.visitors.person_form import PersonModal

    count = Person.select().count()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*"Yaa Qwerty", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonModal) and app.focused is form.field("pc4")
        await pilot.press(*"11", "tab", "tab", "space")  # consent ticked with Space
        assert form.field("consent").value is True
        await pilot.press("enter")  # Enter on the box saves (and is refused): the tick stays
        await pilot.pause()
        assert app.screen is form and form.field("consent").value is True
        assert "vier cijfers" in text_of(app, "#form-error")
        pc4 = form.field("pc4")
        assert app.focused is pc4 and pc4.selected_text == "11"  # typing replaces what was wrong
        assert Person.select().count() == count
        await pilot.press(*"1103", "enter")  # and Enter in the field saves again
        await pilot.pause()
        assert not isinstance(app.screen, PersonModal)
    person = Person.get(Person.first_name == "Yaa", Person.last_name == "Qwerty")
    assert person.pc4 == 1103


async def test_the_person_page_shows_the_household_size_that_was_entered(demo_desk):
    from bwk_tui.ui.screens.visitors.person_form import PersonModal

    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*"Akua Qwerty", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonModal)
        form.field("household_size").focus()
        await pilot.press("4")
        form.field("pc4").focus()
        await pilot.press(*"1102", "tab", "tab", "space", "enter")
        await pilot.pause()
        await pilot.press("escape")  # no visit now
        await pilot.pause()
        await pilot.press(*"Akua Qw", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert "4 pers., 1 geregistreerd" in text_of(app, "#person-details")


async def test_a_visit_of_a_closed_day_is_shown_read_only(demo_desk):
    import datetime as dt

    from bwk_tui.services.cash import cash
    from bwk_tui.ui.screens.visitors.checkin import CheckInModal
    from db.models import VisitDomain

    old = (Visit.select().where(Visit.visit_date < clock.today() - dt.timedelta(days=1))
           .order_by(Visit.visit_date.desc()).first())
    assert cash.is_closed(old.visit_date)  # the demo closed its earlier days
    domains = sorted(vd.domain_id for vd in VisitDomain.select().where(VisitDomain.visit == old.id))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        app.screen.hits = [persons.PersonHit(old.person_id, "x", None, None, None)]
        await pilot.press("ctrl+o")
        await pilot.pause()
        page = app.screen
        table = page.query_one("#person-visits", DataTable)
        table.move_cursor(row=table.get_row_index(str(old.id)))
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CheckInModal) and modal.read_only
        assert "afgesloten" in text_of(app, "#day-closed")
        assert not modal.query_one("#save").display and modal.field("domains").disabled
        await pilot.press("space", "enter")  # nothing to tick; Enter on Annuleren puts it away
        await pilot.pause()
        assert app.screen is page
        with pytest.raises(BwkError):  # even a save that got through is refused
            modal.save()
    assert sorted(vd.domain_id for vd in VisitDomain.select().where(VisitDomain.visit == old.id)) == domains


async def test_a_follow_up_typed_as_do_shows_the_understood_date_and_is_saved(demo_desk):
    import datetime as dt

    from bwk_tui.ui.screens.visitors.checkin import CheckInModal

    person, prefix = returning_visitor_with_unique_prefix()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        await pilot.press(*prefix, "enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CheckInModal)
        modal.field("follow_up").focus()
        await pilot.press(*"over 2 weken")
        await pilot.pause()
        due = clock.today() + dt.timedelta(days=14)
        assert text_of(app, "#field-follow_up_seen") == "= " + clock.day(due, "EEEE d MMMM yyyy")
        assert modal.field("follow_up").value == "over 2 weken"  # nothing typed was dropped
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitorsScreen)
    visit = Visit.get_by_id(visits.open_visit_id(person.id))
    assert visit.follow_up_date == due


async def test_the_theme_setting_starts_bwk_in_high_contrast_and_no_color_is_respected(demo_desk, monkeypatch):
    from bwk_tui.services.room import settings
    from bwk_tui.ui import themes

    settings.put("theme", "hoog-contrast")
    monkeypatch.setenv("NO_COLOR", "1")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == themes.HIGH_CONTRAST
        assert app.no_color  # Textual draws in monochrome: the marks and words carry the meaning
        await open_f2(app, pilot, demo_desk.coordinator_name, demo_desk.coordinator_pin)
        table = app.screen.query_one("#results", DataTable)
        marks = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "✓ binnen" in marks  # who is in reads without colour
        app.action_toggle_contrast()
        assert app.theme == themes.STANDARD


async def test_ctrl_t_on_the_login_screen_switches_to_high_contrast(demo_desk):
    from bwk_tui.ui import themes
    from bwk_tui.ui.screens.login import LoginScreen

    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == themes.HIGH_CONTRAST
        assert app.focused.id == "name"  # still typing the name
        await pilot.press("ctrl+t")
        assert app.theme == themes.STANDARD
