"""User text is text, never markup: hostile names on every screen, at 80x24, read as typed.

Names, notes, categories, domains, the room and the accounts are what a person typed; Textual
would read ``[/]`` or ``[@click=app.quit]`` in them as markup (a crash, or a click that quits).
Everything reaches the screen through bwk_tui.ui.widgets.plain.
"""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from bwk_tui.services import room
from bwk_tui.services.cash import cash
from bwk_tui.services.kernel import clock
from bwk_tui.services.matching import requests
from bwk_tui.services.room import auth
from bwk_tui.services.visitors import persons, visits
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.login import LoginScreen
from bwk_tui.ui.screens.visitors import VisitorsScreen
from bwk_tui.ui.screens.visitors.checkin import CheckInModal
from bwk_tui.ui.screens.visitors.person_page import PersonScreen
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.ui.widgets.plain import plain, visible

SIZE = (80, 24)

HOSTILE_PERSONS = [
    "Jan [/]",
    "[bold]Bo",
    "[@click=app.quit]x",
    "[link=x]y[/link]",
    "مريم حداد",  # Arabic, right to left
    "Zoe\u0308 Ngo\u0303",  # combining marks
    "Ama 👩🏾‍🦱",  # emoji with a skin tone and a zero-width joiner
    "Ctl\x1b[2Jx\x07",  # ESC and BEL: must not reach the terminal
]
LONG = "L" * 10_000  # no length rule for a domain or category name


def screen_text(app) -> str:
    """What the terminal shows now: every line of the composed screen, toasts included."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_text(app) -> str:
    """What the current screen's Statics and Labels render, also those scrolled out of view."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def shown(app) -> str:
    text = (screen_text(app) + "\n" + widget_text(app)).replace("\xa0", " ")
    assert not any(c in text for c in "\x1b\x07\x00"), "a control character reached the screen"
    return text


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.05)


@pytest.fixture
def hostile_room(sqlite_db, clock):
    room.set_up("[/]Kamer [bold]", "Coby", "246813")
    boss = auth.login("Coby", "246813")
    auth.create_account(boss, "[@click=app.quit]Vera", "volunteer", "135724")
    domain = visits.add_domain(boss, "[@click=app.quit]schulden")
    visits.add_domain(boss, LONG)
    category = cash.add_category(boss, "[link=x]koffie[/link]", "both")
    cash.add_category(boss, "K" * 10_000, "both")
    ids = {}
    for name in HOSTILE_PERSONS:
        ids[name] = persons.register(boss, persons.PersonForm(first_name=name, pc4="1102", consent=True),
                                     allow_duplicate=True).id
    jan = ids["Jan [/]"]
    visits.check_in(boss, jan, visits.VisitForm(domain_ids=[domain.id], note="[/] notitie [bold]\x1b]0;x\x07"))
    visits.check_in(boss, ids["[@click=app.quit]x"], visits.VisitForm(domain_ids=[domain.id]))
    cash.add_entry(boss, "in", "20,00", category.id, "[@click=app.quit]gift [/]")
    requests.create_request(boss, requests.RequestForm(person_id=ids["[bold]Bo"], domain_ids=[domain.id],
                                                       description="[/]hulp bij [link=x]brief[/link]"))
    return {"ids": ids, "domain": domain}


async def test_hostile_text_reads_as_typed_on_every_screen(hostile_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "[/]Kamer [bold]" in shown(app)  # the room name on the login screen
        await pilot.press(*"[/]", "tab", *"0000", "enter")  # a hostile name typed at login
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        await pilot.press("escape")
        name = app.screen.query_one("#name", Input)
        name.value = ""
        name.focus()
        await pilot.press(*"Coby", "tab", *"246813", "enter")
        await settle(app, pilot)
        assert app.session is not None and "[/]Kamer [bold]" in shown(app)

        # F2: who is in now shows Jan [/] and [@click=app.quit]x as they were typed.
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorsScreen)
        text = shown(app)
        assert "Jan [/]" in text and "[@click=app.quit]x" in text
        # Clicking the name does what clicking a name does, never app.quit.
        await pilot.click(DataTable, offset=(4, 1))
        await settle(app, pilot)
        assert app.is_running
        if isinstance(app.screen, ConfirmModal):  # the click asks to check someone out
            assert "Jan [/]" in shown(app)
            await pilot.press("escape")
            await settle(app, pilot)
        # Typing markup in the search box is a search, not a crash.
        app.screen.query_one("#search", Input).focus()
        for query in ("[/]", "[bold]", "[@click=app.quit]", "[link=x]", "Ctl"):
            await pilot.press("escape", *query)
            await settle(app, pilot)
            assert app.is_running
        await pilot.press("escape", *"Jan [")
        await settle(app, pilot)
        assert "Jan [/]" in shown(app)
        await pilot.press("enter")  # Jan is in: the check-in of someone already in
        await settle(app, pilot)
        assert "Jan [/]" in shown(app)
        await pilot.press("escape")
        await settle(app, pilot)

        # Each hostile person: check-in modal and person page.
        for name in HOSTILE_PERSONS:
            if not app.screen.query("#search"):
                await pilot.press("f2")
                await settle(app, pilot)
            app.screen.query_one("#search", Input).focus()
            await pilot.press("escape")
            # what can be typed of the name (ESC and BEL cannot)
            app.screen.query_one("#search", Input).value = name if name.isprintable() else name[:3]
            await settle(app, pilot)
            assert visible(name, multiline=False)[:20] in shown(app), name
            await pilot.press("enter")
            await settle(app, pilot)
            if isinstance(app.screen, CheckInModal):
                assert visible(name)[:20] in shown(app), name
                assert "[@click=app.quit]schulden" in shown(app)
                await pilot.press("escape")
                await settle(app, pilot)
            else:
                await pilot.press("escape")
                await settle(app, pilot)
            await pilot.press("ctrl+o")
            await settle(app, pilot)
            assert isinstance(app.screen, PersonScreen), name
            assert visible(name)[:20] in shown(app), name
            await pilot.press("escape")
            await settle(app, pilot)
        # The note on Jan's page.
        app.screen.query_one("#search", Input).value = "Jan ["
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        text = shown(app)
        assert "[b]" not in text and "Jan [/]  ·" in text
        assert "[/] not" in text  # the note, cut to its column
        # A check-out toast carries the name as typed.
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("ctrl+u")
        await settle(app, pilot)
        assert app.is_running

        for key, expected in (("f3", None), ("f4", "[bold]Bo"), ("f5", "[link=x]koffie…  [@click=app…"),
                              ("f6", None), ("f8", "[@click=app.quit]Vera"), ("f9", None)):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.is_running, key
            if expected:
                assert expected in shown(app), (key, screen_text(app)[-600:])
            await pilot.press("f1")
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
        # F9: every step of the closing.
        for _ in range(6):
            await pilot.press("pagedown")
            await settle(app, pilot)
            assert app.is_running
        # The command palette lists no Screenshot (it wrote the screen to an SVG file).
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles and "Screenshot" not in titles
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
    assert app.return_code in (None, 0)


def test_plain_shows_control_characters_and_keeps_markup_literal():
    assert plain("[bold]x[/]").plain == "[bold]x[/]"
    assert visible("a\x1bb\x07c\x00") == "a␛b␇c␀"
    assert visible("a\nb") == "a\nb" and visible("a\nb", multiline=False) == "a␊b"
    assert visible("a\x85b") == "a\ufffdb"
    assert visible("Zoe\u0308 👩🏾‍🦱 مريم") == "Zoe\u0308 👩🏾‍🦱 مريم"
