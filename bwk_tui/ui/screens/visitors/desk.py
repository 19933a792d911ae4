"""F2: search, check in, who is in now.

Focus starts in the search box. Typing filters the list at once; the arrow keys
move the highlight without leaving the box; Enter checks in the highlighted
person (or registers what was typed as a new person when nothing matches).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.ui.widgets.tables import step_cursor
from bwk_tui.ui.widgets.texts import count_text
from bwk_tui.services.kernel import clock
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.visitors.persons import PersonHit
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen
from bwk_tui.ui.screens.visitors.checkin import CheckInModal
from bwk_tui.ui.screens.visitors.person_form import PersonModal
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.services.kernel.errors import BwkError
from textual.binding import Binding
from textual.screen import ModalScreen
from bwk_tui.ui.widgets.form import FORM_CSS


class TimeModal(ModalScreen[str]):
    """One question, one time typed (uu:mm); Escape puts it away (returns "")."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    CSS_PATH = FORM_CSS

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, id="question")
            yield Input(placeholder="16:30", id="time")

    def on_mount(self) -> None:
        self.query_one("#time", Input).focus()

    @on(Input.Submitted, "#time")
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or "")

    def action_cancel(self) -> None:
        self.dismiss("")

NEW_ROW = "new"


class VisitorsScreen(DeskScreen):
    TITLE_KEY = "section.visitors"
    CSS_PATH = "visitors.tcss"
    HELP_KEY = "visitors.help"
    HINT_KEY = "visitors.keys"
    KEYS = (
        Key("down", "cursor(1)", show=False),
        Key("up", "cursor(-1)", show=False),
        Key("pagedown", "cursor(10)", show=False),
        Key("pageup", "cursor(-10)", show=False),
        Key("ctrl+n", "new_person", "visitors.key_new", key_display="^N", show=False),
        Key("ctrl+o", "open_person", "visitors.key_open", key_display="^O", show=False),
        Key("f7", "walk_in", "visitors.key_walk_in", key_display="F7", show=False),
        Key("ctrl+u", "check_out", "visitors.key_out", key_display="^U", show=False, priority=True),
        Key("escape", "clear", show=False),
    )

    def __init__(self):
        super().__init__()
        self.hits: list[PersonHit] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="today")
        with Horizontal(id="visitors-columns"):
            with Vertical(id="search-column"):
                yield Input(placeholder=t("visitors.search_placeholder"), id="search")
                yield DataTable(id="results", cursor_type="row", show_cursor=True, zebra_stripes=True)
            with Vertical(id="in-column"):
                yield Static(t("visitors.in_now"), classes="column-title", id="in-title")
                yield DataTable(id="in-now", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        results = self.query_one("#results", DataTable)
        results.add_columns(t("visitors.col_name"), t("visitors.col_code"), t("visitors.col_pc4"),
                            t("visitors.col_last"))
        results.can_focus = False  # the arrow keys move it from the search box
        self.query_one("#in-now", DataTable).add_columns(t("visitors.col_name"), t("visitors.col_since"))
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the lists are filled here, once.
        self.refresh_all()

    def refresh_all(self) -> None:
        self.run_search(self.query_one("#search", Input).value)
        self.refresh_in_now()

    # --- search -------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    def run_search(self, text: str) -> None:
        self.hits = persons.search(text)
        table = self.query_one("#results", DataTable)
        table.clear()
        for hit in self.hits:
            last = clock.day(hit.last_visit, "short") if hit.last_visit else ""
            table.add_row(hit.name, hit.household_code or "", str(hit.pc4 or ""), last, key=str(hit.id))
        if not self.hits and text.strip():
            table.add_row(t("visitors.new_person_row", text=text.strip()), "", "", "", key=NEW_ROW)
        if table.row_count:
            table.move_cursor(row=0)

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#results", DataTable)
        step_cursor(table, step)

    def highlighted(self) -> PersonHit | None:
        table = self.query_one("#results", DataTable)
        if not self.hits or not table.row_count:
            return None
        return self.hits[min(table.cursor_row, len(self.hits) - 1)]

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

    # --- check-in -----------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _enter(self) -> None:
        hit = self.highlighted()
        if hit is None:
            if self.query_one("#search", Input).value.strip():
                self.action_new_person()
            return
        self.check_in(hit.id, f"{hit.name} ({hit.household_code})" if hit.household_code else hit.name)

    @on(DataTable.RowSelected, "#results")
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self._enter()

    def check_in(self, person_id: int, name: str) -> None:
        open_id = visits.open_visit_id(person_id)
        if open_id is not None:
            self._offer_open_visit(person_id, name, open_id)
            return
        self.app.push_screen(CheckInModal(person_id, name), self._checked_in)

    def _offer_open_visit(self, person_id: int, name: str, visit_id: int) -> None:
        line = visits.visit_line(self.app.session, visit_id)
        question = t("error.already_in", name=name, since=clock.clock_time(line.arrived_at))
        question += " " + t("visitors.open_visit_question")

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(CheckInModal(person_id, name, visit=line), self._visit_saved)

        self.app.push_screen(ConfirmModal(question, "visitors.open_visit"), answered)

    def _checked_in(self, visit_id: int | None) -> None:
        if visit_id is None:
            return
        self.notify(t("visitors.checked_in"))
        self.action_clear()
        self.refresh_all()

    def _visit_saved(self, visit_id: int | None) -> None:
        if visit_id is not None:
            self.notify(t("visitors.visit_saved"))
            self.refresh_all()

    def action_new_person(self) -> None:
        typed = self.query_one("#search", Input).value

        def registered(person) -> None:
            if person is not None:
                self.action_clear()
                self.check_in(person.id, f"{person.name} ({person.household_code})")

        self.app.push_screen(PersonModal(typed), registered)

    def action_open_person(self) -> None:
        hit = self.highlighted()
        if hit is not None:
            from bwk_tui.ui.screens.visitors.person_page import PersonScreen

            self.app.push_screen(PersonScreen(hit.id))

    # --- who is in now, walk-ins --------------------------------------------------------

    def refresh_in_now(self) -> None:
        table = self.query_one("#in-now", DataTable)
        table.clear()
        in_now = visits.who_is_in()
        self._earlier = {row.visit_id: row for row in in_now if row.from_earlier_day}
        for row in in_now:
            since = clock.clock_time(row.arrived_at)
            if row.from_earlier_day:  # nobody closed that day: check out with the real time
                since = f"{t('visitors.open_since_yesterday')} ({clock.day(row.visit_date, 'short')} {since})"
            table.add_row(row.name, since, key=str(row.visit_id))
        self.query_one("#in-title", Static).update(t("visitors.in_now_count", count=len(in_now)))
        counts = visits.today_counts()
        self.query_one("#today", Static).update(
            t("visitors.today", visits=count_text("count.visits", counts.visits),
              households=count_text("count.households", counts.households),
              walk_ins=count_text("count.walk_ins", counts.walk_ins)))

    def action_check_out(self) -> None:
        table = self.query_one("#in-now", DataTable)
        if not table.row_count:
            self.notify(t("visitors.nobody_in"), severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        name = table.get_row(key)[0]
        earlier = getattr(self, "_earlier", {}).get(int(key))
        if earlier is not None:
            question = t("visitors.checkout_time_question", name=name, day=clock.day(earlier.visit_date))
            self.app.push_screen(TimeModal(question), lambda text: self._check_out(int(key), name, text))
            return
        self._check_out(int(key), name, None)

    def _check_out(self, visit_id: int, name: str, left_at: str | None) -> None:
        if left_at == "":
            return  # the question was put away
        try:
            visits.check_out(self.app.session, visit_id, left_at)
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=8)
            return
        self.notify(t("visitors.checked_out", name=name))
        self.refresh_in_now()

    def action_walk_in(self) -> None:
        try:
            count = visits.add_walk_in(self.app.session)
        except BwkError as exc:  # the day has been signed
            self.notify(exc.message(), severity="error", timeout=10)
            return
        self.notify(t("visitors.walk_in_added", count=count))
        self.refresh_in_now()

    @on(DataTable.RowSelected, "#in-now")
    def _open_in_now(self, event: DataTable.RowSelected) -> None:
        line = visits.visit_line(self.app.session, int(event.row_key.value))
        name = event.data_table.get_row(event.row_key)[0]
        self.app.push_screen(CheckInModal(0, name, visit=line), self._visit_saved)
