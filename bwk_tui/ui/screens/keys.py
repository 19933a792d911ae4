"""The encrypted database's two moments at the desk: the recovery key, shown once at the first
start, and a new PIN for an account whose PIN is shorter than new PINs may be."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input

from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.room import auth
from bwk_tui.ui.widgets.plain import Label, Static


class RecoveryKeyScreen(Screen[None]):
    """The recovery key, large, with what it is for; the coordinator types its last four
    characters back before going on (it is never shown again)."""

    HELP_KEY = "setup.recovery_text"

    def __init__(self, recovery_key: str):
        super().__init__()
        self.recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with Vertical(id="recovery-box", classes="dialog"):
            yield Static(t("setup.recovery_title"), classes="dialog-title")
            yield Static(self.recovery_key, id="recovery-key")
            yield Static(t("setup.recovery_text"), classes="help-text")
            yield Label(t("setup.recovery_confirm"))
            yield Input(id="recovery-check", max_length=4, compact=True)
            yield Static("", id="recovery-error", classes="error")
            yield Button(t("setup.recovery_button"), id="recovery-done", variant="primary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#recovery-check", Input).focus()

    @on(Input.Submitted, "#recovery-check")
    @on(Button.Pressed, "#recovery-done")
    def done(self) -> None:
        typed = self.query_one("#recovery-check", Input).value.strip().upper()
        if typed != self.recovery_key[-4:]:
            self.query_one("#recovery-error", Static).update(t("setup.recovery_mismatch"))
            self.query_one("#recovery-check", Input).focus()
            return
        self.recovery_key = ""
        self.app.recovery_key_written()


class PinChangeModal(ModalScreen[bool]):
    """Current PIN, new PIN twice, Enter. Escape locks the desk: a short PIN is not kept in use."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    HELP_KEY = "pinchange.text"

    def compose(self) -> ComposeResult:
        with Vertical(id="pinchange-box", classes="dialog"):
            yield Static(t("pinchange.title"), classes="dialog-title")
            yield Static(t("pinchange.text"), classes="help-text")
            for field, label in (("old", "pinchange.old"), ("new", "pinchange.new"), ("again", "pinchange.again")):
                yield Label(t(label))
                yield Input(id=f"pin-{field}", password=True, max_length=8, restrict=r"[0-9]*", compact=True)
            yield Static("", id="pinchange-error", classes="error")
            yield Button(t("pinchange.save"), id="pinchange-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#pin-old", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "pin-again":
            self.save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#pinchange-save")
    def save(self) -> None:
        values = {f: self.query_one(f"#pin-{f}", Input).value for f in ("old", "new", "again")}
        if values["new"] != values["again"]:
            self._error(t("error.pin_mismatch"), "#pin-new")
            return
        self._change(values["old"], values["new"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="pinchange")
    def _change(self, old: str, new: str) -> None:
        with room.worker_connection():
            try:
                session = auth.change_pin(self.app.session, old, new)
            except InvalidInput as exc:
                self.app.call_from_thread(self._error, exc.message(), "#pin-new")
                return
            except BwkError as exc:
                self.app.call_from_thread(self._error, exc.message(), "#pin-old")
                return
        self.app.call_from_thread(self._saved, session)

    def _saved(self, session) -> None:
        self.app.session = session
        self.app.notify(t("pinchange.done"))
        self.dismiss(True)

    def _error(self, message: str, field: str) -> None:
        self.query_one("#pinchange-error", Static).update(message)
        for name in ("old", "new", "again"):  # PINs never stay in a field
            self.query_one(f"#pin-{name}", Input).value = ""
        self.query_one("#pin-old", Input).focus()

    def on_worker_state_changed(self, event) -> None:
        self.app.show_worker_error(event)

    def action_cancel(self) -> None:
        self.dismiss(False)
