"""F2: search, check in, who is in now.

Focus starts in the search box. Typing filters the list at once; the arrow keys
move the highlight without leaving the box; Enter checks in the highlighted
person (or registers what was typed as a new person when nothing matches).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.ui.widgets.tables import step_cursor
from bwk_tui.ui.widgets.texts import count_text
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.text import fold
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


@dataclass(frozen=True)
class LastAction:
    """The desk's last check-in, check-out or walk-in: Ctrl+Z takes it back for a minute."""

    kind: str  # check_in, check_out, walk_in
    visit_id: int
    name: str
    at: float = field(default_factory=time.monotonic)


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
        Key("ctrl+z", "undo", "visitors.key_undo", key_display="^Z", show=False, priority=True),
        Key("escape", "clear", show=False),
    )

    def __init__(self):
        super().__init__()
        self.hits: list[PersonHit] = []
        self.in_now: list[visits.InNow] = []
        self._in_by_person: dict[int, visits.InNow] = {}
        self.last_action: LastAction | None = None
        self._pending_name = ""
        self._earlier: dict[int, visits.InNow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="today")
        yield Static("", id="desk-target")
        with Horizontal(id="visitors-columns"):
            with Vertical(id="search-column"):
                yield Input(placeholder=t("visitors.search_placeholder"), id="search")
                yield DataTable(id="results", cursor_type="row", show_cursor=True, zebra_stripes=True)
            with Vertical(id="in-column"):
                yield Static(t("visitors.in_now"), classes="column-title", id="in-title")
                yield DataTable(id="in-now", cursor_type="row", zebra_stripes=True)
        yield Static("", id="desk-status")

    def on_mount(self) -> None:
        results = self.query_one("#results", DataTable)
        results.add_columns(t("visitors.col_name"), t("visitors.col_code"), t("visitors.col_pc4"),
                            t("visitors.col_last"))
        results.can_focus = False  # the arrow keys move it from the search box
        in_now = self.query_one("#in-now", DataTable)
        # A fixed name width: at 80 columns a long name is cut, never the time beside it.
        in_now.add_column(t("visitors.col_name"), width=19)
        in_now.add_column(t("visitors.col_since"))
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the lists are filled here, once.
        self.refresh_all()
        # After a dialog or the person page, typing goes to the search box again (unless the
        # volunteer was working in "Nu binnen").
        in_now = self.query_one("#in-now", DataTable)
        if self.focused is not in_now or not in_now.row_count:
            self.query_one("#search", Input).focus()

    def refresh_all(self) -> None:
        self.refresh_in_now()
        self.run_search(self.query_one("#search", Input).value)

    # --- search -------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    def run_search(self, text: str) -> None:
        # Who is in now ranks first: checking someone out starts with typing their name too.
        self.hits = persons.search(text, first=list(self._in_by_person))
        table = self.query_one("#results", DataTable)
        table.clear()
        for hit in self.hits:
            if hit.id in self._in_by_person:
                last = t("visitors.is_in_mark")
            else:
                # Two-digit year: the column keeps its 8 characters at 80 columns.
                last = clock.day(hit.last_visit, "dd-MM-yy") if hit.last_visit else ""
            table.add_row(hit.name, hit.household_code or "", str(hit.pc4 or ""), last, key=str(hit.id))
        if not self.hits and text.strip():
            table.add_row(t("visitors.new_person_row", text=text.strip()), "", "", "", key=NEW_ROW)
        if table.row_count:
            table.move_cursor(row=0)
        self.fill_in_now(text)
        self.show_target()

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#results", DataTable)
        step_cursor(table, step)
        self.show_target()

    def on_descendant_focus(self) -> None:
        self.show_target()

    @on(DataTable.RowHighlighted, "#in-now")
    def _in_now_moved(self) -> None:
        self.show_target()

    def show_target(self) -> None:
        """Under the search box: who Enter and Ctrl+U act on now, before the key is pressed."""
        line = self.query_one("#desk-target", Static)
        target = self.check_out_target()
        if self.focused is self.query_one("#in-now", DataTable):
            line.update(t("visitors.target_out", name=target.name) if target else "")
            return
        hit = self.highlighted()
        if hit is None:
            line.update("")
        elif target is not None:
            line.update(t("visitors.target_in_and_out", name=hit.name, since=clock.clock_time(target.arrived_at)))
        else:
            line.update(t("visitors.target_in", name=hit.name))

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
        self._pending_name = name.split(" (")[0] if name.endswith(")") else name
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
        line = visits.visit_line(self.app.session, visit_id)
        name = self._pending_name
        self.last_action = LastAction("check_in", visit_id, name)
        self.say(t("visitors.checked_in_named", name=name, time=clock.clock_time(line.arrived_at))
                 + t("visitors.undo_hint"))
        self.action_clear()
        self.refresh_all()

    def _visit_saved(self, visit_id: int | None) -> None:
        if visit_id is not None:
            self.say(t("visitors.visit_saved"))
            self.refresh_all()

    def say(self, message: str, error: bool = False) -> None:
        """The desk's messages stand in their own line above the lists: a toast would cover rows."""
        status = self.query_one("#desk-status", Static)
        status.set_class(error, "error")
        status.update(message)

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
        self.in_now = visits.who_is_in()
        self._in_by_person = {row.person_id: row for row in self.in_now}
        self._earlier = {row.visit_id: row for row in self.in_now if row.from_earlier_day}
        self.query_one("#in-title", Static).update(t("visitors.in_now_count", count=len(self.in_now)))
        counts = visits.today_counts()
        self.query_one("#today", Static).update(
            t("visitors.today", visits=count_text("count.visits", counts.visits),
              households=count_text("count.households", counts.households),
              walk_ins=count_text("count.walk_ins", counts.walk_ins)))

    def fill_in_now(self, text: str = "") -> None:
        """'Nu binnen', narrowed by what is typed in the search box (the same rule as the search)."""
        table = self.query_one("#in-now", DataTable)
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        table.clear()
        wanted = fold(text)
        for row in self.in_now:
            if wanted and wanted not in fold(f"{row.name} {row.household_code or ''}"):
                continue
            since = clock.clock_time(row.arrived_at)
            if row.from_earlier_day:  # nobody closed that day: check out with the real time
                since = f"{t('visitors.open_since_yesterday')} ({clock.day(row.visit_date, 'short')} {since})"
            table.add_row(row.name, since, key=str(row.visit_id))
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))

    def check_out_target(self) -> visits.InNow | None:
        """Who Ctrl+U checks out: the highlighted row of 'Nu binnen' when it has the focus, else the
        person highlighted in the search list when they are in. Never someone not highlighted."""
        table = self.query_one("#in-now", DataTable)
        if self.focused is table:
            if not table.row_count:
                return None
            visit_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            return next((row for row in self.in_now if row.visit_id == visit_id), None)
        hit = self.highlighted()
        return self._in_by_person.get(hit.id) if hit is not None else None

    def action_check_out(self) -> None:
        target = self.check_out_target()
        if target is None:
            hit = self.highlighted()
            if self.focused is not self.query_one("#in-now", DataTable) and hit is not None:
                self.say(t("visitors.not_in", name=hit.name), error=True)
            else:
                self.say(t("visitors.nobody_in"), error=True)
            return
        earlier = self._earlier.get(target.visit_id)
        if earlier is not None:
            question = t("visitors.checkout_time_question", name=target.name, day=clock.day(earlier.visit_date))
            self.app.push_screen(TimeModal(question),
                                 lambda text: self._check_out(target.visit_id, target.name, text))
            return
        self._check_out(target.visit_id, target.name, None)

    def _check_out(self, visit_id: int, name: str, left_at: str | None) -> None:
        if left_at == "":
            return  # the question was put away
        try:
            visits.check_out(self.app.session, visit_id, left_at)
        except BwkError as exc:
            self.say(exc.message(), error=True)
            return
        self.last_action = LastAction("check_out", visit_id, name)
        self.say(t("visitors.checked_out_named", name=name, time=clock.clock_time(clock.now_utc()))
                 + t("visitors.undo_hint"))
        self.refresh_all()

    def action_walk_in(self) -> None:
        try:
            count = visits.add_walk_in(self.app.session)
        except BwkError as exc:  # the day has been signed
            self.say(exc.message(), error=True)
            return
        self.last_action = LastAction("walk_in", 0, "")
        self.say(t("visitors.walk_in_added", count=count) + t("visitors.undo_hint"))
        self.refresh_in_now()

    def action_undo(self) -> None:
        last = self.last_action
        if last is None or time.monotonic() - last.at > visits.UNDO_SECONDS:
            self.say(t("visitors.nothing_to_undo"), error=True)
            return
        session = self.app.session
        try:
            if last.kind == "check_in":
                visits.undo_check_in(session, last.visit_id)
                message = t("visitors.undone_check_in", name=last.name)
            elif last.kind == "check_out":
                visits.undo_check_out(session, last.visit_id)
                message = t("visitors.undone_check_out", name=last.name)
            else:
                count = visits.undo_walk_in(session)
                message = t("visitors.undone_walk_in", count=count)
        except BwkError as exc:
            self.say(exc.message(), error=True)
            return
        finally:
            self.last_action = None
        self.say(message)
        self.refresh_all()

    @on(DataTable.RowSelected, "#in-now")
    def _open_in_now(self, event: DataTable.RowSelected) -> None:
        line = visits.visit_line(self.app.session, int(event.row_key.value))
        name = event.data_table.get_row(event.row_key)[0]
        self.app.push_screen(CheckInModal(0, name, visit=line), self._visit_saved)
