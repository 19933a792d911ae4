"""F1: help for the screen you are on."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t


class HelpModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,enter", "dismiss", show=False)]

    def __init__(self, screen_help: str = ""):
        super().__init__()
        self.screen_help = screen_help

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static(t("help.title"), classes="dialog-title")
            if self.screen_help:
                yield Static(self.screen_help, classes="help-text")
            yield Static(t("help.general"), classes="help-text")
            yield Static(t("help.close"), classes="muted")

    def action_dismiss(self) -> None:
        self.dismiss(None)
