"""F6: the report for a period beside a year earlier, and the year's rhythm in two charts.

Figures are exact here (the coordinator's view); exports hide counts of 1 to 4.
The report is built in a worker: a year on a big database takes up to a second.
"""
from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, TabbedContent, TabPane
from bwk_tui.ui.widgets.plain import Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot


from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.reports import report_export, reports
from bwk_tui.services.kernel import clock
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen

KINDS = ("month", "quarter", "year")


def period_for(kind: str, anchor: dt.date) -> clock.Period:
    if kind == "month":
        return clock.parse_period(f"{anchor.year}-{anchor.month:02d}")
    if kind == "quarter":
        return clock.parse_period(f"{anchor.year}-Q{(anchor.month - 1) // 3 + 1}")
    return clock.parse_period(str(anchor.year))


def shift(kind: str, anchor: dt.date, step: int) -> dt.date:
    months = {"month": 1, "quarter": 3, "year": 12}[kind] * step
    index = anchor.year * 12 + anchor.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class ReportsScreen(DeskScreen):
    TITLE_KEY = "section.reports"
    HELP_KEY = "reports.help"
    HINT_KEY = "reports.keys"
    CSS_PATH = "reports.tcss"
    KEYS = (
        Key("left", "period(-1)", show=False, priority=True),
        Key("right", "period(1)", show=False, priority=True),
        Key("m", "kind('month')", show=False),
        Key("k", "kind('quarter')", show=False),
        Key("j", "kind('year')", show=False),
        Key("g", "toggle_charts", show=False),
        Key("x", "export('xlsx')", show=False),
        Key("c", "export('csv')", show=False),
    )

    def __init__(self):
        super().__init__()
        self.kind = "quarter"
        self.anchor = clock.today()
        self.report: reports.Report | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="report-period", classes="column-title")
        with TabbedContent(id="report-tabs"):
            with TabPane(t("reports.tab_figures"), id="tab-figures"):
                yield DataTable(id="report-table", cursor_type="row", zebra_stripes=True)
            with TabPane(t("reports.tab_charts"), id="tab-charts"):
                yield PlotextPlot(id="chart-weeks")
                yield PlotextPlot(id="chart-months")

    def on_mount(self) -> None:
        table = self.query_one("#report-table", DataTable)
        # A fixed label width keeps the figures on screen at 80 columns; longer labels end in "…".
        self.label_width = max(28, self.app.size.width - 44)
        table.add_column(t("reports.col_figure"), width=self.label_width)
        for key in ("reports.col_period", "reports.col_previous", "reports.col_change"):
            table.add_column(t(key))
        self.load()
        self.load_charts()

    def action_toggle_charts(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-charts" if tabs.active == "tab-figures" else "tab-figures"

    def _label(self, text: str) -> str:
        return text if len(text) <= self.label_width else text[: self.label_width - 1] + "…"

    def action_export(self, fmt: str) -> None:
        """x or c: the report on screen, as bwk report would write it, into exports/ beside the database."""
        if self.report is None:
            self.notify(t("reports.export_not_ready"), severity="warning")
            return
        try:
            path = report_export.write_export(self.report, fmt)
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=10)
            return
        self.notify(t("reports.exported", period=self.report.period.label, path=str(path)), timeout=12)

    # --- choosing the period ------------------------------------------------------------

    def action_period(self, step: int) -> None:
        self.anchor = shift(self.kind, self.anchor, step)
        self.load()

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.load()

    # --- the figures --------------------------------------------------------------------

    def load(self) -> None:
        period = period_for(self.kind, self.anchor)
        self.query_one("#report-period", Static).update(t("reports.loading", period=period.label))
        self._build(period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def _build(self, period: clock.Period) -> reports.Report:
        with room.worker_connection():
            return reports.build_report(self.app.session, period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="charts")
    def _series(self) -> tuple[list, list]:
        with room.worker_connection():
            return reports.weekly_visits(52), reports.monthly_households(12)

    def load_charts(self) -> None:
        self._series()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            if event.worker.group == "report":
                self.show_report(event.worker.result)
            elif event.worker.group == "charts":
                self.show_charts(*event.worker.result)
        super().on_worker_state_changed(event)

    def show_report(self, report: reports.Report) -> None:
        self.report = report
        self.query_one("#report-period", Static).update(
            t("reports.period", room=report.room, period=report.period.label, previous=report.previous.label,
              start=clock.day(report.period.start, "medium"), end=clock.day(report.period.end, "medium"))
            + "".join(f" · {note}" for note in report.notes))
        table = self.query_one("#report-table", DataTable)
        table.clear()
        for n, section in enumerate(report.sections):
            table.add_row(Text(self._label(section.title), style="bold"), "", "", "", key=f"s{n}")
            if section.note:
                table.add_row(Text(self._label("  " + section.note), style="dim"), "", "", "", key=f"n{n}")
            for i, row in enumerate(section.rows):
                show = money if row.money else str
                change = ""
                if row.previous:
                    change = f"{(row.value - row.previous) * 100 / abs(row.previous):+.0f}%"
                # A long label wraps onto a second line (height=None) instead of being cut at 80 columns.
                table.add_row(Text(f"  {row.label}"), Text(show(row.value), justify="right"),
                              Text(show(row.previous), justify="right"), Text(change, justify="right"),
                              key=f"r{n}-{i}", height=None)

    # --- the charts ---------------------------------------------------------------------

    def show_charts(self, weeks: list[tuple[dt.date, int]], months: list[tuple[dt.date, int]]) -> None:
        plot = self.query_one("#chart-weeks", PlotextPlot).plt
        plot.clear_data()
        plot.bar(list(range(len(weeks))), [n for _, n in weeks])
        plot.title(t("reports.chart_weeks"))
        every = list(range(0, len(weeks), 8))
        plot.xticks(every, [week_tick(weeks[i][0]) for i in every])
        plot.yticks(*count_ticks([n for _, n in weeks]))
        plot = self.query_one("#chart-months", PlotextPlot).plt
        plot.clear_data()
        plot.bar(list(range(len(months))), [n for _, n in months])
        plot.title(t("reports.chart_households"))
        plot.xticks(list(range(len(months))), [month_tick(d, i == 0) for i, (d, _) in enumerate(months)])
        plot.yticks(*count_ticks([n for _, n in months]))
        for widget in self.query(PlotextPlot):
            widget.refresh()


def week_tick(monday: dt.date) -> str:
    """A week on the chart's axis in Dutch notation: ``7 dec`` (never ``12-07``)."""
    return clock.day(monday, "d MMM")


def month_tick(first: dt.date, with_year: bool = False) -> str:
    """A month on the chart's axis: ``dec``; the first bar and January also name the year (``jan '26``)."""
    return clock.day(first, "LLL ''yy" if with_year or first.month == 1 else "LLL")


def count_ticks(values: list[int], steps: int = 4) -> tuple[list[int], list[str]]:
    """Whole-number ticks for a count axis, written the Dutch way (``1.200``, never ``1200.0``)."""
    from babel.numbers import format_decimal

    from bwk_tui.i18n import current_locale

    top = max(values, default=0)
    step = max(1, -(-top // steps))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if nice >= step:
            step = nice
            break
    ticks = list(range(0, top + step, step)) if top else [0]
    return ticks, [format_decimal(n, format="#,##0", locale=current_locale()) for n in ticks]
