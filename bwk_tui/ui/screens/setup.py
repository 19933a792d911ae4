"""First start on a new database: the room's name and the first coordinator."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input
from bwk_tui.ui.widgets.plain import Label, Static

from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.kernel.errors import BwkError, InvalidInput


class SetupScreen(Screen[None]):
    HELP_KEY = "setup.intro"

    def compose(self) -> ComposeResult:
        # Compact fields: the whole form, its message and Save fit a 80x24 terminal.
        with Vertical(id="setup-box", classes="dialog"):
            yield Static(t("setup.title"), classes="dialog-title")
            yield Static(t("setup.intro"), classes="help-text")
            yield Label(t("setup.room"))
            yield Input(id="room", max_length=80, compact=True)
            yield Label(t("setup.name"))
            yield Input(id="name", max_length=60, compact=True)
            yield Label(t("setup.pin"))
            yield Input(id="pin", password=True, max_length=8, restrict=r"[0-9]*", compact=True)
            yield Label(t("setup.pin_again"))
            yield Input(id="pin2", password=True, max_length=8, restrict=r"[0-9]*", compact=True)
            yield Static("", id="setup-error", classes="error")
            yield Button(t("setup.save"), id="save", variant="primary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#room", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "pin2":
            self.save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#save")
    def save(self) -> None:
        value = {name: self.query_one(f"#{name}", Input).value for name in ("room", "name", "pin", "pin2")}
        error = self.query_one("#setup-error", Static)
        if value["pin"] != value["pin2"]:
            error.update(t("error.pin_mismatch"))
            self.query_one("#pin2", Input).value = ""
            self.query_one("#pin", Input).focus()
            return
        try:
            room.set_up(value["room"], value["name"], value["pin"])
        except InvalidInput as exc:
            error.update(exc.message())
            field = {"room": "#room", "name": "#name", "pin": "#pin"}.get(exc.field or "", "#room")
            self.query_one(field, Input).focus()
            return
        except BwkError as exc:
            error.update(exc.message())
            return
        self.app.setup_done()
