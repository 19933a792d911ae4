"""A yes/no question: Enter for yes, Escape for no."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from bwk_tui.i18n import t
from bwk_tui.ui.widgets.form import FORM_CSS


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "no", show=False)]
    CSS_PATH = FORM_CSS

    def __init__(self, question: str, yes_key: str = "confirm.yes", no_key: str = "confirm.no"):
        super().__init__()
        self.question = question
        self.yes_key = yes_key
        self.no_key = no_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, id="question")
            with Horizontal(classes="form-buttons"):
                yield Button(t(self.yes_key), id="yes", variant="primary")
                yield Button(t(self.no_key), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)
