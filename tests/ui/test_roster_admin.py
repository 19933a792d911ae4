"""F3 Rooster, the coordinator's side: weekly templates, volunteer profiles, hours and allowance.

The screens are opened the way the week screen opens them (``s``, ``p``, ``u``): pushed after login.
The room's clock stands on Wednesday 25 November 2026, as in the roster's service tests.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from textual.widgets import DataTable, Static

from db.models import Shift

from bwk_tui.i18n import t
from bwk_tui.services.roster import allowance
from bwk_tui.services.roster import attendance
from bwk_tui.services.room import auth
from bwk_tui.services.visitors import persons
from bwk_tui.services.roster import shifts
from bwk_tui.services.roster import templates
from bwk_tui.services.roster import volunteers
from bwk_tui.services.room import settings
from bwk_tui.services.visitors.persons import PersonForm
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.roster.people import HoursScreen, ProfileModal, ProfilesScreen
from bwk_tui.ui.screens.roster.templates import TemplateModal, TemplatesScreen
from bwk_tui.ui.widgets.confirm import ConfirmModal

SIZE = (80, 24)
WED = dt.date(2026, 11, 25)
NOV_2 = dt.date(2026, 11, 2)  # a Monday


@pytest.fixture
def clock(roster_clock):
    return roster_clock


def plain(value) -> str:
    return str(value).replace("\xa0", " ")


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).render())


def rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[plain(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notified(app, text: str) -> bool:
    return any(text in plain(n.message) for n in app._notifications)


async def log_in_and_open(app, pilot, name: str, pin: str, screen):
    await pilot.press(*name, "tab", *pin, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.push_screen(screen)
    await pilot.pause()
    assert app.screen is screen
    return screen


async def typed(pilot, text: str, clear: int = 0) -> None:
    await pilot.press(*(["backspace"] * clear), *text)


# --- templates -----------------------------------------------------------------------------


async def test_a_coordinator_makes_changes_and_stops_a_weekly_shift(sqlite_room, clock):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await log_in_and_open(app, pilot, "coby", "246813", TemplatesScreen())
        assert screen.query_one("#templates-empty").display

        # n: Wednesday afternoon, 0 people needed: refused next to the field, nothing saved
        await pilot.press("n")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, TemplateModal)
        await pilot.press("enter", "down", "down", "enter")  # maandag -> woensdag
        await pilot.press("tab", "enter", "down", "enter")  # ochtend -> middag
        assert modal.field("starts").placeholder == "12:30" and modal.field("ends").placeholder == "17:00"
        await pilot.press("tab", "tab", "tab")
        assert modal.field("needed").has_focus
        await typed(pilot, "0", clear=2)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal
        assert text_of(modal, "#form-error") == t("error.roster_needed")
        assert modal.field("needed").has_class("-invalid")
        assert templates.templates() == []

        await typed(pilot, "3", clear=2)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        [row] = rows(screen, "#templates")
        assert row[:3] == ["woensdagmiddag", "12:30-17:00", "3"]
        assert not screen.query_one("#templates-empty").display
        [made] = templates.templates()
        assert (made.weekday, made.dagdeel, made.starts_min, made.ends_min, made.needed) == (2, "m", 750, 1020, 3)

        # Enter: the day and dagdeel are fixed, the start moves to 13:00
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, TemplateModal)
        assert modal.field("weekday").disabled and modal.field("dagdeel").disabled
        assert modal.field("starts").has_focus
        await typed(pilot, "13:00", clear=5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert rows(screen, "#templates")[0][:3] == ["woensdagmiddag", "13:00-17:00", "3"]
        assert templates.templates()[0].starts_min == 13 * 60

        # x: after a question; the three empty Wednesdays after today go
        templates.generate(WED, WED + dt.timedelta(weeks=3))
        later = Shift.select().where((Shift.template == made.id) & (Shift.shift_date > WED))
        assert later.count() == 3
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert templates.templates() != []  # nothing happens before the answer
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert templates.templates() == [] and later.count() == 0
        assert rows(screen, "#templates") == []
        assert notified(app, t("f3a.stopped", slot="woensdagmiddag", count=3))


async def test_a_volunteer_is_told_templates_are_for_the_coordinator(sqlite_room, clock):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await log_in_and_open(app, pilot, "vera", "135724", TemplatesScreen())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert notified(app, t("error.coordinator_only"))


# --- profiles ------------------------------------------------------------------------------


async def test_a_new_profile_with_skills_a_resident_and_an_allowance(sqlite_room, clock):
    coby = sqlite_room["coordinator"]
    auth.create_account_as_admin("Ans", "volunteer", "826419")
    abena = persons.register(coby, PersonForm(first_name="Abena", pc4="1102", consent=True)).id
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await log_in_and_open(app, pilot, "coby", "246813", ProfilesScreen())
        assert rows(screen, "#profiles") == []
        await pilot.press("n")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ProfileModal)
        free = {name: account_id for account_id, name in volunteers.accounts_without_profile()}
        await pilot.press("enter", "down", "enter")  # the first account without a profile: Ans
        assert modal.field("account").value == free["Ans"]
        await pilot.press("tab", *"abe")  # the resident she is
        assert modal.field("person").value == abena
        await pilot.press("enter", "tab")  # on to the choice, then to the skills
        await pilot.press("space", "down", "down", "down", "space")  # gastvrouw and taal
        # The availability grid: Space on Monday morning, two days on and one down, Space (Wednesday afternoon).
        await pilot.press("tab", *"nl, tw", "tab", "space", "right", "right", "down", "space", "tab", *"twee", "enter")
        await pilot.pause()
        assert app.screen is modal  # "twee" is no amount
        assert modal.field("hourly_allowance").has_class("-invalid")
        assert volunteers.volunteers() == []

        await typed(pilot, "2,50", clear=4)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        [ans] = volunteers.volunteers()
        assert ans.name == "Ans" and ans.skills == ["gastvrouw", "taal"] and ans.languages == ["nl", "tw"]
        assert ans.availability == {"ma-o", "wo-m"} and ans.hourly_allowance_cents == 250
        assert ans.person_id == abena and ans.active
        [row] = rows(screen, "#profiles")
        assert row[0] == "Ans" and row[3] == "ma-o,wo-m" and row[4] == "€ 2,50" and row[5].startswith("Abena")
        assert "gastvrouw/gastheer, taal" in text_of(screen, "#profile-detail")

        # Enter: the account stays, the allowance goes up
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ProfileModal) and modal.field("account").disabled
        assert modal.field("hourly_allowance").value == "2,50"
        await pilot.press("tab", "tab", "tab")
        assert modal.field("hourly_allowance").has_focus
        await typed(pilot, "3", clear=4)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert volunteers.volunteer(ans.id).hourly_allowance_cents == 300
        assert volunteers.volunteer(ans.id).skills == ["gastvrouw", "taal"]  # the rest stays


# --- hours and allowance -------------------------------------------------------------------


@pytest.fixture
def worked(sqlite_room, clock):
    """Ans at EUR 5.00 an hour: 2 November 9:00-14:00 worked (300 min, EUR 25.00), 4 November
    corrected to 9:00-11:10 (130 min, EUR 10.83), 30 November still planned (300 min).
    Bram (no allowance): 28 October 300 min. The month maximum is set at EUR 30: Ans's
    November (EUR 35.83) is over it, her year (EUR 35.83 of EUR 2100) is not."""
    coby = sqlite_room["coordinator"]
    clock.at(dt.date(2026, 10, 26), 8)
    for weekday in (0, 2):
        templates.add_template(coby, templates.TemplateForm(weekday, "o", "9:00", "14:00", 1))
    people = {}
    for name, rate in (("Ans", "5"), ("Bram", "")):
        account = auth.create_account_as_admin(name, "volunteer", "826419")
        people[name] = volunteers.save_profile(coby, volunteers.ProfileForm(account.id, hourly_allowance=rate)).id
    templates.generate(dt.date(2026, 10, 26), dt.date(2026, 11, 30))

    def on(day: dt.date) -> int:
        return next(d for d in shifts.week(day).days if d.day == day).shifts["o"].id

    for day, name in ((dt.date(2026, 10, 28), "Bram"), (NOV_2, "Ans"), (dt.date(2026, 11, 4), "Ans"),
                      (dt.date(2026, 11, 30), "Ans")):
        shifts.assign(coby, on(day), people[name])
    clock.at(WED, 9)
    for day in (dt.date(2026, 10, 28), NOV_2, dt.date(2026, 11, 4)):
        assert attendance.confirm_planned(coby, day) == 1
    nov_4 = next(p for p in shifts.shift(on(dt.date(2026, 11, 4))).people)
    attendance.correct(coby, nov_4.assignment_id, "9:00", "11:10")
    settings.change("allowance_limits", "2026: 30 / 2100", coby.account_id)
    return people


async def test_the_hours_mark_a_month_over_the_maximum_and_export_a_statement(worked, sqlite_url, tmp_path):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await log_in_and_open(app, pilot, "coby", "246813", HoursScreen())
        period = text_of(screen, "#hours-period")
        assert "november 2026" in period and "€ 30,00" in period
        ans, bram = rows(screen, "#hours")
        assert ans == ["Ans", "7,2", "7,2", "5", "€ 35,83 ✗", "€ 35,83"]
        assert bram == ["Bram", "", "5", "", "", ""]
        over = screen.query_one("#hours", DataTable).get_row_at(0)[4]
        assert "red" in str(over.style)  # the colour as well as the symbol
        assert "✗ 1" in text_of(screen, "#hours-total")

        # back a month: October, where only Bram worked and nobody is over
        await pilot.press("left")
        await pilot.pause()
        assert "oktober 2026" in text_of(screen, "#hours-period")
        ans, bram = rows(screen, "#hours")
        assert ans[1] == "" and bram[1] == "5"
        assert not any("✗" in cell for row in rows(screen, "#hours") for cell in row)
        await pilot.press("right")
        await pilot.pause()
        assert "november 2026" in text_of(screen, "#hours-period")

        # e: Ans's November statement, as csv beside the database
        assert screen.highlighted().name == "Ans"
        await pilot.press("e")
        await pilot.pause()
        path = tmp_path / "vergoedingen" / "2026-11-ans.csv"
        assert path.exists()
        assert notified(app, str(path))
        lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert lines[0][0] == "vrijwilliger"  # Dutch headers (issue 14)
        assert [line[1] for line in lines[1:]] == ["2026-11-02", "2026-11-04", "totaal"]
        assert lines[-1][-2:] == ["430", "35.83"]
        assert allowance.statements_dir() == tmp_path / "vergoedingen"
