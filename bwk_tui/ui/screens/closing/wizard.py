"""F9: five steps a tired coordinator finishes in two minutes.

1 who is still in (check out all or some) · 2 today's shifts: confirm or correct the hours ·
3 count the cash · 4 the day's summary · 5 sign with the PIN. Nothing of the closing is saved
until the last step; if signing fails, nothing of it is kept and the day stays open. The hours
of step 2 belong to the roster and are saved when confirmed (after signing they are fixed).
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ContentSwitcher, DataTable, Input
from bwk_tui.ui.widgets.plain import Label, Static


from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.roster import attendance
from bwk_tui.services.closing import closing
from bwk_tui.services.closing import report
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.clock import time_text, times_text
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen
from bwk_tui.ui.widgets.texts import hours_text
from bwk_tui.ui.widgets.tick_list import TickList

STEPS = 5


def _denomination(cents: int) -> str:
    return f"{cents} ct" if cents < 100 else f"€ {cents // 100}"


class ClosingScreen(DeskScreen):
    TITLE_KEY = "section.closing"
    HELP_KEY = "closing.help"
    HINT_KEY = "closing.keys"
    CSS_PATH = "closing.tcss"
    IDLE_LOCK_AT_LEAST_MINUTES = 15  # counting a full cash box takes longer than the usual idle limit
    KEYS = (
        Key("pagedown", "step(1)", show=False, priority=True),
        Key("pageup", "step(-1)", show=False, priority=True),
        Key("ctrl+r", "show_report", show=False),
        Key("x", "absent", show=False),
    )

    def __init__(self):
        super().__init__()
        self.step = 1
        self.done: closing.Closed | None = None
        self.closed_id: int | None = None  # today was closed before this screen opened
        self.error_field: str | None = None  # the field the message under the steps is about

    def compose_body(self) -> ComposeResult:
        self.draft = closing.draft(self.app.session)
        closed_id = report.closed_on(self.draft.day)
        if closed_id is not None:
            self.closed_id = closed_id
            yield Static(t("closing.already_closed_today", day=clock.day(self.draft.day)), id="closed-today")
            return
        day = self.draft.earlier_open_day or self.draft.day
        if self.draft.earlier_open_day:
            self.draft = closing.draft(self.app.session, day)
        yield Static("", id="step-title", classes="dialog-title")
        with ContentSwitcher(initial="step-1", id="steps"):
            with Vertical(id="step-1"):
                if self.draft.in_now:
                    yield Static(t("closing.in_now_help"), classes="muted")
                    yield TickList(*[(f"{p.name}  ({clock.clock_time(p.arrived_at)})", p.visit_id, True)
                                     for p in self.draft.in_now], id="in-now")
                else:
                    yield Static(t("closing.nobody_in"))
            with Vertical(id="step-2"):
                yield Static(t("closing.shifts_help"), classes="muted")
                yield DataTable(id="shifts-today", cursor_type="row")
                yield Static("", id="hours-total")
                yield Button(t("closing.confirm_hours"), id="confirm-hours")
            with Vertical(id="step-3"):
                # Coins in one column, notes in the other: Tab goes through all coins first.
                with Horizontal(id="count-grid"):
                    for column in ([d for d in closing.DENOMINATIONS if d < 500],
                                   [d for d in closing.DENOMINATIONS if d >= 500]):
                        with Grid(classes="count-column"):
                            for value in column:
                                yield Label(_denomination(value), classes="count-label")
                                yield Input(id=f"count-{value}", placeholder="0", compact=True, max_length=6,
                                            restrict=r"[0-9]*", classes="count")
                yield Static("", id="count-totals")
                yield Label(t("closing.reason"))
                yield Input(id="reason", compact=True, max_length=200, placeholder=t("closing.reason_placeholder"))
            with VerticalScroll(id="step-4"):
                yield Static("", id="summary")
            with Vertical(id="step-5"):
                yield Static("", id="sign-text")
                yield Label(t("closing.pin"))
                yield Input(id="pin", password=True, max_length=8, compact=True, restrict=r"[0-9]*")
                yield Button(t("closing.sign"), id="sign", variant="primary")
        yield Static("", id="closing-error", classes="error")
        with Horizontal(id="closing-buttons"):
            yield Button(t("closing.previous"), id="previous")
            yield Button(t("closing.next"), id="next", variant="primary")

    def on_mount(self) -> None:
        if self.closed_id is not None:
            return
        self.refresh_totals()
        self.refresh_shifts()
        self.show_step(1)

    # --- moving between steps -----------------------------------------------------------

    def show_step(self, step: int) -> None:
        self.step = max(1, min(STEPS, step))
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        title = t(f"closing.step{self.step}")
        self.query_one("#step-title", Static).update(
            t("closing.step_title", n=self.step, total=STEPS, title=title,
              day=clock.day(self.draft.day, "medium")))
        self.query_one("#previous", Button).disabled = self.step == 1
        self.query_one("#next", Button).display = self.step < STEPS
        if self.step == 4:
            self.query_one("#summary", Static).update(self.summary_text())
        if self.step == 5:
            self.query_one("#sign-text", Static).update(self.sign_text())
        focus = {1: "#in-now", 2: "#shifts-today", 3: "#count-5", 5: "#pin"}.get(self.step)
        widgets = self.query(focus) if focus else []
        if widgets:
            widgets.first().focus()
        else:
            self.query_one("#next", Button).focus()

    def action_step(self, delta: int) -> None:
        if self.done is None and self.closed_id is None:
            self.show_step(self.step + delta)

    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        self.action_step(1)

    @on(Button.Pressed, "#previous")
    def _previous(self) -> None:
        self.action_step(-1)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pin":
            self.sign()
        elif event.input.id == "reason":
            self.action_step(1)
        else:
            self.focus_next()

    # --- the day's shifts and hours -----------------------------------------------------

    def refresh_shifts(self) -> None:
        """Everyone on today's shifts with their hours (and evening shifts of earlier signed days that
        still have none); the button confirms the planned times of the ended shifts of the rest."""
        self.shift_lines = attendance.late_open_lines() + attendance.day_lines(self.draft.day)
        table = self.query_one("#shifts-today", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        table.add_column(t("roster.col_volunteer"), width=20, key="name")
        table.add_column(t("closing.col_shift"), width=24, key="shift")
        table.add_column(t("f3.col_hours"), width=20, key="hours")
        for line in self.shift_lines:
            shift = f"{t(f'roster.dagdeel_{line.dagdeel}')} {times_text(line.starts_min, line.ends_min)}"
            if line.shift_date != self.draft.day:
                shift = t("closing.hours_late", day=clock.day(line.shift_date, "short")) + " · " + shift
            if line.status != "ingepland":
                hours = t("f3.status_absent")
            elif line.minutes is None and not attendance.ended(line):
                hours = t("closing.hours_to_come", ends=time_text(line.ends_min))
            else:
                hours = hours_text(line) or t("closing.hours_open")
            table.add_row(line.name, shift, hours, key=str(line.assignment_id))
        if self.shift_lines:
            table.move_cursor(row=min(row, len(self.shift_lines) - 1), animate=False)
        table.display = bool(self.shift_lines)
        open_lines = [x for x in self.shift_lines if x.status == "ingepland" and x.minutes is None]
        to_come = sum(1 for x in open_lines if not attendance.ended(x))
        worked = sum(x.minutes or 0 for x in self.shift_lines if x.shift_date == self.draft.day)
        text = t("closing.hours_total", hours=clock.hours(worked), open=len(open_lines) - to_come,
                 later=to_come) if self.shift_lines else t("closing.no_shifts")
        self.query_one("#hours-total", Static).update(text)
        self.query_one("#confirm-hours", Button).display = len(open_lines) > to_come

    @on(Button.Pressed, "#confirm-hours")
    def _confirm_hours(self) -> None:
        from bwk_tui.ui.widgets.confirm import ask_then

        session = self.app.session
        days = sorted({x.shift_date for x in self.shift_lines} | {self.draft.day})

        def confirm(accept: bool) -> int:
            return sum(attendance.confirm_planned(session, day, accept_over_allowance=accept) for day in days)

        ask_then(self, confirm,
                 lambda count: (self.notify(t("closing.hours_confirmed", count=count)), self.refresh_shifts()))

    def highlighted_line(self):
        table = self.query_one("#shifts-today", DataTable)
        if self.step != 2 or not self.shift_lines or not table.row_count:
            return None
        return self.shift_lines[min(table.cursor_row, len(self.shift_lines) - 1)]

    @on(DataTable.RowSelected, "#shifts-today")
    def _correct(self, event) -> None:
        from bwk_tui.ui.screens.closing.hours import CorrectHoursModal

        line = self.highlighted_line()
        if line is not None:
            self.app.push_screen(CorrectHoursModal(line), lambda saved: saved and self.refresh_shifts())

    def action_absent(self) -> None:
        line = self.highlighted_line()
        if line is None:
            return
        try:
            attendance.mark_absent(self.app.session, line.assignment_id)
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=8)
            return
        self.notify(t("closing.marked_absent", name=line.name))
        self.refresh_shifts()

    # --- counting -----------------------------------------------------------------------

    def counts(self) -> dict[int, int]:
        return {value: closing.parse_pieces(self.query_one(f"#count-{value}", Input).value, value)
                for value in closing.DENOMINATIONS}

    def cash_figures(self) -> tuple[int, int, int, str]:
        """Counted, expected, difference and the reason typed, as step 3 has them now."""
        counted = closing.counted_total(self.counts())
        expected = self.draft.totals.expected_cents
        return counted, expected, counted - expected, self.query_one("#reason", Input).value.strip()

    def needs_reason(self) -> bool:
        _counted, _expected, difference, reason = self.cash_figures()
        return abs(difference) > self.draft.threshold_cents and not reason

    @on(Input.Changed, ".count")
    @on(Input.Changed, "#reason")
    def refresh_totals(self) -> None:
        try:
            counted, expected, difference, reason = self.cash_figures()
        except InvalidInput:
            return
        totals = self.draft.totals
        lines = [
            t("closing.expected", amount=money(expected), opening=money(totals.opening_cents),
              cash_in=money(totals.in_cents), cash_out=money(totals.out_cents)),
            t("closing.counted", amount=money(counted)),
            t("closing.difference", amount=money(difference))
            + ("  " + t("closing.reason_needed") if self.needs_reason() else ""),
        ]
        self.query_one("#count-totals", Static).update("\n".join(lines))
        # A refusal about the count or the reason goes as soon as its cause is mended.
        if self.error_field and (self.error_field.startswith("count-") or not self.needs_reason()):
            self.error_field = None
            self.query_one("#closing-error", Static).update("")

    def cash_text(self) -> str:
        """The closing's equation, as the signed report will have it."""
        counted, expected, difference, reason = self.cash_figures()
        totals = self.draft.totals
        text = t("closing.sum_equation", opening=money(totals.opening_cents), cash_in=money(totals.in_cents),
                 cash_out=money(totals.out_cents), expected=money(expected), counted=money(counted),
                 difference=money(difference))
        if difference:
            text += "\n" + t("closing.sum_difference", amount=money(difference),
                              reason=reason or t("closing.no_reason"))
        return text

    # --- summary and signing ------------------------------------------------------------

    def summary_text(self) -> str:
        s = self.draft.summary
        domains = ", ".join(f"{name} {n}" for name, n in list(s.domains.items())[:6]) or "-"
        return "\n".join([
            t("closing.sum_visits", visits=s.visits, households=s.households, walk_ins=s.walk_ins,
              new=s.new_persons),
            t("closing.sum_domains", domains=domains),
            t("closing.sum_matches", matches=s.matches_started, follow_ups=s.follow_ups_due,
              check_ins=s.match_check_ins_due),
            self.hours_summary(),
            self.cash_text(),
            t("closing.sum_checkout", count=len(self.checked_out())) if self.draft.in_now else "",
        ])

    def hours_summary(self) -> str:
        lines = [x for x in self.shift_lines if x.shift_date == self.draft.day]  # read again after step 2
        worked = [x for x in lines if x.minutes is not None]
        waiting = [x for x in lines if x.status == "ingepland" and x.minutes is None]
        to_come = sum(1 for x in waiting if not attendance.ended(x))
        text = t("closing.sum_hours", hours=clock.hours(sum(x.minutes for x in worked)),
                 volunteers=len({x.volunteer_id for x in worked if x.minutes}))
        if len(waiting) > to_come:
            text += " · " + t("closing.sum_hours_open", count=len(waiting) - to_come)
        if to_come:  # an evening shift: its hours are confirmed at the next open day's closing
            text += " · " + t("closing.sum_hours_to_come", count=to_come)
        return text

    def sign_text(self) -> str:
        counted = closing.counted_total(self.counts())
        return "\n".join([t("closing.sign_text", day=clock.day(self.draft.day), counted=money(counted)),
                          self.cash_text()])

    def checked_out(self) -> list[int]:
        lists = self.query("#in-now")
        return list(lists.first().selected) if lists else []

    @on(Button.Pressed, "#sign")
    def sign(self) -> None:
        if self.done is not None:
            return
        error = self.query_one("#closing-error", Static)
        error.update("")
        try:
            counts = self.counts()
        except InvalidInput as exc:
            error.update(exc.message())
            self.error_field = exc.field
            self.show_step(3)
            return
        pin_input = self.query_one("#pin", Input)
        pin, pin_input.value = pin_input.value, ""
        reason = self.query_one("#reason", Input).value
        self.query_one("#sign", Button).disabled = True
        error.update(t("closing.busy"))
        self._run_closing(counts, reason, pin, self.checked_out())

    # argon2, the closing transaction and two verified backups: seconds on a big database.
    @work(thread=True, exclusive=True, exit_on_error=False, group="closing")
    def _run_closing(self, counts: dict[int, int], reason: str, pin: str, check_out: list[int]) -> None:
        with room.worker_connection():
            try:
                done = closing.close(self.app.session, counts, reason, pin, day=self.draft.day,
                                     check_out_visit_ids=check_out)
            except BwkError as exc:
                self.app.call_from_thread(self._show_refusal, exc)
                return
        self.app.call_from_thread(self._show_closed, done)

    def _show_refusal(self, exc: BwkError) -> None:
        self.query_one("#sign", Button).disabled = False
        self.query_one("#closing-error", Static).update(exc.message())
        field = getattr(exc, "field", None)
        self.error_field = field
        if field == "reason" or (field or "").startswith("count-"):
            self.show_step(3)
            self.query(f"#{field}").first().focus()
        else:
            self.query_one("#pin", Input).focus()

    def worker_failed(self) -> None:
        self.query_one("#sign", Button).disabled = False
        self.query_one("#closing-error", Static).update("")

    def _show_closed(self, done: closing.Closed) -> None:
        self.done = done
        lines = [t("closing.done", day=clock.day(done.day), counted=money(done.counted_cents)),
                 t("closing.report_saved")]
        if done.backup_path:
            lines.append(t("closing.backup_saved", path=str(done.backup_path)))
        else:
            lines.append(t("closing.backup_failed", reason=done.backup_error))
        lines.append(t("closing.show_report"))
        self.query_one("#sign-text", Static).update("\n".join(lines))
        self.query_one("#closing-error", Static).update("")
        for widget_id in ("#pin", "#sign", "#previous"):
            self.query_one(widget_id).display = False
        self.query_one("#closing-buttons").display = False
        self.app.bell()

    def action_show_report(self) -> None:
        from bwk_tui.ui.screens.closing.report import ReportModal

        if self.done is not None:
            self.app.push_screen(ReportModal(self.done.closing_id))
        elif self.closed_id is not None:
            self.app.push_screen(ReportModal(self.closed_id))
