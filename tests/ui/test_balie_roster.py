"""F3 without traps (issue 15): the highlight stays after an action, `a` only around the shift,
toasts that name the shift and say what to do."""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable

from bwk_tui.services.roster import attendance
from bwk_tui.services.roster import shifts
from bwk_tui.ui.app import BwkApp

from tests.ui.test_roster import SIZE, THURSDAY, TODAY, day_clock, notified, open_roster, thursday  # noqa: F401


async def test_the_highlight_stays_on_the_shift_after_signing_up(thursday):
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, "Vera", "135724")
        table = screen.query_one("#week", DataTable)
        table.move_cursor(row=3, column=2)  # Thursday afternoon
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.pause()
        assert notified(app, "Ingeschreven: donderdag 26 november")
        assert (table.cursor_row, table.cursor_column) == (3, 2)  # not back to the morning column
    afternoon = shifts.week(TODAY).days[3].shifts["m"]
    assert [p.name for p in afternoon.planned] == ["Vera"]


async def test_a_signs_in_only_around_the_shift_and_the_toast_names_it(thursday, clock):
    morning = shifts.week(TODAY).days[3].shifts["o"]
    opens = morning.starts_min - 30
    clock.at(THURSDAY, opens // 60 - 1, opens % 60)  # an hour before sign-in opens
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, "Vera", "135724")
        table = screen.query_one("#week", DataTable)
        table.move_cursor(row=3, column=1)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert notified(app, f"kan vanaf {opens // 60:02d}:{opens % 60:02d}")
        vera = next(p for p in shifts.week(TODAY).days[3].shifts["o"].planned if p.name == "Vera")
        assert attendance.line(vera.assignment_id).signed_in_at is None
        clock.at(THURSDAY, opens // 60, opens % 60 + 5)
        await pilot.press("a")
        await pilot.pause()
        assert notified(app, "voor donderdag 26 november · ochtend")
        assert attendance.line(vera.assignment_id).signed_in_at is not None
        assert (table.cursor_row, table.cursor_column) == (3, 1)

        table.move_cursor(row=3, column=2)  # the afternoon, where Vera is not
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert notified(app, "U staat niet op deze dienst. Druk op i om u in te schrijven.")
