"""The app shell as a person uses it: first start, login, lockout, F keys, locking."""
from __future__ import annotations

import time

import pytest
from textual.widgets import Input, Static

from bwk_tui.services.room import auth
from bwk_tui.services.room import settings
from bwk_tui.i18n import t
from bwk_tui.ui.app import SECTIONS, BwkApp
from bwk_tui.ui.screens.accounts import AccountsScreen
from bwk_tui.ui.screens.desk import DeskScreen, HomeScreen
from bwk_tui.ui.screens.help import HelpModal
from bwk_tui.ui.screens.login import LoginScreen
from bwk_tui.ui.screens.roster import RosterScreen
from bwk_tui.ui.screens.setup import SetupScreen
from bwk_tui.ui.widgets.desk_header import DeskHeader
from db.models import Account, AuditLog, Room

SIZE = (80, 24)


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def log_in(app, pilot, name: str, pin: str):
    await pilot.press(*name, "tab", *pin, "enter")
    await settle(app, pilot)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def screen_names(app) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


async def test_first_start_asks_room_and_coordinator_then_login(sqlite_db):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SetupScreen)
        assert app.focused.id == "room"
        await pilot.press(*"De Kameleon", "enter", *"Coby", "enter", *"246813", "enter", *"246813", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "Log nu in" in text_of(app.screen, "#login-message")
        await log_in(app, pilot, "cob", "246813")
        assert isinstance(app.screen, HomeScreen)
        assert app.session.name == "Coby" and app.session.is_coordinator
    assert Room.get().name == "De Kameleon"
    assert settings.get("room_name") == "De Kameleon"


async def test_setup_with_different_pins_saves_nothing(sqlite_db):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"De Kameleon", "enter", *"Coby", "enter", *"246813", "enter", *"2469", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "niet gelijk" in text_of(app.screen, "#setup-error")
        assert app.screen.query_one("#name", Input).value == "Coby"  # what was typed is kept
        await pilot.press("tab")  # focus went back to the first PIN; fix it
    assert Account.select().count() == 0
    assert Room.select().count() == 0


async def test_setup_refuses_a_pin_that_is_too_short(sqlite_db):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Kamer", "enter", *"Coby", "enter", *"12", "enter", *"12", "enter")
        await pilot.pause()
        assert "6 tot 8 cijfers" in text_of(app.screen, "#setup-error")
    assert Account.select().count() == 0


async def test_login_shows_room_date_and_user_in_the_header(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "co", "246813")
        assert isinstance(app.screen, HomeScreen)
        header = str(app.screen.query_one("DeskHeader").render())
        assert "De Kameleon" in header and "Coby (coördinator)" in header
        assert "2026" in header or "20" in header  # a date is shown


async def test_wrong_pin_and_unknown_name_get_the_same_message(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "coby", "9999")
        wrong_pin = text_of(app.screen, "#login-message")
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#pin", Input).value == ""  # the PIN does not stay in the field
        app.screen.query_one("#name", Input).value = ""
        app.screen.query_one("#name", Input).focus()
        await log_in(app, pilot, "nobody", "9999")
        unknown = text_of(app.screen, "#login-message")
        assert wrong_pin == unknown == t("error.login_failed")
        assert wrong_pin.startswith("Naam of PIN klopt niet. Probeer het opnieuw.")
        assert app.session is None


async def test_five_wrong_pins_lock_the_account_and_the_screen_says_what_a_wrong_pin_says(sqlite_room):
    """The lock tells nobody that the name exists: the message is a wrong PIN's, which says to wait."""
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"vera", "tab")
        for _ in range(5):
            await pilot.press(*"0000", "enter")
            await settle(app, pilot)
        message = text_of(app.screen, "#login-message")
        assert message == t("error.login_failed") and "even wachten" in message
        assert Account.get(Account.name == "Vera").locked_until is not None
        await pilot.press(*"135724", "enter")  # the right PIN, but too late
        await settle(app, pilot)
        assert app.session is None
        assert text_of(app.screen, "#login-message") == t("error.login_failed")


async def test_f12_locks_at_once_and_leaves_only_the_login_screen(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "coby", "246813")
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert screen_names(app) == ["Screen", "LoginScreen"]
        assert app.session is None
        assert not any(isinstance(s, DeskScreen) for s in app.screen_stack)
        await pilot.press("f2", "f8")  # nothing behind the lock is reachable
        await pilot.pause()
        assert screen_names(app) == ["Screen", "LoginScreen"]
        await log_in(app, pilot, "coby", "246813")
        assert isinstance(app.screen, HomeScreen)
    assert AuditLog.select().where(AuditLog.action == "logout.lock").count() == 1


async def test_f12_locks_from_inside_a_modal(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "coby", "246813")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        await pilot.press("f12")
        await pilot.pause()
        assert screen_names(app) == ["Screen", "LoginScreen"]


async def test_the_desk_locks_itself_when_idle(sqlite_room):
    settings.put("idle_lock_minutes", "0.01")  # 0.6 seconds
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "vera", "135724")
        assert isinstance(app.screen, HomeScreen)
        assert app.idle_seconds == pytest.approx(0.6)
        await pilot.pause(2.0)
        assert screen_names(app) == ["Screen", "LoginScreen"]
        assert "niets gebeurde" in text_of(app.screen, "#login-message")
    assert AuditLog.select().where(AuditLog.action == "logout.idle").count() == 1


async def test_a_key_press_keeps_the_desk_open(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "vera", "135724")
        app.idle_seconds = 60
        app.last_input = time.monotonic() - 59
        await pilot.press("f3")
        app._check_idle()
        assert app.session is not None
        app.last_input = time.monotonic() - 61
        app._check_idle()
        await pilot.pause()
        assert app.session is None


async def test_a_volunteer_is_refused_the_closing_the_reports_and_accounts(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "vera", "135724")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Rapportage is alleen voor coördinatoren" in str(n.message) for n in app._notifications)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("alleen voor coördinatoren" in str(n.message) for n in app._notifications)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_every_section_opens_its_screen_with_its_name_in_the_header(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "coby", "246813")
        for section in SECTIONS:
            await pilot.press(section.key)
            await pilot.pause()
            assert isinstance(app.screen, DeskScreen)
            assert app.screen.TITLE_KEY == section.title_key
            assert t(section.title_key) in str(app.screen.query_one(DeskHeader).render())


async def test_help_opens_and_closes(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_an_english_account_sees_english(sqlite_room):
    auth.create_account_as_admin("Emma", "volunteer", "864290", language="en")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "emma", "864290")
        assert "Welcome, Emma." in text_of(app.screen, ".dialog-title")
        await pilot.press("f3")
        await pilot.pause()
        assert text_of(app.screen, "#week-title").startswith("Week ")
        assert "sign up" in text_of(app.screen, ".key-hint")
        await pilot.press("f12")
        await pilot.pause()
        assert "Naam" in str(app.screen.query_one("Label").render())  # the desk is Dutch again


async def test_a_coordinator_unlocks_an_account_on_f8(sqlite_room):
    for _ in range(5):
        with pytest.raises(Exception):
            auth.login("vera", "0000")
    assert Account.get(Account.name == "Vera").locked_until is not None
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "coby", "246813")
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        table = app.screen.query_one("DataTable")
        vera_row = [table.get_row_at(i)[0] for i in range(table.row_count)].index("Vera")
        for _ in range(vera_row):
            await pilot.press("down")
        await pilot.press("o")
        await pilot.pause()
    assert Account.get(Account.name == "Vera").locked_until is None
    assert auth.login("vera", "135724").name == "Vera"


async def test_an_unexpected_error_exits_in_plain_words_and_logs_the_details(sqlite_room, monkeypatch, capsys):
    from bwk_tui.services.room import errorlog

    def broken(self):
        raise RuntimeError("kapot")

    monkeypatch.setattr(RosterScreen, "compose_body", broken)
    app = BwkApp()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await log_in(app, pilot, "coby", "246813")
            await pilot.press("f3")
            await pilot.pause()
    shown = " ".join(capsys.readouterr().err.split())
    assert "Er ging iets mis en bwk is gestopt" in shown
    assert "Traceback" not in shown
    assert app.return_code == 1
    log = errorlog.log_path().read_text(encoding="utf-8")
    assert "RuntimeError: kapot" in log and "Traceback" in log


# --- the lock holds ------------------------------------------------------------------------------

async def test_ctrl_q_on_the_login_screen_needs_a_coordinators_pin(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running and type(app.screen).__name__ == "QuitModal"
        await pilot.press(*"Vera", "tab", *"135724", "enter")  # a volunteer
        await settle(app, pilot)
        assert app.is_running and "klopt niet" in text_of(app.screen, "#quit-message")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.press(*"Coby", "tab", *"246813", "enter")
        await settle(app, pilot)
        assert not app.is_running
    assert AuditLog.select().where(AuditLog.action == "quit").count() == 1


async def test_ctrl_q_while_logged_in_quits_as_before(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "Vera", "135724")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not app.is_running


async def test_locking_clears_every_notification(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "Coby", "246813")
        app.notify("Tanta Lucy is uitgecheckt")
        await pilot.pause()
        assert len(app._notifications) == 1
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert len(app._notifications) == 0
