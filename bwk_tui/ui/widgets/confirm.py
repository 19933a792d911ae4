"""A yes/no question: Enter for yes, Escape for no."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.roster.allowance import AllowanceWarning
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


def ask_then(screen, call, done) -> None:
    """Run ``call(accept_over_allowance)``; on an allowance warning ask first, then run it accepting.

    ``done(result)`` gets the result (not called when refused or declined)."""
    try:
        result = call(False)
    except AllowanceWarning as warning:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done(call(True))
            except BwkError as exc:
                screen.notify(exc.message(), severity="error", timeout=8)

        screen.app.push_screen(ConfirmModal(warning.message() + "\n\n" + t("f3.allowance_question"),
                                            yes_key="f3.allowance_yes"), answered)
        return
    except BwkError as exc:
        screen.notify(exc.message(), severity="error", timeout=8)
        return
    done(result)
