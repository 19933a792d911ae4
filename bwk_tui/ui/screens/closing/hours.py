"""Correcting someone's hours on the day: from .. to, as they really worked."""
from __future__ import annotations

from textual.widgets import Input
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.roster import attendance
from bwk_tui.services.roster.allowance import AllowanceWarning
from bwk_tui.services.roster.attendance import AttendanceLine
from bwk_tui.services.kernel.clock import time_text, times_text, to_local
from bwk_tui.ui.widgets.form import FormModal


class CorrectHoursModal(FormModal):
    DEFAULT_FOCUS = "#field-starts"

    def __init__(self, line: AttendanceLine):
        super().__init__()
        self.line = line
        self.accept_over_allowance = False

    def title_text(self) -> str:
        return t("closing.correct_title", name=self.line.name)

    def compose_top(self):
        yield Static(t("closing.correct_help", planned=times_text(self.line.starts_min, self.line.ends_min)),
                     classes="muted")

    def fields(self):
        # Someone who signed in: that time is the alternative to the planned start.
        starts = self.line.starts_min
        if self.line.signed_in_at is not None and to_local(self.line.signed_in_at).date() == self.line.shift_date:
            local = to_local(self.line.signed_in_at)
            starts = local.hour * 60 + local.minute
        yield "starts", t("closing.correct_from"), Input(value=time_text(starts))
        yield "ends", t("closing.correct_to"), Input(value=time_text(self.line.ends_min))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self):
        try:
            return attendance.correct(self.app.session, self.line.assignment_id, self.field("starts").value,
                                      self.field("ends").value, accept_over_allowance=self.accept_over_allowance)
        except AllowanceWarning:
            if self.accept_over_allowance:
                raise
            # Said once next to the form; saving again goes ahead.
            self.accept_over_allowance = True
            raise
