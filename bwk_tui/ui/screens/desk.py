"""The base of the screens behind the F keys, and the start screen after login."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.ui.bindings import Key, install
from bwk_tui.ui.widgets.desk_header import DeskHeader


class DeskScreen(Screen[None]):
    """Base of every screen shown to a logged-in user."""

    HELP_KEY = ""
    TITLE_KEY = "home.title"
    # The screen's own keys, as one line above its content: the footer keeps the keys that
    # work everywhere, and at 80 columns it has no room for more.
    HINT_KEY = ""
    KEYS: tuple[Key, ...] = ()
    # A screen where someone works without touching the keys for a while (counting coins)
    # can ask for a longer quiet time before the desk locks itself.
    IDLE_LOCK_AT_LEAST_MINUTES: float = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        install(self, self.KEYS)

    def compose_header(self) -> ComposeResult:
        yield DeskHeader(t(self.TITLE_KEY))

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(classes="page"):
            if self.HINT_KEY:
                yield Static(t(self.HINT_KEY), classes="key-hint")
            yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_worker_state_changed(self, event) -> None:
        # Worker.StateChanged does not bubble: each screen hands failures to the app.
        self.app.show_worker_error(event)


def require_coordinator(screen) -> bool:
    """Coordinator-only keys say so to a volunteer (the services refuse them too)."""
    session = screen.app.session
    if session is None or not session.is_coordinator:
        screen.notify(t("error.coordinator_only"), severity="error")
        return False
    return True


class HomeScreen(DeskScreen):
    def compose_body(self) -> ComposeResult:
        session = self.app.session
        yield Static(t("home.welcome", name=session.name if session else ""), classes="dialog-title")
        yield Static(t("home.keys"), classes="help-text")
        yield Static(t("help.general"), classes="muted")
