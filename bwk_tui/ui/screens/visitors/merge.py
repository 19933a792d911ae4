"""Coordinator: find the second record of the same person, then merge it into this one."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.ui.widgets.tables import step_cursor
from bwk_tui.services.visitors import persons
from bwk_tui.ui.widgets.form import FORM_CSS


class MergeModal(ModalScreen[int | None]):
    """Dismisses with the id of the person to merge into ``keep_id`` (after a second Enter)."""

    BINDINGS = [Binding("escape", "cancel", show=False), Binding("down", "cursor(1)", show=False),
                Binding("up", "cursor(-1)", show=False)]
    CSS_PATH = FORM_CSS

    def __init__(self, keep_id: int, keep_name: str):
        super().__init__()
        self.keep_id = keep_id
        self.keep_name = keep_name
        self.hits: list[persons.PersonHit] = []
        self.chosen: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("merge.title", name=self.keep_name), classes="dialog-title")
            yield Static(t("merge.help"), classes="muted")
            yield Input(id="merge-search", placeholder=t("visitors.search_placeholder"))
            yield DataTable(id="merge-results", cursor_type="row")
            yield Static("", id="merge-question", classes="error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("visitors.col_name"), t("visitors.col_code"), t("visitors.col_pc4"))
        table.can_focus = False
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.chosen = None
        self.query_one("#merge-question", Static).update("")
        self.hits = [h for h in persons.search(event.value, limit=10) if h.id != self.keep_id] if event.value else []
        table = self.query_one(DataTable)
        table.clear()
        for hit in self.hits:
            table.add_row(hit.name, hit.household_code or "", str(hit.pc4 or ""), key=str(hit.id))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        step_cursor(table, step)
        self.chosen = None  # a new highlight needs its own second Enter
        self.query_one("#merge-question", Static).update("")

    @on(Input.Submitted)
    def _enter(self) -> None:
        table = self.query_one(DataTable)
        if not self.hits:
            return
        hit = self.hits[table.cursor_row]
        if self.chosen == hit.id:
            self.dismiss(hit.id)
            return
        self.chosen = hit.id
        self.query_one("#merge-question", Static).update(t("merge.confirm", other=hit.name, keep=self.keep_name))

    def action_cancel(self) -> None:
        self.dismiss(None)
