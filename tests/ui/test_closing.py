"""F9 Dagafsluiting as a coordinator does it at the end of the day."""
from __future__ import annotations

from textual.widgets import Input, Static

from bwk_tui.services.room import auth
from bwk_tui.services.cash import cash
from bwk_tui.services.visitors import visits
from bwk_tui.services.visitors.persons import PersonForm, register
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.closing import ClosingScreen
from bwk_tui.ui.screens.closing.report import ReportModal
from db.models import CashClosing, CashEntry, Visit

SIZE = (100, 34)


def book_day(session):
    codes = {c.code: c.id for c in cash.categories(active_only=False)}
    cash.add_entry(session, "in", "45,70", codes["koffie"], "koffiepot")
    cash.add_entry(session, "out", "6,20", codes["boodschappen"], "melk")  # expected: € 39,50


async def open_closing(app, pilot):
    await pilot.press(*"coby", "tab", *"246813", "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f9")
    await pilot.pause()
    assert isinstance(app.screen, ClosingScreen)


async def type_count(pilot, screen, counts: dict[int, str]):
    for value, pieces in counts.items():
        screen.query_one(f"#count-{value}", Input).focus()
        await pilot.press(*pieces)


def text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render()).replace("\u00a0", " ")  # Babel: € 1,00


async def sign(app, pilot, pin: str):
    await pilot.press(*pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_coordinator_closes_the_day_with_a_difference_a_reason_and_a_wrong_pin_first(sqlite_room):
    coordinator = sqlite_room["coordinator"]
    book_day(coordinator)
    person = register(coordinator, PersonForm(first_name="Abena", pc4="1102", consent=True))
    visit_id = visits.check_in(coordinator, person.id, visits.VisitForm(domain_ids=visits.last_domain_ids(person.id)))
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_closing(app, pilot)
        screen = app.screen
        assert "Stap 1 van 5" in text(screen, "#step-title")
        assert screen.checked_out() == [visit_id]  # everyone still in is ticked to check out
        await pilot.press("pagedown", "pagedown")
        assert "Stap 3 van 5" in text(screen, "#step-title")
        await type_count(pilot, screen, {2000: "1", 1000: "1", 500: "1", 200: "2"})  # € 39,00: 50 ct short
        totals = text(screen, "#count-totals")
        assert "€ 39,00" in totals and "€ 39,50" in totals and "€ -0,50" in totals and "reden" in totals
        await pilot.press("pagedown", "pagedown")
        assert "Stap 5 van 5" in text(screen, "#step-title")
        await sign(app, pilot, "1111")  # wrong PIN
        assert "PIN klopt niet" in text(screen, "#closing-error")
        assert CashClosing.select().count() == 0
        await sign(app, pilot, "246813")  # right PIN, but no reason for the difference
        assert "reden" in text(screen, "#closing-error")
        assert "Stap 3 van 5" in text(screen, "#step-title")
        assert app.focused.id == "reason"
        await pilot.press(*"50 cent wisselgeld zoek")
        # The message and the hint go as soon as the reason is there.
        assert text(screen, "#closing-error") == ""
        assert "schrijf de reden op" not in text(screen, "#count-totals")
        await pilot.press("enter")
        assert "Stap 4 van 5" in text(screen, "#step-title")
        summary = text(screen, "#summary")
        for words in ("begin € 0,00 + in € 45,70 − uit € 6,20 = verwacht € 39,50",
                      "Geteld € 39,00 − verwacht € 39,50 = verschil € -0,50",
                      "Kasverschil € -0,50 wordt apart geboekt, reden: 50 cent wisselgeld zoek"):
            assert words in summary, summary
        await pilot.press("pagedown")
        signing = text(screen, "#sign-text")
        assert "verwacht € 39,50" in signing and "verschil € -0,50" in signing and "wisselgeld zoek" in signing
        await sign(app, pilot, "246813")
        assert screen.done is not None, text(screen, "#closing-error")
        assert "is afgesloten met € 39,00" in text(screen, "#sign-text")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ReportModal)
        assert "Verschil" in text(app.screen, "#report-text")
    closed = CashClosing.get()
    assert (closed.counted_cents, closed.difference_cents, closed.reason) == (3900, -50, "50 cent wisselgeld zoek")
    difference = CashEntry.select().where(CashEntry.category == cash.categories(active_only=False)[7].id).get()
    assert (difference.direction, difference.amount_cents) == ("out", 50)
    assert Visit.get_by_id(visit_id).left_at is not None
    assert cash.balance() == 3900


async def test_today_already_closed_shows_the_report(sqlite_room):
    coordinator = sqlite_room["coordinator"]
    book_day(coordinator)
    from bwk_tui.services.closing import closing

    closing.close(coordinator, {2000: 1, 1000: 1, 500: 1, 200: 2, 50: 1}, "", "246813")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_closing(app, pilot)
        assert "al afgesloten" in text(app.screen, "#closed-today")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ReportModal)


async def test_an_unexpected_failure_while_signing_is_a_message_and_the_day_stays_open(sqlite_room, monkeypatch):
    from bwk_tui.services.closing import closing
    from bwk_tui.services.room import errorlog

    book_day(sqlite_room["coordinator"])

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(closing, "close", broken)
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_closing(app, pilot)
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await sign(app, pilot, "246813")
        assert any("Er ging iets mis" in str(n.message) for n in app._notifications)
        assert not app.screen.query_one("#sign").disabled  # the coordinator can try again
        assert app.screen.done is None
    assert CashClosing.select().count() == 0
    assert "disk on fire" in errorlog.log_path().read_text(encoding="utf-8")


async def test_counting_the_cash_may_take_longer_than_the_idle_limit(sqlite_room):
    import time

    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_closing(app, pilot)
        app.idle_seconds = 60
        app.last_input = time.monotonic() - 5 * 60  # five quiet minutes while counting
        app._check_idle()
        assert app.session is not None and isinstance(app.screen, ClosingScreen)
        app.last_input = time.monotonic() - 16 * 60  # but not for ever
        app._check_idle()
        await pilot.pause()
        assert app.session is None
