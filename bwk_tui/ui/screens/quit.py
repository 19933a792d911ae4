"""Quitting the locked desk: only with a coordinator's name and PIN.

On the login screen nobody is logged in; quitting there would leave a shell (and every `bwk`
command) to whoever sits at the laptop. Logged in, Ctrl+Q quits as before.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.room import auth
from bwk_tui.ui.widgets.form import FORM_CSS
from bwk_tui.ui.widgets.plain import Label, Static


class QuitModal(ModalScreen[bool]):
    """Name, Tab, PIN, Enter: a coordinator's PIN quits; anything else says what a wrong login says."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    CSS_PATH = FORM_CSS
    HELP_KEY = "help.quit"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("quit.title"), classes="dialog-title")
            yield Label(t("login.name"))
            yield Input(id="quit-name", max_length=60)
            yield Label(t("login.pin"))
            yield Input(id="quit-pin", password=True, max_length=8)
            yield Static("", id="quit-message", classes="error")

    def on_mount(self) -> None:
        self.query_one("#quit-name", Input).focus()

    @on(Input.Submitted, "#quit-name")
    def _to_pin(self) -> None:
        self.query_one("#quit-pin", Input).focus()

    @on(Input.Submitted, "#quit-pin")
    def submit(self) -> None:
        pin_input = self.query_one("#quit-pin", Input)
        name, pin = self.query_one("#quit-name", Input).value, pin_input.value
        pin_input.value = ""
        self._check(name, pin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="quit")
    def _check(self, name: str, pin: str) -> None:
        from bwk_tui.services.kernel.errors import BwkError

        try:
            self.app.open_database(name, pin)  # still closed: the keyslot decides first
        except BwkError:
            self.app.call_from_thread(self._answered, False)
            return
        with room.worker_connection():
            ok = auth.is_coordinator_pin(name, pin)
        self.app.call_from_thread(self._answered, ok)

    def _answered(self, ok: bool) -> None:
        if ok:
            self.dismiss(True)
            return
        self.query_one("#quit-message", Static).update(t("error.login_failed"))
        self.query_one("#quit-pin", Input).focus()

    def on_worker_state_changed(self, event) -> None:
        self.app.show_worker_error(event)

    def action_cancel(self) -> None:
        self.dismiss(False)
