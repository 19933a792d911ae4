"""The desk on an encrypted database: the first start shows the recovery key, the login opens the
closed database with the keyslot of the account, and a PIN from before the 6-digit rule is changed
at once. Keys pressed as a person would."""
from __future__ import annotations

import json

from textual.widgets import Input

from bwk_tui.services import room
from bwk_tui.services.room import auth, vault
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.desk import HomeScreen
from bwk_tui.ui.screens.keys import PinChangeModal, RecoveryKeyScreen
from bwk_tui.ui.screens.login import LoginScreen
from bwk_tui.ui.widgets.plain import Static

SIZE = (80, 24)


async def settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_first_start_shows_the_recovery_key_once_and_asks_its_last_four(tmp_path):
    path = tmp_path / "bwk.sqlite3"
    vault.open_door(vault.door(str(path)))  # a new database: encrypted from the start
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"De Kameleon", "enter", *"Coby", "enter", *"246813", "enter", *"246813", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryKeyScreen)
        shown = text_of(app.screen, "#recovery-key")
        assert len(shown) == 29 and shown.count("-") == 5
        assert "kluis" in text_of(app.screen, ".help-text")
        await pilot.press(*"0000", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryKeyScreen)
        assert "niet de laatste vier" in text_of(app.screen, "#recovery-error")
        app.screen.query_one("#recovery-check", Input).value = ""
        await pilot.press(*shown[-4:].lower(), "enter")  # typed from paper, in small letters
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    keys = json.loads((tmp_path / "bwk.keys").read_text())
    assert keys["pending_key"] is None and keys["recovery"] and [s["name"] for s in keys["slots"]] == ["Coby"]
    assert shown.replace("-", "") not in (tmp_path / "bwk.keys").read_text()
    # The key opens the database's recovery slot: it is the one that was shown.
    from bwk_tui.services.room import keyslots

    assert keyslots.read(tmp_path / "bwk.keys").unwrap_recovery(shown) == vault.data_key()


def _encrypted_room(tmp_path):
    path = tmp_path / "bwk.sqlite3"
    opened = vault.open_door(vault.door(str(path)))
    room.set_up("De Kameleon", "Coby", "246813")
    room.recovery_key_to_show()
    opened.db.close()
    vault.forget_key()
    return path


async def test_the_login_opens_the_closed_database_with_the_accounts_keyslot(tmp_path):
    path = _encrypted_room(tmp_path)
    door = vault.door(str(path))
    assert door.needs_login
    app = BwkApp(where=str(path), door=door)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert "De Kameleon" in text_of(app.screen, ".dialog-title")  # from bwk.keys: the database is closed
        await pilot.press(*"coby", "tab", *"999111", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and "klopt niet" in text_of(app.screen, "#login-message")
        assert app.door is not None  # still closed
        assert json.loads((tmp_path / "bwk.keys").read_text())["slots"][0]["failed"] == 1
        assert app.focused.id == "pin"  # the name stays; the PIN again
        await pilot.press(*"246813", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.door is None and app.session.name == "Coby"
        # The closed door's refusal is in the audit log now that the database is open.
        from db.models import AuditLog

        assert AuditLog.select().where(AuditLog.action == "login.failed", AuditLog.entity == "keyslot").count() == 1
    assert json.loads((tmp_path / "bwk.keys").read_text())["slots"][0]["failed"] == 0


async def test_an_old_short_pin_works_once_and_a_new_one_is_chosen(sqlite_room):
    from db.models import Account

    # Vera's PIN from before the 6-digit rule.
    Account.update(pin_hash=auth.hasher().hash("2468")).where(Account.name == "Vera").execute()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"vera", "tab", *"2468", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinChangeModal)
        await pilot.press(*"2468", "enter", *"1357", "enter", *"1357", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinChangeModal)
        assert "6 tot 8" in text_of(app.screen, "#pinchange-error")
        await pilot.press(*"2468", "enter", *"135799", "enter", *"135799", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.session.must_change_pin
    assert auth.login("Vera", "135799").name == "Vera"


async def test_escape_on_the_new_pin_locks_the_desk(sqlite_room):
    from db.models import Account

    Account.update(pin_hash=auth.hasher().hash("2468")).where(Account.name == "Vera").execute()
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"vera", "tab", *"2468", "enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
