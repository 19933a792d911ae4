"""F3 Rooster as the desk uses it: a gap shows by colour and by symbol; "kan niet komen" gives
ranked stand-ins and assigning one fills the gap; signing up past the allowance asks first;
closing a day; moving between weeks; and confirming today's hours in the closing."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Static

from bwk_tui.i18n import t
from bwk_tui.services.room import auth
from bwk_tui.services.roster import shifts
from bwk_tui.services.roster import holidays
from bwk_tui.services.roster import templates
from bwk_tui.services.roster import volunteers
from bwk_tui.services.room import settings
from bwk_tui.services.roster.templates import TemplateForm
from bwk_tui.services.roster.volunteers import ProfileForm
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.roster import RosterScreen
from bwk_tui.ui.screens.roster.shift import ShiftModal
from bwk_tui.ui.widgets.confirm import ConfirmModal

SIZE = (80, 24)
TODAY = dt.date(2026, 11, 25)  # a Wednesday
THURSDAY = TODAY + dt.timedelta(days=1)


def plain(value) -> str:
    return str(value).replace("\xa0", " ")


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).render())


def cell(screen, day: dt.date, dagdeel: str) -> str:
    table = screen.query_one("#week", DataTable)
    return plain(table.get_cell(day.isoformat(), dagdeel))


def notified(app, text: str) -> bool:
    return any(text in plain(n.message) for n in app._notifications)


@pytest.fixture
def day_clock(clock):
    """Wednesday 25 November 2026, 08:00 in Amsterdam, for the roster and the hours."""
    clock.now = dt.datetime(2026, 11, 25, 7, 0)
    return clock.now


def profile(coordinator, name: str, **fields) -> int:
    account = auth.create_account_as_admin(name, "volunteer", "826419")
    return volunteers.save_profile(coordinator, ProfileForm(account_id=account.id, **fields)).id


@pytest.fixture
def thursday(sqlite_room, day_clock):
    """Thursday morning needs two, one with 'taal'; Vera is on it. Stand-ins by hand:
    Ans: available do-o +40, has taal +30, 0 hours +15 = 85; Bob: available +40, no taal 0,
    0 hours +15 = 55; Cor: not available 0, has taal +30, 0 hours +15 = 45."""
    coby, vera = sqlite_room["coordinator"], sqlite_room["volunteer"]
    templates.add_template(coby, TemplateForm(weekday=3, dagdeel="o", needed=2, skill="taal"))
    templates.add_template(coby, TemplateForm(weekday=3, dagdeel="m", needed=1))
    shift = shifts.week(TODAY).days[3].shifts["o"]
    shifts.sign_up(vera, shift.id)
    ids = {"ans": profile(coby, "Ans", skills=["taal"], availability="do-o"),
           "bob": profile(coby, "Bob", availability="do-o,vr-m"),
           "cor": profile(coby, "Cor", skills=["taal"], availability="ma-o")}
    return {"shift": shift.id, **ids, "coby": coby, "vera": vera}


async def open_roster(app, pilot, name: str, pin: str) -> RosterScreen:
    await pilot.press(*name, "tab", *pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f3")
    await pilot.pause()
    assert isinstance(app.screen, RosterScreen)
    return app.screen


async def test_a_gap_shows_and_a_stand_in_fills_it(thursday):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        # Vera: her week, the gap on Thursday morning (red and ✗), her name on it.
        screen = await open_roster(app, pilot, "vera", "135724")
        assert cell(screen, THURSDAY, "o").startswith("✗ 1/2")
        assert "Vera" in cell(screen, THURSDAY, "o")
        assert cell(screen, THURSDAY, "m").startswith("✗ 0/1")
        assert "✗ nog 2 plekken open" in text_of(screen, "#week-title")
        assert "do 26 nov ochtend" in text_of(screen, "#mine")
        # The cursor starts on today; one row down is Thursday, on the morning.
        await pilot.press("down")
        await pilot.pause()
        assert screen.highlighted_shift().id == thursday["shift"]
        assert "nodig: taal" in text_of(screen, "#cell-detail")

        # k: she can't come. Asked first, then the place is free and the stand-ins show, ranked.
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ShiftModal)
        modal = app.screen
        stand_ins = modal.query_one("#stand-ins", DataTable)
        names = [plain(stand_ins.get_row_at(i)[0]) for i in range(stand_ins.row_count)]
        assert names == ["Ans", "Bob", "Cor"]  # Vera said no; Coby has no volunteer profile
        assert [plain(stand_ins.get_row_at(i)[1]) for i in range(3)] == ["85", "55", "45"]
        reasons = text_of(modal, "#stand-in-reasons")
        assert reasons.startswith("Ans: 85 = ") and "+40 beschikbaar op donderdagochtend" in reasons
        assert "+30 kan taal" in reasons and "+15 heeft deze maand nog niet geholpen" in reasons
        assert shifts.shift(thursday["shift"]).short == 2
        # A volunteer cannot put someone on: she is told to ask them.
        await pilot.press("enter")
        await pilot.pause()
        assert notified(app, "Vraag Ans of die kan invallen")
        assert shifts.shift(thursday["shift"]).short == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert cell(screen, THURSDAY, "o").startswith("✗ 0/2")
        assert "Vera" not in cell(screen, THURSDAY, "o")
        await pilot.press("f12")
        await pilot.pause()

        # Coby: Enter on the cell, Tab to the stand-ins, Enter on Ans fills a place.
        screen = await open_roster(app, pilot, "coby", "246813")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ShiftModal)
        assert "kan niet" in plain(app.screen.query_one("#people", DataTable).get_row_at(0)[1])
        await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert notified(app, "Ans staat op donderdag 26 november")
        info = shifts.shift(thursday["shift"])
        assert [p.name for p in info.planned] == ["Ans"] and info.short == 1
        # And Bob, now the best one left, fills the gap.
        stand_ins = app.screen.query_one("#stand-ins", DataTable)
        assert plain(stand_ins.get_row_at(0)[0]) == "Bob"
        stand_ins.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert shifts.shift(thursday["shift"]).short == 0
        await pilot.press("escape")
        await pilot.pause()
        assert cell(screen, THURSDAY, "o").startswith("✓ 2/2")
        assert "Ans, Bob" in cell(screen, THURSDAY, "o")


async def test_signing_up_over_the_allowance_asks_first(thursday):
    settings.change("allowance_limits", "2026: 10 / 100")
    vera_profile = volunteers.profile_for_account(thursday["vera"].account_id)
    volunteers.save_profile(thursday["coby"], ProfileForm(account_id=thursday["vera"].account_id,
                                                      hourly_allowance="5,00"), vera_profile.id)
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, "vera", "135724")
        # Thursday afternoon, 12:30-17:00: 4.5 h x € 5 = € 22,50, beside the morning she is planned
        # on (3.5 h = € 17,50): € 40,00 in November, over the € 10 of this test.
        await pilot.press("down", "right")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = plain(app.screen.query_one("#question", Static).render())
        assert "Vera" in question and "€ 40,00" in question and "€ 10,00" in question
        await pilot.press("escape")  # no: nothing saved
        await pilot.pause()
        assert shifts.shift(screen.highlighted_shift().id).planned == []
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # yes, go ahead
        await pilot.pause()
        assert [p.name for p in shifts.shift(screen.highlighted_shift().id).planned] == ["Vera"]
        assert cell(screen, THURSDAY, "m").startswith("✓ 1/1")


async def test_weeks_move_with_one_key_and_a_coordinator_closes_a_day(thursday):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, "coby", "246813")
        assert text_of(screen, "#week-title").startswith("Week 48")
        await pilot.press("n")
        await pilot.pause()
        assert text_of(screen, "#week-title").startswith("Week 49")
        assert cell(screen, THURSDAY + dt.timedelta(days=7), "o").startswith("✗ 0/2")
        await pilot.press("v", "v")
        await pilot.pause()
        assert text_of(screen, "#week-title").startswith("Week 47")
        await pilot.press("t")
        await pilot.pause()
        assert text_of(screen, "#week-title").startswith("Week 48")

        # d on Thursday: the reason is asked, and that one planned person is mentioned.
        await pilot.press("down", "d")
        await pilot.pause()
        assert "1 mensen ingeroosterd" in plain(app.screen.query_one(".error", Static).render())
        await pilot.press("enter")  # no reason: refused, nothing closed
        await pilot.pause()
        assert holidays.holidays(THURSDAY, THURSDAY) == {}
        await pilot.press(*"Uitje", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert holidays.holidays(THURSDAY, THURSDAY) == {THURSDAY: "Uitje"}
        assert cell(screen, THURSDAY, "o") == "dicht\nUitje" and cell(screen, THURSDAY, "m") == "dicht"
        # Signing up for it is refused in words.
        await pilot.press("i")
        await pilot.pause()
        assert notified(app, t("f3.no_shift_here"))


async def test_a_volunteer_cannot_close_a_day(thursday):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_roster(app, pilot, "vera", "135724")
        await pilot.press("d")
        await pilot.pause()
        assert notified(app, t("error.coordinator_only"))
        assert holidays.holidays(TODAY, THURSDAY) == {}


async def test_the_closing_confirms_todays_hours(sqlite_room, day_clock, clock):
    from bwk_tui.services.roster import attendance
    from bwk_tui.ui.screens.closing import ClosingScreen

    coby, vera = sqlite_room["coordinator"], sqlite_room["volunteer"]
    templates.add_template(coby, TemplateForm(weekday=2, dagdeel="o", starts="9:00", ends="12:30", needed=2))
    templates.add_template(coby, TemplateForm(weekday=2, dagdeel="m", starts="12:30", ends="17:00", needed=1))
    week = shifts.week(TODAY)
    shifts.sign_up(vera, week.days[2].shifts["o"].id)
    shifts.sign_up(coby, week.days[2].shifts["o"].id)
    shifts.sign_up(coby, week.days[2].shifts["m"].id)
    clock.now = dt.datetime(2026, 11, 25, 16, 15)  # 17:15 in Amsterdam: both shifts are over
    app = BwkApp()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press(*"coby", "tab", *"246813", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await pilot.press("pagedown")
        await pilot.pause()
        table = screen.query_one("#shifts-today", DataTable)
        assert table.row_count == 3
        assert "nog zonder uren: 3 · dienst komt nog: 0" in text_of(screen, "#hours-total")
        # Enter on the first line (Coby's morning): she worked 9:00-11:00.
        await pilot.press("enter")
        await pilot.pause()
        starts = app.screen.query_one("#field-starts")
        assert starts.value == "09:00"
        ends = app.screen.query_one("#field-ends")
        ends.value = "11:00"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        # The button confirms the planned times of the other two.
        screen.query_one("#confirm-hours").press()
        await pilot.pause()
        lines = {(x.name, x.dagdeel): x.minutes for x in attendance.day_lines(TODAY)}
        assert lines == {("Coby", "o"): 120, ("Vera", "o"): 210, ("Coby", "m"): 270}
        assert "Gewerkt: 10 uur · nog zonder uren: 0 · dienst komt nog: 0" in text_of(screen, "#hours-total")
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert "Vrijwilligers: 10 uur door 2 mensen" in text_of(screen, "#summary")


async def test_the_closing_at_half_past_twelve_shows_the_evening_as_still_to_come(sqlite_room, day_clock, clock):
    """Confirming at 12:30 gives the ended morning its planned 210 minutes; the evening
    (18:00-21:00) is shown as still to come and gets no hours."""
    from bwk_tui.services.roster import attendance
    from bwk_tui.ui.screens.closing import ClosingScreen

    coby, vera = sqlite_room["coordinator"], sqlite_room["volunteer"]
    templates.add_template(coby, TemplateForm(weekday=2, dagdeel="o", starts="9:00", ends="12:30", needed=1))
    templates.add_template(coby, TemplateForm(weekday=2, dagdeel="a", starts="18:00", ends="21:00", needed=1))
    week = shifts.week(TODAY)
    shifts.sign_up(coby, week.days[2].shifts["o"].id)
    shifts.sign_up(vera, week.days[2].shifts["a"].id)
    clock.now = dt.datetime(2026, 11, 25, 11, 30)  # 12:30 in Amsterdam
    app = BwkApp()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press(*"coby", "tab", *"246813", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await pilot.press("pagedown")
        await pilot.pause()
        table = screen.query_one("#shifts-today", DataTable)
        assert [str(table.get_cell_at((r, 2))) for r in range(table.row_count)] == ["nog geen uren",
                                                                                   "komt nog (21:00)"]
        screen.query_one("#confirm-hours").press()
        await pilot.pause()
        lines = {(x.name, x.dagdeel): x.minutes for x in attendance.day_lines(TODAY)}
        assert lines == {("Coby", "o"): 210, ("Vera", "a"): None}
        assert "nog zonder uren: 0 · dienst komt nog: 1" in text_of(screen, "#hours-total")
        assert not screen.query_one("#confirm-hours").display
