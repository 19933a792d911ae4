"""One shift: who is on it, and for a gap the stand-ins ranked with their reasons.

In the people list ``k`` says that person can't come (yourself, or anyone for a coordinator)
and ``x`` takes them off (coordinator). In the stand-ins list Enter puts the highlighted one
on the shift (coordinator); ``i`` signs yourself up. Escape closes.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock
from bwk_tui.services.roster import shifts
from bwk_tui.services.roster import stand_ins
from bwk_tui.services.roster import holidays
from bwk_tui.services.roster import volunteers
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.roster.shifts import ShiftInfo
from bwk_tui.services.roster.stand_ins import StandIn
from bwk_tui.services.roster.roster_print import GAP, count_text
from bwk_tui.ui.widgets.texts import reasons_text
from bwk_tui.ui.widgets.confirm import ask_then
from bwk_tui.ui.widgets.texts import shift_title
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.ui.widgets.form import FORM_CSS, FormModal
from bwk_tui.services.kernel.text import cut
from bwk_tui.ui.widgets.texts import hours_text

STATUS_KEYS = {"ingepland": "f3.status_planned", "kan_niet": "f3.status_cant", "afwezig": "f3.status_absent"}


def stand_in_reasons(stand_in: StandIn, scoring_only: bool = False) -> str:
    """Every reason with its points (they add up to the score); ``scoring_only``: those that earn points."""
    return reasons_text([r for r in stand_in.reasons if r.points or not scoring_only])


class ShiftModal(ModalScreen[None]):
    CSS_PATH = [FORM_CSS, Path(__file__).with_name("roster.tcss")]
    BINDINGS = [
        Binding("escape", "close_shift", show=False),
        Binding("k", "cant_come", show=False),
        Binding("x", "remove", show=False),
        Binding("i", "sign_up", show=False),
    ]

    def __init__(self, shift_id: int, focus_stand_ins: bool = False):
        super().__init__()
        self.shift_id = shift_id
        self.focus_stand_ins = focus_stand_ins
        self.info: ShiftInfo | None = None
        self.candidates: list[StandIn] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="shift-dialog"):
            yield Static("", id="shift-title", classes="dialog-title")
            yield Static("", id="shift-count")
            yield DataTable(id="people", cursor_type="row")
            yield Static("", id="stand-ins-title", classes="column-title")
            yield DataTable(id="stand-ins", cursor_type="row")
            yield Static("", id="stand-in-reasons", classes="muted")
            coordinator = self.app.session is not None and self.app.session.is_coordinator
            yield Static(t("f3.shift_keys_coordinator" if coordinator else "f3.shift_keys"), classes="key-hint")

    def on_mount(self) -> None:
        self.refresh_shift()
        target = "#stand-ins" if self.focus_stand_ins and self.candidates else "#people"
        self.query_one(target, DataTable).focus()

    def refresh_shift(self) -> None:
        try:
            self.info = info = shifts.shift(self.shift_id)
        except BwkError as exc:
            self.notify(exc.message(), severity="error")
            self.dismiss(None)
            return
        self.query_one("#shift-title", Static).update(shift_title(info))
        count = Text(count_text(info), style="bold red" if info.short else "bold green")
        if info.skill:
            count.append("  " + t("f3.detail_skill", skill=volunteers.skill_name(info.skill)))
        if info.short:
            count.append("  " + t("f3.detail_short", count=info.short, symbol=GAP), style="bold red")
        self.query_one("#shift-count", Static).update(count)
        people = self.query_one("#people", DataTable)
        row = people.cursor_row if people.row_count else 0
        people.clear(columns=True)
        people.add_column(t("roster.col_volunteer"), width=22, key="name")
        people.add_column(t("f3.col_status"), width=14, key="status")
        people.add_column(t("f3.col_hours"), width=18, key="hours")
        for person in info.people:
            style = "dim strike" if person.status != "ingepland" else ""
            people.add_row(Text(cut(person.name, 22), style=style), Text(t(STATUS_KEYS[person.status])),
                           Text(hours_text(person)), key=str(person.assignment_id))
        if info.people:
            people.move_cursor(row=min(row, len(info.people) - 1), animate=False)
        people.display = bool(info.people)
        people.styles.height = min(len(info.people), 5) + 1
        self.show_stand_ins()

    def show_stand_ins(self) -> None:
        info = self.info
        title = self.query_one("#stand-ins-title", Static)
        table = self.query_one("#stand-ins", DataTable)
        past = info.shift_date < clock.today()
        self.candidates = [] if past else stand_ins.stand_ins(info.id, top=5)
        table.clear(columns=True)
        width = max((self.app.size.width or 80) - 12, 50)
        table.add_column(t("roster.col_volunteer"), width=18, key="name")
        table.add_column(Text(t("f4.col_score"), justify="right"), width=5, key="score")
        table.add_column(t("f4.col_reasons"), width=max(20, width - 18 - 5 - 6), key="reasons")
        for stand_in in self.candidates:
            table.add_row(Text(cut(stand_in.name, 18)), Text(str(stand_in.score), justify="right", style="bold"),
                          Text(cut(stand_in_reasons(stand_in, scoring_only=True), max(20, width - 29))), key=str(stand_in.volunteer_id))
        if past:
            title.update("")
        elif self.candidates:
            title.update(t("f3.stand_ins_title" if info.short else "f3.stand_ins_extra", count=len(self.candidates)))
        else:
            title.update(t("f3.stand_ins_none"))
        table.display = bool(self.candidates)
        table.styles.height = len(self.candidates) + 1
        self.show_reasons()

    @on(DataTable.RowHighlighted, "#stand-ins")
    def _highlighted(self, event) -> None:
        self.show_reasons()

    def highlighted_stand_in(self) -> StandIn | None:
        table = self.query_one("#stand-ins", DataTable)
        if not self.candidates or not table.row_count:
            return None
        return self.candidates[min(table.cursor_row, len(self.candidates) - 1)]

    def show_reasons(self) -> None:
        stand_in = self.highlighted_stand_in()
        text = t("f4.reasons_of", helper=stand_in.name, score=stand_in.score,
                 reasons=stand_in_reasons(stand_in)) if stand_in else ""
        self.query_one("#stand-in-reasons", Static).update(text)

    def highlighted_person(self):
        table = self.query_one("#people", DataTable)
        if self.info is None or not self.info.people or not table.row_count:
            return None
        return self.info.people[min(table.cursor_row, len(self.info.people) - 1)]

    # --- actions ------------------------------------------------------------------------

    def _run(self, call, message_key: str | None = None, **params) -> None:
        try:
            call()
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=8)
            return
        if message_key:
            self.notify(t(message_key, **params))
        self.refresh_shift()

    def action_cant_come(self) -> None:
        person = self.highlighted_person()
        if person is None or person.status != "ingepland":
            self.notify(t("f3.not_on_it"), severity="warning")
            return
        session = self.app.session

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: shifts.cant_come(session, self.shift_id, person.volunteer_id),
                          "f3.cant_come_other", name=person.name)
                if self.candidates:
                    self.query_one("#stand-ins", DataTable).focus()

        self.app.push_screen(ConfirmModal(t("f3.cant_come_other_question", name=person.name,
                                            shift=shift_title(self.info)), yes_key="f3.cant_come_yes"), answered)

    def action_remove(self) -> None:
        person = self.highlighted_person()
        if person is None:
            return
        session = self.app.session

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: shifts.remove(session, self.shift_id, person.volunteer_id),
                          "f3.removed", name=person.name)

        self.app.push_screen(ConfirmModal(t("f3.remove_question", name=person.name, shift=shift_title(self.info))),
                             answered)

    def action_sign_up(self) -> None:
        session = self.app.session
        ask_then(self, lambda accept: shifts.sign_up(session, self.shift_id, accept_over_allowance=accept),
                 lambda info: (self.notify(t("f3.signed_up", shift=shift_title(info))), self.refresh_shift()))

    @on(DataTable.RowSelected, "#stand-ins")
    def _assign(self, event: DataTable.RowSelected) -> None:
        stand_in = self.highlighted_stand_in()
        if stand_in is None:
            return
        session = self.app.session
        if session is None or not session.is_coordinator:
            self.notify(t("f3.ask_coordinator", name=stand_in.name), severity="warning", timeout=8)
            return

        def done(info: ShiftInfo) -> None:
            self.notify(t("f3.assigned", name=stand_in.name, shift=shift_title(info)))
            self.refresh_shift()
            self.query_one("#people", DataTable).focus()

        ask_then(self, lambda accept: shifts.assign(session, self.shift_id, stand_in.volunteer_id,
                                                    accept_over_allowance=accept), done)

    def action_close_shift(self) -> None:
        self.dismiss(None)


class CloseDayModal(FormModal):
    """The room is closed that day: a reason; whoever was planned is told how many lose their shift."""

    SAVE_KEY = "f3.close_save"
    DEFAULT_FOCUS = "#field-reason"

    def __init__(self, day: dt.date):
        super().__init__()
        self.day = day

    def title_text(self) -> str:
        return t("f3.close_title", day=clock.day(self.day, "EEEE d MMMM y"))

    def compose_top(self) -> ComposeResult:
        planned = holidays.people_planned_on(self.day)
        if planned:
            yield Static(t("f3.close_planned", count=planned), classes="error")

    def fields(self):
        yield "reason", t("f3.close_reason"), Input(placeholder=t("f3.close_reason_example"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self):
        return holidays.close_day(self.app.session, self.day, self.field("reason").value)
