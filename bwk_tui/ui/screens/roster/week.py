"""F3 Rooster: the week, days by dagdelen, each cell with the names on it and "2/3".

A cell short of people is red *and* starts with ✗ (a full one ✓), so it reads without
colour. ``n``/``v`` (or PageDown/PageUp) move a week, ``t`` back to this week. ``i`` signs
you up for the highlighted shift, ``k`` says you can't come, ``a`` signs you in or out on
the day; Enter opens the shift with its people and the stand-ins for a gap. Coordinators:
``d`` closes (or opens) a day, ``s`` templates, ``p`` volunteer profiles, ``u`` hours.
"""
from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.roster import attendance
from bwk_tui.services.kernel import clock
from bwk_tui.services.roster import shifts
from bwk_tui.services.roster import holidays
from bwk_tui.services.roster import volunteers
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.roster.shifts import ShiftInfo, WeekView
from bwk_tui.services.roster.roster_print import GAP, count_text
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen, require_coordinator
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.services.kernel.text import cut
from bwk_tui.ui.widgets.texts import shift_title
from bwk_tui.ui.widgets.confirm import ask_then

DAY_WIDTH = 10


class RosterScreen(DeskScreen):
    TITLE_KEY = "section.roster"
    CSS_PATH = "roster.tcss"
    HELP_KEY = "f3.help"
    HINT_KEY = "f3.keys"
    KEYS = (
        Key("n", "week(1)", show=False),
        Key("v", "week(-1)", show=False),
        Key("pagedown", "week(1)", show=False),
        Key("pageup", "week(-1)", show=False),
        Key("t", "this_week", show=False),
        Key("i", "sign_up", show=False),
        Key("k", "cant_come", show=False),
        Key("a", "attend", show=False),
        Key("d", "close_day", show=False),
        Key("s", "templates", show=False),
        Key("p", "profiles", show=False),
        Key("u", "hours", show=False),
    )

    def __init__(self, monday: dt.date | None = None):
        super().__init__()
        session = self.app.session
        if session is not None and session.is_coordinator:
            self.HINT_KEY = "f3.keys_coordinator"
        self.monday = clock.week_start(monday or clock.today())
        self.view: WeekView | None = None
        self.stale = True

    def compose_body(self) -> ComposeResult:
        yield Static("", id="week-title")
        yield DataTable(id="week", cursor_type="cell", zebra_stripes=False)
        yield Static("", id="cell-detail")
        yield Static("", id="mine", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#week", DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.reload()

    def on_resize(self, event) -> None:
        if self.view is not None:
            self.reload()

    # --- loading ------------------------------------------------------------------------

    def reload(self, keep: bool = True) -> None:
        table = self.query_one("#week", DataTable)
        row, column = (table.cursor_row, table.cursor_column) if keep and table.row_count else (None, 0)
        self.view = view = shifts.week(self.monday)
        session = self.app.session
        me = session.account_id if session else None
        width = max(self.size.width or self.app.size.width, 60)
        columns = 1 + len(view.dagdelen)
        cell_width = max(12, (width - 2 - 2 - 1 - 2 * columns - DAY_WIDTH) // len(view.dagdelen))
        table.clear(columns=True)
        table.add_column(t("roster.col_day"), width=DAY_WIDTH, key="day")
        for dagdeel in view.dagdelen:
            table.add_column(t(f"roster.dagdeel_{dagdeel}").capitalize(), width=cell_width, key=dagdeel)
        today = clock.today()
        for day in view.days:
            style = "bold" if day.day == today else ("dim" if day.day < today else "")
            label = Text(cut(clock.day(day.day, "EEE d MMM"), DAY_WIDTH), style=style)
            if day.day == today:
                label = Text(cut("▶" + clock.day(day.day, "EEE d"), DAY_WIDTH), style=style)
            cells = [label]
            for index, dagdeel in enumerate(view.dagdelen):
                if day.closed is not None:  # "dicht" in every cell, the reason under the first
                    closed = Text(t("f3.closed"), style="italic")
                    if index == 0:
                        closed.append("\n" + cut(day.closed, cell_width), style="dim")
                    cells.append(closed)
                    continue
                shift = day.shifts.get(dagdeel)
                cells.append(self.cell(shift, cell_width, me, dim=day.day < today) if shift else Text("–", style="dim"))
            table.add_row(*cells, height=2, key=day.day.isoformat())
        if row is None:
            row = next((i for i, d in enumerate(view.days) if d.day == today), 0)
        table.move_cursor(row=row, column=max(column, 1), animate=False)
        self.show_title()
        self.show_detail()
        self.show_mine()

    @staticmethod
    def cell(shift: ShiftInfo, width: int, me: int | None, dim: bool = False) -> Text:
        head = count_text(shift)
        if shift.short and shift.skill:
            head += f" {volunteers.skill_name(shift.skill)}"
        line = Text(cut(head, width), style="bold red" if shift.short else "green")
        if dim:
            line.stylize("dim")
        line.append("\n")
        names = Text()
        for n, person in enumerate(shift.planned):
            if n:
                names.append(", ")
            names.append(person.name, style="bold underline" if person.account_id == me else "")
        names.truncate(width, overflow="ellipsis")
        return line + names

    def show_title(self) -> None:
        view = self.view
        last = view.days[-1].day
        text = t("f3.week_title", week=view.monday.isocalendar()[1], first=clock.day(view.monday, "d MMM"),
                 last=clock.day(last, "d MMM y"))
        if not view.shifts():
            text += " · " + t("f3.no_shifts")
        elif view.gaps:
            text += " · " + t("f3.gaps", count=view.gaps, symbol=GAP)
        else:
            text += " · " + t("roster.print_no_gaps")
        widget = self.query_one("#week-title", Static)
        widget.update(text)
        widget.set_class(bool(view.gaps), "-gaps")

    def show_mine(self) -> None:
        session = self.app.session
        if session is None:
            return
        mine = shifts.upcoming_for(session.account_id, days=21)
        if mine:
            items = ", ".join(f"{clock.day(s.shift_date, 'EEE d MMM')} {t(f'roster.dagdeel_{s.dagdeel}')}"
                              for s in mine[:4])
            text = t("f3.mine", shifts=items) + (" …" if len(mine) > 4 else "")
        else:
            text = t("f3.mine_none")
        self.query_one("#mine", Static).update(text)

    # --- the highlighted cell -----------------------------------------------------------

    def highlighted_day(self):
        table = self.query_one("#week", DataTable)
        if self.view is None or not table.row_count:
            return None
        return self.view.days[min(table.cursor_row, 6)]

    def highlighted_shift(self) -> ShiftInfo | None:
        table = self.query_one("#week", DataTable)
        day = self.highlighted_day()
        if day is None or table.cursor_column < 1:
            return None
        dagdeel = self.view.dagdelen[min(table.cursor_column - 1, len(self.view.dagdelen) - 1)]
        return day.shifts.get(dagdeel)

    @on(DataTable.CellHighlighted, "#week")
    def _moved(self, event: DataTable.CellHighlighted) -> None:
        table = self.query_one("#week", DataTable)
        if event.coordinate != table.cursor_coordinate:
            # A late message of the table's clear() in reload(): acting on it sent the highlight
            # back to the morning column after every action.
            return
        if event.coordinate.column == 0:  # the day column has nothing to choose
            self.query_one("#week", DataTable).move_cursor(column=1, animate=False)
            return
        self.show_detail()

    def show_detail(self) -> None:
        shift = self.highlighted_shift()
        day = self.highlighted_day()
        widget = self.query_one("#cell-detail", Static)
        if shift is None:
            if day is not None and day.closed is not None:
                widget.update(t("f3.detail_closed", day=clock.day(day.day, "EEEE d MMMM"), reason=day.closed))
            else:
                widget.update(t("f3.detail_none"))
            return
        parts = [shift_title(shift), t("f3.detail_count", planned=len(shift.planned), needed=shift.needed)]
        if shift.skill:
            parts.append(t("f3.detail_skill", skill=volunteers.skill_name(shift.skill)))
        if shift.cant_come:
            parts.append(t("f3.detail_cant", names=", ".join(p.name for p in shift.cant_come)))
        if shift.short:
            parts.append(t("f3.detail_short", count=shift.short, symbol=GAP))
        widget.update(" · ".join(parts))

    def _need_shift(self) -> ShiftInfo | None:
        shift = self.highlighted_shift()
        if shift is None:
            self.notify(t("f3.no_shift_here"), severity="warning")
        return shift

    @on(DataTable.CellSelected, "#week")
    def _open_shift(self, event: DataTable.CellSelected) -> None:
        shift = self.highlighted_shift()
        if shift is None:
            return
        from bwk_tui.ui.screens.roster.shift import ShiftModal

        self.app.push_screen(ShiftModal(shift.id), lambda _: self.reload())

    # --- moving between weeks -----------------------------------------------------------

    def action_week(self, step: int) -> None:
        self.monday += dt.timedelta(weeks=step)
        self.reload()

    def action_this_week(self) -> None:
        self.monday = clock.week_start(clock.today())
        self.reload(keep=False)

    # --- me on a shift ------------------------------------------------------------------

    def action_sign_up(self) -> None:
        shift = self._need_shift()
        if shift is None:
            return
        session = self.app.session

        def done(info: ShiftInfo) -> None:
            self.notify(t("f3.signed_up", shift=shift_title(info)))
            self.reload()

        ask_then(self, lambda accept: shifts.sign_up(session, shift.id, accept_over_allowance=accept), done)

    def my_place(self, shift: ShiftInfo):
        session = self.app.session
        return next((p for p in shift.planned if session and p.account_id == session.account_id), None)

    def action_cant_come(self) -> None:
        shift = self._need_shift()
        if shift is None:
            return
        mine = self.my_place(shift)
        if mine is None:
            self.notify(t("f3.not_on_it"), severity="warning")
            return
        session = self.app.session

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                info = shifts.cant_come(session, shift.id, mine.volunteer_id)
            except BwkError as exc:
                self.notify(exc.message(), severity="error", timeout=8)
                return
            self.notify(t("f3.cant_come_done", shift=shift_title(info)))
            self.reload()
            from bwk_tui.ui.screens.roster.shift import ShiftModal

            # The gap and who could fill it: a coordinator assigns, a volunteer can ask someone.
            self.app.push_screen(ShiftModal(info.id, focus_stand_ins=True), lambda _: self.reload())

        self.app.push_screen(ConfirmModal(t("f3.cant_come_question", shift=shift_title(shift)),
                                          yes_key="f3.cant_come_yes"), answered)

    def action_attend(self) -> None:
        shift = self._need_shift()
        if shift is None:
            return
        mine = self.my_place(shift)
        if mine is None:
            self.notify(t("f3.not_on_it"), severity="warning")
            return
        session = self.app.session
        if mine.signed_in_at is None:
            try:
                attendance.sign_in(session, mine.assignment_id)
            except BwkError as exc:
                self.notify(exc.message(), severity="error", timeout=8)
                return
            self.notify(t("f3.signed_in", time=clock.clock_time(clock.now_utc()), shift=shift_title(shift)))
            self.reload()
            return

        def done(found) -> None:
            self.notify(t("f3.signed_out", hours=clock.hours(found.minutes or 0), shift=shift_title(shift)))
            self.reload()

        ask_then(self, lambda accept: attendance.sign_out(session, mine.assignment_id,
                                                          accept_over_allowance=accept), done)

    # --- coordinator --------------------------------------------------------------------

    def action_close_day(self) -> None:
        day = self.highlighted_day()
        if day is None or not require_coordinator(self):
            return
        from bwk_tui.ui.screens.roster.shift import CloseDayModal

        session = self.app.session
        if day.closed is not None:
            def reopen(yes: bool | None) -> None:
                if not yes:
                    return
                try:
                    holidays.reopen_day(session, day.day)
                except BwkError as exc:
                    self.notify(exc.message(), severity="error", timeout=8)
                    return
                self.notify(t("f3.reopened", day=clock.day(day.day, "EEEE d MMMM")))
                self.reload()

            self.app.push_screen(ConfirmModal(t("f3.reopen_question", day=clock.day(day.day, "EEEE d MMMM"),
                                                reason=day.closed)), reopen)
            return

        def closed(planned: int | None) -> None:
            if planned is None:
                return
            self.notify(t("f3.closed_done", day=clock.day(day.day, "EEEE d MMMM"), count=planned))
            self.reload()

        self.app.push_screen(CloseDayModal(day.day), closed)

    def _push_admin(self, module: str, name: str) -> None:
        if not require_coordinator(self):
            return
        import importlib

        screen = getattr(importlib.import_module(f"bwk_tui.ui.screens.roster.{module}"), name)()
        self.stale = True
        self.app.push_screen(screen)

    def action_templates(self) -> None:
        self._push_admin("templates", "TemplatesScreen")

    def action_profiles(self) -> None:
        self._push_admin("people", "ProfilesScreen")

    def action_hours(self) -> None:
        self._push_admin("people", "HoursScreen")
