"""F5 Kas: today's figures and the cash book, newest first, a window at a time.

``+`` books money in and ``-`` money out (on today's open day); a coordinator also
reverses an entry (``r``), opens the month and year overview (``o``) and sets a
category's budget (``b``). Every rule is the cash service's: this screen shows what
it returns and the messages it gives.
"""
from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services.kernel.money import money
from bwk_tui.services.cash.cash import Entry
from bwk_tui.services.kernel import clock
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.cash.forms import (BudgetModal, EntryDetailModal, EntryModal, ReverseModal,
                                           direction_text)
from bwk_tui.ui.screens.desk import DeskScreen

PAGE = 50
DATE_STYLE = "dd-MM"  # the year is in the receipt number (receipts are numbered per year)
# Columns: receipt, date, in/out, category, description, amount, balance after.
COLUMNS = ("receipt", "date", "direction", "category", "description", "amount", "balance")
CELL_PADDING = 2  # DataTable puts one space either side of every cell
MIN_DESCRIPTION = 12


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _marked(entry: Entry) -> str:
    """The description with what a strike-through alone may not show (not every terminal draws
    it): this entry was reversed, or this entry is the reversal of another."""
    if entry.reversed_by is not None:
        return t("cash.mark_reversed") + entry.description
    if entry.reverses is not None:
        return t("cash.mark_reversal") + entry.description
    return entry.description


class CashScreen(DeskScreen):
    TITLE_KEY = "section.cash"
    CSS_PATH = "cash.tcss"
    HELP_KEY = "cash.help"
    HINT_KEY = "cash.keys"
    KEYS = (
        Key("plus", "book('in')", show=False),
        Key("minus", "book('out')", show=False),
        Key("r", "reverse", show=False),
        Key("o", "overview", show=False),
        Key("b", "budget", show=False),
    )

    def __init__(self):
        super().__init__()
        session = self.app.session
        if session is not None and not session.is_coordinator:
            self.HINT_KEY = "cash.keys_volunteer"  # only the keys a volunteer can use
        self.loaded: list[Entry] = []
        self.complete = False
        self.widths: dict[str, int] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cash-today")
        yield DataTable(id="cash-entries", cursor_type="row", zebra_stripes=True)
        yield Static(t("cash.empty"), id="cash-empty", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#cash-entries", DataTable).focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the figures and the first window are loaded then.
        # Back from a form or the overview, the rows stay where they were (a booking reloads itself).
        if self.widths:
            self.show_today()
        else:
            self.reload()

    # --- today's figures ----------------------------------------------------------------

    def show_today(self) -> None:
        day = clock.today()
        totals = cash.day_totals(day)
        closed = cash.is_closed(day)
        self.query_one("#cash-today", Static).update(t(
            "cash.today", state=t("cash.state_closed" if closed else "cash.state_open"),
            opening=money(totals.opening_cents), money_in=money(totals.in_cents),
            money_out=money(totals.out_cents), balance=money(cash.balance())))
        self.set_class(closed, "-closed")

    # --- the book, a window at a time ---------------------------------------------------

    def reload(self) -> None:
        self.show_today()
        self.loaded = []
        self.complete = False
        self._fetch()
        self.render_table()
        table = self.query_one("#cash-entries", DataTable)
        if table.row_count:
            table.move_cursor(row=0)

    def _fetch(self) -> list[Entry]:
        if self.complete:
            return []
        before = self.loaded[-1].id if self.loaded else None
        window = cash.entries(before_id=before, limit=PAGE)
        self.loaded.extend(window)
        self.complete = len(window) < PAGE
        return window

    def load_more(self) -> None:
        window = self._fetch()
        if not window:
            return
        table = self.query_one("#cash-entries", DataTable)
        if self._column_widths(self.size.width) != self.widths:
            row = table.cursor_row
            self.render_table()
            table.move_cursor(row=row, animate=False)
            return
        for entry in window:
            self._add_row(table, entry)

    @on(DataTable.RowHighlighted, "#cash-entries")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 3:
            self.load_more()

    def on_resize(self, event: events.Resize) -> None:
        if self._column_widths(event.size.width) != self.widths and self.loaded:
            table = self.query_one("#cash-entries", DataTable)
            row = table.cursor_row
            self.render_table(event.size.width)
            table.move_cursor(row=row, animate=False)

    def _column_widths(self, screen_width: int) -> dict[str, int]:
        """Fixed widths that fit the screen; the description takes what is left and is shortened."""
        amounts = [money(e.amount_cents) for e in self.loaded] or [money(100_000)]
        balances = [money(e.balance_cents or 0) for e in self.loaded] or [money(100_000)]
        sample = clock.day(clock.today().replace(month=12, day=28), DATE_STYLE)
        widths = {
            "receipt": max(len("2026-0000"), len(t("cash.col_receipt"))),
            "date": max(len(sample), len(t("cash.col_date"))),
            "direction": max(len(t("cash.dir_in")), len(t("cash.dir_out")), len(t("cash.col_dir"))),
            "category": max([len(e.category) for e in self.loaded] + [len(t("cash.col_category"))]),
            "amount": max([len(a) for a in amounts] + [len(t("cash.col_amount"))]),
            "balance": max([len(b) for b in balances] + [len(t("cash.col_balance"))]),
        }
        # the page's side padding, the table's scroll bar, one column of slack
        room = max(screen_width, 40) - 2 - 2 - 1 - CELL_PADDING * len(COLUMNS)
        left = room - sum(widths.values())
        if left < MIN_DESCRIPTION:
            widths["category"] = max(10, widths["category"] - (MIN_DESCRIPTION - left))
            left = room - sum(widths.values())
        widths["description"] = max(left, 8)
        return widths

    def render_table(self, screen_width: int | None = None) -> None:
        table = self.query_one("#cash-entries", DataTable)
        self.widths = self._column_widths(screen_width or self.size.width or self.app.size.width)
        table.clear(columns=True)
        for name in COLUMNS:
            label = t(f"cash.col_{'dir' if name == 'direction' else name}")
            justify = "right" if name in ("amount", "balance") else "left"
            table.add_column(Text(label, justify=justify), width=self.widths[name], key=name)
        for entry in self.loaded:
            self._add_row(table, entry)
        self.query_one("#cash-empty", Static).display = not self.loaded

    def _add_row(self, table: DataTable, entry: Entry) -> None:
        w = self.widths
        style = "strike dim" if entry.reversed_by is not None else ""
        colour = "green" if entry.direction == cash.IN else "red"
        balance = money(entry.balance_cents) if entry.balance_cents is not None else ""
        table.add_row(
            Text(entry.receipt, style=style),
            Text(clock.day(entry.entry_date, DATE_STYLE), style=style),
            Text(direction_text(entry.direction), style=f"{colour} {style}".strip()),
            Text(_cut(entry.category, w["category"]), style=style),
            Text(_cut(_marked(entry), w["description"]), style=style),
            Text(money(entry.amount_cents), style=style, justify="right"),
            Text(balance, justify="right"),
            key=str(entry.id))

    def highlighted(self) -> Entry | None:
        table = self.query_one("#cash-entries", DataTable)
        if not self.loaded or not table.row_count:
            return None
        return self.loaded[min(table.cursor_row, len(self.loaded) - 1)]

    @on(DataTable.RowSelected, "#cash-entries")
    def _open_entry(self, event: DataTable.RowSelected) -> None:
        entry = self.highlighted()
        if entry is not None:
            self.app.push_screen(EntryDetailModal(entry))

    # --- booking ------------------------------------------------------------------------

    def action_book(self, direction: str) -> None:
        self.app.push_screen(EntryModal(direction), self._booked)

    def _booked(self, entry: Entry | None) -> None:
        if entry is None:
            return
        self.notify(t("cash.booked", receipt=entry.receipt, amount=money(entry.amount_cents),
                      balance=money(cash.balance())))
        self.reload()

    # --- coordinator --------------------------------------------------------------------

    def _coordinator(self) -> bool:
        if not self.app.session.is_coordinator:
            self.notify(t("error.coordinator_only"), severity="error")
            return False
        return True

    def action_reverse(self) -> None:
        if not self._coordinator():
            return
        entry = self.highlighted()
        if entry is None:
            self.notify(t("cash.none_selected"), severity="warning")
            return
        if entry.reverses is not None:
            self.notify(t("error.reverse_reversal"), severity="error")
            return
        if entry.reversed_by is not None:
            self.notify(t("error.reverse_twice"), severity="error")
            return
        self.app.push_screen(ReverseModal(entry), self._reversed)

    def _reversed(self, entry: Entry | None) -> None:
        if entry is None:
            return
        original = cash.entry_info(entry.reverses).receipt if entry.reverses else ""
        self.notify(t("cash.reversed", receipt=original, by=entry.receipt))
        self.reload()

    def action_overview(self) -> None:
        if not self._coordinator():
            return
        from bwk_tui.ui.screens.cash.overview import OverviewScreen

        self.app.push_screen(OverviewScreen())

    def action_budget(self) -> None:
        if not self._coordinator():
            return
        entry = self.highlighted()
        self.app.push_screen(BudgetModal(entry.category if entry else None), self._budget_saved)

    def _budget_saved(self, name: str | None) -> None:
        if name is not None:
            self.notify(t("cash.budget_saved", name=name))
