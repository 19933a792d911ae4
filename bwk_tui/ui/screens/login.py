"""Login: type your name (first match), Tab, your PIN, Enter.

Also what 'locked' looks like: this screen alone, over an empty base screen.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input
from bwk_tui.ui.widgets.plain import Label, Static


from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.room import auth
from bwk_tui.services.kernel.errors import BwkError


class LoginScreen(Screen[None]):
    HELP_KEY = "help.login"
    # Before anyone is logged in: who reads the screen less well switches to high contrast first.
    BINDINGS = [Binding("ctrl+t", "app.toggle_contrast", show=False)]

    def __init__(self, notice: str = ""):
        super().__init__()
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box", classes="dialog"):
            yield Static(t("login.room", room=self.app.room_name) if self.app.room_name else "bwk",
                         classes="dialog-title")
            yield Static(t("login.help"), classes="help-text")
            yield Label(t("login.name"))
            yield Input(id="name", placeholder=t("login.name_placeholder"), max_length=60)
            yield Label(t("login.pin"))
            yield Input(id="pin", placeholder=t("login.pin_placeholder"), password=True, max_length=8)
            yield Static(self.notice, id="login-message", classes="error")
            yield Button(t("login.button"), id="login", variant="primary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        name = self.query_one("#name", Input).value
        pin_input = self.query_one("#pin", Input)
        pin = pin_input.value
        pin_input.value = ""  # the PIN does not stay on screen or in the widget
        if not name.strip() or not pin:
            self.show_message(t("login.empty"))
            return
        self.query_one("#login", Button).disabled = True
        self._check(name, pin)

    # argon2 takes tens of milliseconds: keep the screen responsive.
    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def _check(self, name: str, pin: str) -> None:
        try:
            self.app.open_database(name, pin)  # an encrypted database still closed: its keyslot
        except BwkError as exc:
            self.app.call_from_thread(self._failed, exc.message())
            return
        with room.worker_connection():
            try:
                session = auth.login(name, pin)
            except BwkError as exc:
                self.app.call_from_thread(self._failed, exc.message())
                return
        self.app.call_from_thread(self.app.logged_in, session)

    def on_worker_state_changed(self, event) -> None:
        self.app.show_worker_error(event)

    def worker_failed(self) -> None:
        self.query_one("#login", Button).disabled = False

    def _failed(self, message: str) -> None:
        self.query_one("#login", Button).disabled = False
        self.show_message(message)
        self.query_one("#pin", Input).focus()

    def show_message(self, message: str) -> None:
        self.query_one("#login-message", Static).update(message)
