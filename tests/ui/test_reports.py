"""F6 Rapportage: the coordinator sees the period's figures beside a year earlier, and the charts."""
from __future__ import annotations

from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from bwk_tui import demo
from bwk_tui.services.reports import reports
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.reports import ReportsScreen

SIZE = (100, 34)


async def test_f6_shows_the_quarter_and_moves_between_periods(sqlite_db):
    summary = demo.build_demo(seed=4, scale="small")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*summary.coordinator_name, "tab", *summary.coordinator_pin, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        expected = reports.build_report(app.session, screen.report.period)  # the same figures as the service gives
        table = screen.query_one("#report-table", DataTable)
        labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        first_row = expected.sections[0].rows[0]
        shown = next(table.get_row_at(i) for i in range(table.row_count) if first_row.label in labels[i])
        assert str(shown[1]) == str(first_row.value) and str(shown[2]) == str(first_row.previous)
        assert sum(w.width for w in table.columns.values()) <= 100  # the figures stay on screen
        quarter = screen.report.period
        await pilot.press("left")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report.period.end < quarter.start
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report.period.label == str(screen.report.period.start.year)
        assert "naast" in str(screen.query_one("#report-period", Static).render())
        assert len(screen.query(PlotextPlot)) == 2
        await pilot.press("g")
        await pilot.pause()
        assert screen.query_one("#report-tabs").active == "tab-charts"
