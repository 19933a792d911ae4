"""F8 Beheer: a coordinator adds an account and keeps the list of help domains."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from bwk_tui.services.room import auth
from bwk_tui.services.visitors import visits
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.accounts import AccountModal, AccountsScreen, DomainModal
from db.models import Account, HelpDomain

SIZE = (100, 32)


async def open_admin(app, pilot):
    await pilot.press(*"coby", "tab", *"246813", "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f8")
    await pilot.pause()
    assert isinstance(app.screen, AccountsScreen)


async def test_a_coordinator_adds_a_volunteer_account(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccountModal)
        await pilot.press(*"Kofi", "enter")  # Enter moves on to the next field
        app.screen.field("pin").focus()
        await pilot.press(*"824691", "enter", *"824691", "enter")
        app.screen.query_one("#save").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        names = [r[0] for r in (app.screen.query_one("#accounts", DataTable).get_row_at(i)
                                for i in range(app.screen.query_one("#accounts", DataTable).row_count))]
        assert "Kofi" in names
    assert auth.login("kofi", "824691").role == "volunteer"


async def test_different_pins_for_a_new_account_save_nothing(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Kofi")
        app.screen.field("pin").focus()
        await pilot.press(*"824691", "enter", *"4322")
        app.screen.query_one("#save").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountModal)
        assert "niet gelijk" in str(app.screen.query_one("#form-error", Static).render())
    assert not Account.select().where(Account.name == "Kofi").exists()


async def test_help_domains_are_added_and_switched_off_but_never_deleted(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DomainModal)
        await pilot.press(*"Juridisch")
        app.screen.field("name_en").focus()
        await pilot.press(*"Legal", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        new = HelpDomain.get(HelpDomain.name_nl == "Juridisch")
        assert new.name_en == "Legal" and new.active
        table = app.screen.query_one("#domains", DataTable)
        table.focus()
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("space")
        await pilot.pause()
        assert table.get_row_at(table.row_count - 1)[1] == "—"
    assert not HelpDomain.get_by_id(new.id).active
    assert new.id not in [d.id for d in visits.domains()]
    assert new.id in [d.id for d in visits.domains(active_only=False)]
