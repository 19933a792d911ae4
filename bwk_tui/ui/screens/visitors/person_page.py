"""A person's page: details, visits (newest first, a window at a time), follow-ups."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static, plain

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.privacy import forget, inzage
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen
from bwk_tui.ui.screens.visitors.checkin import CheckInModal
from bwk_tui.ui.screens.visitors.person_form import PersonModal
from bwk_tui.ui.widgets.confirm import ConfirmModal

PAGE = 20


def household_size(p) -> str:
    """The size the household was registered with, and how many of it are registered here when
    that differs ("4 pers., 1 geregistreerd"): a household of 4 is not shown as one of 1."""
    if not p.household_size:
        return t("person.members", count=p.household_members)
    if p.household_size == p.household_members:
        return t("person.members", count=p.household_size)
    return t("person.members_registered", count=p.household_size, registered=p.household_members)


class PersonScreen(DeskScreen):
    TITLE_KEY = "person.title"
    CSS_PATH = "visitors.tcss"
    HELP_KEY = "person.help"
    HINT_KEY = "person.keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("ctrl+e", "edit", show=False),
        Key("ctrl+k", "check_in", show=False),
        Key("ctrl+d", "follow_up_done", show=False),
        Key("ctrl+g", "merge", show=False),
        Key("ctrl+l", "inzage", show=False),
        Key("ctrl+x", "forget", show=False),
        Key("ctrl+w", "withdraw_consent", show=False),
    )

    def __init__(self, person_id: int):
        super().__init__()
        self.person_id = person_id
        self.last_seen_id: int | None = None
        self.complete = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="person-privacy", classes="muted")
        yield Static("", id="person-details")
        yield Static("", id="person-follow-ups", classes="muted")
        yield DataTable(id="person-visits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#person-visits", DataTable)
        table.add_columns(t("person.col_date"), t("person.col_time"), t("person.col_domains"),
                          t("person.col_referral"), t("person.col_follow_up"), t("person.col_note"))
        self.person = persons.open_page(self.app.session, self.person_id)  # audited
        self.show_details()
        self.show_privacy()
        self.reload_visits()
        table.focus()

    def show_details(self) -> None:
        p = self.person
        lines = [
            f"  ·  {t('person.household_code')}: {p.household_code or '-'}"
            f" ({household_size(p)})  ·  PC4: {p.pc4 or '-'}",
            f"{t('person.languages')}: {p.languages or '-'}  ·  {t('person.corporation')}: "
            f"{p.housing_corporation or '-'}  ·  {t('person.birth_year')}: {p.birth_year or '-'}",
            t("person.consent_line", day=clock.day(p.consent_date, "medium"), by=p.consent_by or "-")
            if p.consent_date else t("person.no_consent"),
        ]
        details = plain(p.name, multiline=False)
        details.stylize("bold")
        details.append(plain("\n".join(lines)))
        self.query_one("#person-details", Static).update(details)
        due = visits.follow_ups(person_id=self.person_id)
        text = ", ".join(clock.day(f.due, "medium") for f in due)
        self.query_one("#person-follow-ups", Static).update(t("person.follow_ups", list=text or "-"))

    def reload_visits(self) -> None:
        table = self.query_one("#person-visits", DataTable)
        table.clear()
        self.last_seen_id = None
        self.complete = False
        self.load_more()

    def load_more(self) -> None:
        if self.complete:
            return
        lines = visits.person_visits(self.app.session, self.person_id, before_id=self.last_seen_id, limit=PAGE)
        table = self.query_one("#person-visits", DataTable)
        for line in lines:
            follow_up = ""
            if line.follow_up_date:
                follow_up = clock.day(line.follow_up_date, "short")
            table.add_row(clock.day(line.visit_date, "medium"), clock.clock_time(line.arrived_at),
                          ", ".join(line.domains), line.referral or "", follow_up,
                          (line.note or "")[:40] if line.note is not None else "…", key=str(line.id))
            self.last_seen_id = line.id
        self.complete = len(lines) < PAGE

    @on(DataTable.RowHighlighted, "#person-visits")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 2:
            self.load_more()

    @on(DataTable.RowSelected, "#person-visits")
    def _open_visit(self, event: DataTable.RowSelected) -> None:
        line = visits.visit_line(self.app.session, int(event.row_key.value))
        self.app.push_screen(CheckInModal(self.person_id, self.person.name, visit=line), self._changed)

    def _changed(self, result) -> None:
        if result is not None:
            self.person = persons.detail(self.person_id)
            self.show_details()
            self.show_privacy()
            self.reload_visits()

    # --- privacy (AVG, issue 13): inzage, forget, withdraw consent; coordinators ------------

    def show_privacy(self) -> None:
        day = forget.forgotten_on(self.person_id)
        if day is not None:
            text = t("person.forgotten_line", day=clock.day(day, "medium"))
        else:
            text = t("person.keys_privacy") if self.app.session.is_coordinator else ""
        widget = self.query_one("#person-privacy", Static)
        widget.update(text)
        widget.display = bool(text)

    def _coordinator(self) -> bool:
        if not self.app.session.is_coordinator:
            self.notify(t("error.coordinator_only"), severity="error")
            return False
        return True

    def action_inzage(self) -> None:
        if self._coordinator():
            self._write_inzage(self.app.session, self.person_id)

    # Everything about one person: more than half a second on the large demo.
    @work(thread=True, exclusive=True, exit_on_error=False, group="inzage")
    def _write_inzage(self, session, person_id: int) -> None:
        from bwk_tui.services import room

        with room.worker_connection():
            try:
                path = inzage.write_file(session, person_id, "md")
                inzage.write_file(session, person_id, "json", path.with_suffix(".json"))
            except BwkError as exc:
                self.app.call_from_thread(self.notify, exc.message(), severity="error", timeout=8)
                return
        self.app.call_from_thread(self.notify, t("privacy.inzage_written", path=str(path)), timeout=10)

    def _ask_then_forget(self, question_key: str, yes_key: str, call) -> None:
        if not self._coordinator():
            return
        try:
            problem = forget.refusal(self.person_id)
        except BwkError as exc:
            problem = exc
        if problem is None and forget.forgotten_on(self.person_id) is not None:
            problem = BwkError("error.forget_already")
        if problem is not None:
            self.notify(problem.message(), severity="error", timeout=8)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done = call(self.app.session, self.person_id)
            except BwkError as exc:
                self.notify(exc.message(), severity="error", timeout=8)
                return
            self.notify(t("privacy.forgotten", notes=done.notes))
            self._changed(True)

        self.app.push_screen(ConfirmModal(t(question_key, name=self.person.name), yes_key=yes_key), answered)

    def action_forget(self) -> None:
        self._ask_then_forget("privacy.forget_question", "privacy.forget_yes", forget.forget)

    def action_withdraw_consent(self) -> None:
        self._ask_then_forget("privacy.withdraw_question", "privacy.withdraw_yes", forget.withdraw_consent)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        self.app.push_screen(PersonModal(person=self.person), self._changed)

    def action_check_in(self) -> None:
        open_id = visits.open_visit_id(self.person_id)
        if open_id is not None:
            line = visits.visit_line(self.app.session, open_id)
            self.notify(t("error.already_in", name=self.person.name, since=clock.clock_time(line.arrived_at)),
                        severity="warning")
            return
        self.app.push_screen(CheckInModal(self.person_id, self.person.name), self._changed)

    def action_follow_up_done(self) -> None:
        table = self.query_one("#person-visits", DataTable)
        if not table.row_count:
            return
        visit_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        visits.follow_up_done(self.app.session, visit_id)
        self._changed(True)
        self.notify(t("person.follow_up_marked"))

    def action_merge(self) -> None:
        if not self.app.session.is_coordinator:
            self.notify(t("error.coordinator_only"), severity="error")
            return
        from bwk_tui.ui.screens.visitors.merge import MergeModal

        def merged(other_id: int | None) -> None:
            if other_id is None:
                return
            try:
                persons.merge(self.app.session, self.person_id, other_id)
            except BwkError as exc:
                self.notify(exc.message(), severity="error")
                return
            self.notify(t("person.merged"))
            self._changed(True)

        self.app.push_screen(MergeModal(self.person_id, self.person.name), merged)
