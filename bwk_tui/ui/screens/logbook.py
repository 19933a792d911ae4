"""F8 → l: the Logboek (coordinator). Newest first, a page at a time (m: more), filtered by account,
kind, person and day; Enter in a filter field applies it. Opening it is recorded in the log."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel.text import cut
from bwk_tui.services.room import logbook
from bwk_tui.services.visitors import persons, visits
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen
from bwk_tui.ui.widgets.plain import Static
from bwk_tui.ui.widgets.tables import room


class LogbookScreen(DeskScreen):
    TITLE_KEY = "logbook.title"
    HELP_KEY = "logbook.help"
    HINT_KEY = "logbook.keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("m", "more", show=False),
    )
    DEFAULT_CSS = """
    LogbookScreen #logbook-filters { height: auto; }
    LogbookScreen #logbook-filters Input { width: 1fr; }
    LogbookScreen #logbook { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.where = logbook.Filter()
        self.last_id: int | None = None
        self.lines: dict[int, logbook.Line] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="logbook-filters"):
            yield Input(placeholder=t("logbook.f_account"), id="f-account", compact=True)
            yield Input(placeholder=t("logbook.f_action"), id="f-action", compact=True)
            yield Input(placeholder=t("logbook.f_person"), id="f-person", compact=True)
            yield Input(placeholder=t("logbook.f_day"), id="f-day", compact=True)
        yield Static("", id="logbook-status", classes="muted")
        yield DataTable(id="logbook", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#logbook", DataTable)
        table.add_columns(t("logbook.col_at"), t("logbook.col_account"), t("logbook.col_action"),
                          t("logbook.col_record"), t("logbook.col_detail"))
        try:
            logbook.open_logbook(self.app.session)
        except BwkError as exc:
            self.notify(exc.message(), severity="error")
            self.app.pop_screen()
            return
        self.reload()
        table.focus()

    def reload(self) -> None:
        self.last_id = None
        self.lines = {}
        self.query_one("#logbook", DataTable).clear()
        self.action_more()

    def action_more(self) -> None:
        try:
            lines = logbook.page(self.app.session, self.where, before_id=self.last_id)
        except BwkError as exc:
            self.notify(exc.message(), severity="error")
            return
        table = self.query_one("#logbook", DataTable)
        width = max(10, room(self.size.width, 5) - 11 - 12 - 16 - 14)
        for line in lines:
            self.lines[line.id] = line
            record = f"{line.entity} {line.entity_id}" if line.entity_id is not None else line.entity
            table.add_row(clock.moment(line.at), line.account_name or "—", line.action, record,
                          cut(line.detail, width), key=str(line.id))
        if lines:
            self.last_id = lines[-1].id
        status = t("logbook.shown", count=table.row_count) if lines or table.row_count else t("logbook.empty")
        self.query_one("#logbook-status", Static).update(status)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a line: its whole detail (the column is cut at 80 columns)."""
        line = self.lines.get(int(event.row_key.value))
        if line is not None:
            self.notify(f"{line.action} · {line.entity} {line.entity_id or ''}\n{line.detail or '—'}",
                        title=clock.moment(line.at), timeout=15, markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {i.id: i.value.strip() for i in self.query(Input)}
        day = None
        if values["f-day"]:
            try:
                day = visits.parse_date(values["f-day"], "day", prefer="past")
            except BwkError as exc:
                self.notify(exc.message(), severity="error")
                return
        person_ids: tuple[int, ...] = ()
        if values["f-person"]:
            person_ids = tuple(hit.id for hit in persons.search(values["f-person"])) or (-1,)
        self.where = logbook.Filter(values["f-account"], values["f-action"], person_ids, day)
        self.reload()
        self.query_one("#logbook", DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
