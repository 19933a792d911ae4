"""The closing report on screen, with printing where the computer has a printer."""
from __future__ import annotations

import shutil
import subprocess

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.closing import report


class ReportModal(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", show=False), Binding("p", "print", show=False)]

    def __init__(self, closing_id: int):
        super().__init__()
        self.closing_id = closing_id
        self.text = report.stored_text(closing_id)  # kept in the encrypted database, not in a file

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="report-box"):
            yield Static(t("closing.report_keys"), classes="muted")
            with VerticalScroll():
                yield Static(self.text, id="report-text", markup=False)

    def action_dismiss(self) -> None:
        self.dismiss(None)

    def action_print(self) -> None:
        printer = shutil.which("lp") or shutil.which("lpr")
        if printer is None:
            self.notify(t("closing.no_printer"), severity="warning", timeout=10)
            return
        # Printed from standard input: no plain copy of the report is written to the disk.
        result = subprocess.run([printer], input=self.text, capture_output=True, text=True, timeout=30)
        if result.returncode == 0:
            self.notify(t("closing.printed"))
        else:
            self.notify(t("closing.print_failed"), severity="error", timeout=10)
