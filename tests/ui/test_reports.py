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


async def test_f6_writes_the_export_itself_beside_the_database(sqlite_db, sqlite_url):
    import os
    import stat
    from pathlib import Path

    from bwk_tui.i18n import t
    from bwk_tui.ui.screens.help import HelpModal

    summary = demo.build_demo(seed=4, scale="small")
    app = BwkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*summary.coordinator_name, "tab", *summary.coordinator_pin, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert "x xlsx · c csv" in str(screen.query_one(".key-hint", Static).render())
        folder = Path(sqlite_url).parent / "exports"
        period = screen.report.period
        for key, fmt in (("x", "xlsx"), ("c", "csv")):
            await pilot.press(key)
            await pilot.pause()
            path = folder / f"rapport-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
            assert path.is_file(), fmt
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            assert any(str(path) in str(n.message) and period.label in str(n.message) for n in app._notifications)
        assert path.read_text(encoding="utf-8").startswith("\ufeff")  # the csv opens right in Dutch Excel
        with open(folder / f"rapport-{period.start.isoformat()}-{period.end.isoformat()}.xlsx", "rb") as book:
            assert book.read(2) == b"PK"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert t("reports.help") in [str(s.render()) for s in app.screen.query(Static)]
        assert "x schrijft het rapport als Excel-bestand" in t("reports.help")


def test_chart_ticks_are_written_the_dutch_way():
    import datetime as dt

    from bwk_tui.ui.screens.reports.screen import count_ticks, month_tick, week_tick

    assert week_tick(dt.date(2026, 3, 30)) == "30 mrt"
    assert week_tick(dt.date(2026, 5, 4)) == "4 mei"
    assert month_tick(dt.date(2026, 10, 1)) == "okt"
    assert month_tick(dt.date(2027, 1, 1)) == "jan '27"  # a new year names itself
    assert month_tick(dt.date(2026, 3, 1), with_year=True) == "mrt '26"
    ticks, labels = count_ticks([0, 1234, 800])
    assert ticks == [0, 500, 1000, 1500] and labels == ["0", "500", "1.000", "1.500"]
    assert count_ticks([]) == ([0], ["0"])


async def test_f6_charts_show_dutch_months_at_80x24(sqlite_db):
    summary = demo.build_demo(seed=4, scale="small")
    app = BwkApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*summary.coordinator_name, "tab", *summary.coordinator_pin, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        weeks, months = (widget.render().plain for widget in app.screen.query(PlotextPlot))
        assert any(name in months for name in ("mrt", "mei", "okt"))  # Dutch month names, not 03-26
        assert not any(f"-{y}" in months for y in ("25", "26", "27"))
        assert any(f" {name} " in weeks or weeks.rstrip().endswith(name) for name in
                   ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"))
        assert ".0" not in weeks and ".0" not in months  # whole counts, no decimal points
