"""The closing report on screen, with printing where the computer has a printer."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.closing import report


class ReportModal(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", show=False), Binding("p", "print", show=False)]

    def __init__(self, closing_id: int, path: Path):
        super().__init__()
        self.closing_id = closing_id
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="report-box"):
            yield Static(t("closing.report_keys"), classes="muted")
            with VerticalScroll():
                yield Static(report.report_text(self.closing_id), id="report-text", markup=False)

    def action_dismiss(self) -> None:
        self.dismiss(None)

    def action_print(self) -> None:
        printer = shutil.which("lp") or shutil.which("lpr")
        if printer is None:
            self.notify(t("closing.no_printer", path=str(self.path)), severity="warning", timeout=10)
            return
        result = subprocess.run([printer, str(self.path)], capture_output=True, text=True, timeout=30)
        if result.returncode == 0:
            self.notify(t("closing.printed"))
        else:
            self.notify(t("closing.print_failed", path=str(self.path)), severity="error", timeout=10)
