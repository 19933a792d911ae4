"""F5 Kas as the desk uses it: booking money in and out, refused input, reversal, the overview."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services.closing import closing
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.cash import CashScreen
from bwk_tui.ui.screens.cash.forms import BudgetModal, EntryDetailModal, EntryModal, ReverseModal
from bwk_tui.ui.screens.cash.overview import OverviewScreen
from db.models import CashEntry

SIZE = (80, 24)  # the smallest desk: everything a volunteer needs fits


async def open_cash(app, pilot, name: str, pin: str) -> CashScreen:
    await pilot.press(*name, "tab", *pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, CashScreen)
    return app.screen


def plain(value) -> str:
    return str(value).replace("\xa0", " ")  # Babel puts a no-break space after the €


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).render())


def rows(screen) -> list[list[str]]:
    table = screen.query_one("#cash-entries", DataTable)
    return [[plain(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notified(app, text: str) -> bool:
    return any(text in plain(n.message) for n in app._notifications)


def category_id(code: str) -> int:
    return next(c.id for c in cash.categories() if c.code == code)


async def book(pilot, app, key: str, amount: str, description: str = "") -> None:
    """Press + or -, type the amount (and a description), Enter."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, EntryModal)
    await pilot.press(*amount)
    if description:
        app.screen.field("description").focus()
        await pilot.press(*description)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_volunteer_books_money_in_and_out_and_sees_the_balance(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cash(app, pilot, "vera", "135724")
        assert "€ 0,00" in text_of(screen, "#cash-today") and "open" in text_of(screen, "#cash-today")
        assert screen.query_one("#cash-empty").display

        await book(pilot, app, "plus", "12,50", "koffie")
        assert app.screen is screen
        assert notified(app, "€ 12,50")
        await book(pilot, app, "minus", "2,25", "melk")
        assert app.screen is screen

        today = text_of(screen, "#cash-today")
        assert "in € 12,50" in today and "uit € 2,25" in today and "in kas € 10,25" in today
        top, second = rows(screen)
        assert top[2] == t("cash.dir_out") and top[3] == "boodschappen" and top[4] == "melk"
        assert top[5] == "€ 2,25" and top[6] == "€ 10,25"
        assert second[2] == t("cash.dir_in") and second[3].startswith("bijdrage koffi") and second[6] == "€ 12,50"
        assert top[0].endswith("-0002") and second[0].endswith("-0001")
        assert not screen.query_one("#cash-empty").display

        await pilot.press("enter")  # the highlighted entry in full
        await pilot.pause()
        assert isinstance(app.screen, EntryDetailModal)
        assert "Vera" in text_of(app.screen, "#entry-detail")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    assert cash.balance() == 1025
    entries = list(CashEntry.select().order_by(CashEntry.id))
    assert [(e.direction, e.amount_cents, e.description) for e in entries] == [("in", 1250, "koffie"),
                                                                              ("out", 225, "melk")]


async def test_bad_amounts_are_refused_in_the_form_and_nothing_is_saved(sqlite_room):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_cash(app, pilot, "vera", "135724")
        await book(pilot, app, "plus", "12,505")
        form = app.screen
        assert isinstance(form, EntryModal)
        assert "twee cijfers" in text_of(form, "#form-error")
        amount = form.field("amount")
        assert amount.has_class("-invalid") and app.focused is amount and amount.value == "12,505"

        for typed, message in (("twaalf", t("error.amount_format")), ("0", t("error.amount_positive")),
                               ("-5", t("error.amount_positive")), ("1000000", t("error.amount_too_large"))):
            amount.value = ""
            await pilot.press(*typed, "enter")
            await pilot.pause()
            assert app.screen is form
            assert text_of(form, "#form-error") == message
        await pilot.press("escape")
        await pilot.pause()

        # money out of an empty box: the balance would go below zero
        await book(pilot, app, "minus", "5")
        form = app.screen
        assert isinstance(form, EntryModal)
        assert "niet onder nul" in text_of(form, "#form-error")
        assert form.field("amount").value == "5"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CashScreen) and rows(app.screen) == []
    assert CashEntry.select().count() == 0


async def test_nothing_is_booked_on_a_closed_day(sqlite_room):
    coordinator = sqlite_room["coordinator"]
    cash.add_entry(coordinator, "in", "10", category_id("donatie"))
    closing.close(coordinator, {1000: 1}, "", "246813")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cash(app, pilot, "coby", "246813")
        assert t("cash.state_closed") in text_of(screen, "#cash-today")
        await book(pilot, app, "plus", "5")
        assert isinstance(app.screen, EntryModal)
        assert "afgesloten" in text_of(app.screen, "#form-error")
    assert CashEntry.select().count() == 1


async def test_a_volunteer_cannot_reverse_or_open_the_overview(sqlite_room):
    cash.add_entry(sqlite_room["volunteer"], "in", "7,50", category_id("koffie"))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cash(app, pilot, "vera", "135724")
        assert "terugboeken" not in text_of(screen, ".key-hint")  # the hint shows a volunteer's keys only
        for key in ("r", "o", "b"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
        assert notified(app, t("error.coordinator_only"))
    assert CashEntry.select().count() == 1


async def test_a_coordinator_reverses_an_entry_and_the_reversal_points_to_it(sqlite_room):
    original = cash.add_entry(sqlite_room["volunteer"], "in", "7,50", category_id("koffie"), "dubbel")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cash(app, pilot, "coby", "246813")
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReverseModal) and form.entry.id == original.id
        await pilot.press("enter")  # no reason
        await pilot.pause()
        assert app.screen is form and text_of(form, "#form-error") == t("error.reverse_reason")
        await pilot.press(*"twee keer geboekt", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert notified(app, original.receipt)
        top, second = rows(screen)
        assert top[2] == t("cash.dir_out") and top[5] == "€ 7,50" and top[6] == "€ 0,00"
        assert second[0] == original.receipt
        # Both lines say what they are, not only by a strike-through (F1 explains the marks).
        assert second[4].startswith("✗ dubbel") and top[4].startswith("↩ correctie")

        await pilot.press("r")  # a reversal is not reversed again
        await pilot.pause()
        assert app.screen is screen and notified(app, t("error.reverse_reversal"))
    reversal = CashEntry.select().order_by(CashEntry.id.desc()).first()
    assert reversal.reverses_id == original.id and reversal.direction == "out" and reversal.amount_cents == 750
    assert "twee keer geboekt" in reversal.description
    assert cash.balance() == 0


async def test_the_overview_shows_actuals_beside_a_budget(sqlite_room):
    coordinator = sqlite_room["coordinator"]
    cash.add_entry(coordinator, "in", "30", category_id("koffie"))
    cash.add_entry(coordinator, "out", "12,40", category_id("boodschappen"))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_cash(app, pilot, "coby", "246813")
        await pilot.press("o")
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        table = overview.query_one("#overview", DataTable)

        def line(name: str) -> list[str]:
            for i in range(table.row_count):
                cells = [plain(c) for c in table.get_row_at(i)]
                if cells[0] == name:
                    return cells
            raise AssertionError(name)

        assert line("bijdrage koffie/thee")[1:4] == ["€ 30,00", "-", ""]
        assert line("boodschappen")[2] == "€ 12,40"
        assert "€ 30,00" in text_of(overview, "#overview-total") and "€ 17,60" in text_of(overview, "#overview-total")

        await pilot.press("b")  # the highlighted category (the first: coffee)
        await pilot.pause()
        assert isinstance(app.screen, BudgetModal)
        await pilot.press(*"1.200", "enter")
        await pilot.pause()
        assert app.screen is overview
        assert line("bijdrage koffie/thee")[3:] == ["€ 100,00", "30 %"]  # a twelfth beside the month
        await pilot.press("m")
        await pilot.pause()
        assert t("cash.overview_year", year=overview.year) == text_of(overview, "#overview-period")
        assert line("bijdrage koffie/thee")[3:] == ["€ 1.200,00", "2 %"]
        await pilot.press("left")
        await pilot.pause()
        assert line("bijdrage koffie/thee")[1] == "-"  # last year: nothing yet
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CashScreen)
    assert next(c for c in cash.categories() if c.code == "koffie").budget_cents == 120000


async def test_the_book_loads_the_next_window_near_the_end_and_fits_80_columns(sqlite_room):
    volunteer = sqlite_room["volunteer"]
    coffee = category_id("koffie")
    for n in range(60):
        cash.add_entry(volunteer, "in", n + 1, coffee, f"een lange omschrijving van boeking nummer {n + 1}")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cash(app, pilot, "vera", "135724")
        table = screen.query_one("#cash-entries", DataTable)
        assert table.row_count == 50
        assert table.virtual_size.width <= table.size.width  # no column off screen
        assert len(text_of(screen, ".key-hint")) <= SIZE[0] and len(text_of(screen, "#cash-today")) <= SIZE[0]
        await pilot.press("ctrl+end")  # to the last row loaded: the next window comes
        await pilot.pause()
        assert table.row_count == 60
        last, first = rows(screen)[59], rows(screen)[0]
        assert last[5] == "€ 0,01" and last[6] == "€ 0,01"
        assert first[5] == "€ 0,60" and first[6] == "€ 18,30"  # 1 + 2 + ... + 60 cents
