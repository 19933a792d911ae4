"""The cash overview (coordinator): a month or a year per category, the budget beside the actuals."""
from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel import clock
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.cash.forms import BudgetModal, CategoryModal
from bwk_tui.ui.screens.desk import DeskScreen


class OverviewScreen(DeskScreen):
    TITLE_KEY = "section.cash"  # the header has no room for more at 80 columns
    CSS_PATH = "cash.tcss"
    HELP_KEY = "cash.overview_help"
    HINT_KEY = "cash.overview_keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("left", "step(-1)", show=False, priority=True),
        Key("right", "step(1)", show=False, priority=True),
        Key("m", "toggle_period", show=False),
        Key("b", "budget", show=False),
        Key("n", "new_category", show=False),
    )

    def __init__(self, year: int | None = None, month: int | None = None):
        super().__init__()
        now = clock.today()
        self.year = year or now.year
        self.month: int | None = month if year else now.month  # None: the whole year
        self.lines: list[cash.OverviewLine] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="overview-period")
        yield DataTable(id="overview", cursor_type="row", zebra_stripes=True)
        yield Static("", id="overview-total")

    def on_mount(self) -> None:
        self.query_one("#overview", DataTable).focus()
        self.reload()

    def period_text(self) -> str:
        if self.month is None:
            return t("cash.overview_year", year=self.year)
        return t("cash.overview_month", month=clock.day(dt.date(self.year, self.month, 1), "MMMM y"))

    def reload(self) -> None:
        lines = self.lines = cash.overview(self.app.session, self.year, self.month)
        self.query_one("#overview-period", Static).update(self.period_text())
        table = self.query_one("#overview", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        budget_label = t("cash.col_budget_month" if self.month else "cash.col_budget")
        for key, label in (("category", t("cash.col_category")), ("in", t("cash.dir_in")),
                           ("out", t("cash.dir_out")), ("budget", budget_label), ("pct", t("cash.col_pct"))):
            table.add_column(Text(label, justify="left" if key == "category" else "right"), key=key)
        for line in lines:
            actual = abs(line.net_cents)  # a reversal in the same category takes its amount back off
            share = actual * 100 // line.budget_cents if line.budget_cents else None
            pct = Text(f"{share} %" if share is not None else "", justify="right",
                       style="bold red" if share is not None and share > 100 else "")
            table.add_row(line.category, _money(line.in_cents), _money(line.out_cents),
                          _money(line.budget_cents), pct)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        money_in = sum(line.in_cents for line in lines)
        money_out = sum(line.out_cents for line in lines)
        self.query_one("#overview-total", Static).update(t(
            "cash.overview_total", money_in=money(money_in), money_out=money(money_out),
            net=money(money_in - money_out)))

    def highlighted_category(self) -> str | None:
        table = self.query_one("#overview", DataTable)
        if not table.row_count:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)].category

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        if self.month is None:
            self.year += step
        else:
            index = self.year * 12 + self.month - 1 + step
            self.year, self.month = divmod(index, 12)
            self.month += 1
        self.reload()

    def action_toggle_period(self) -> None:
        self.month = None if self.month else (clock.today().month if self.year == clock.today().year else 12)
        self.reload()

    def action_budget(self) -> None:
        self.app.push_screen(BudgetModal(self.highlighted_category()), self._budget_saved)

    def _budget_saved(self, name: str | None) -> None:
        if name is not None:
            self.notify(t("cash.budget_saved", name=name))
            self.reload()

    def action_new_category(self) -> None:
        self.app.push_screen(CategoryModal(), self._category_added)

    def _category_added(self, name: str | None) -> None:
        if name is not None:
            self.notify(t("cash.category_added", name=name))
            self.reload()


def _money(cents: int | None) -> Text:
    return Text(money(cents) if cents else ("" if cents is None else "-"), justify="right")
