"""The bwk application: setup, login, the F-key sections, and locking.

Locked means: the login screen alone, over an empty base screen. Every screen
that could show personal data is removed from the stack when the desk locks.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from bwk_tui.i18n import set_language, t
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.room import auth
from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session
from bwk_tui.ui.bindings import Key, install
from bwk_tui.ui.screens.desk import HomeScreen
from bwk_tui.ui.screens.help import HelpModal
from bwk_tui.ui.screens.login import LoginScreen
from bwk_tui.ui.screens.setup import SetupScreen
from bwk_tui.ui import themes
from bwk_tui.ui.widgets import plain

plain.install()


@dataclass(frozen=True)
class Section:
    id: str
    key: str
    title_key: str
    screen: Callable[[], Screen]
    coordinator_only: bool = False
    in_footer: bool = True

    @property
    def footer_key(self) -> str:
        return f"footer.{self.id}"


def _visitors_screen() -> Screen:
    from bwk_tui.ui.screens.visitors import VisitorsScreen

    return VisitorsScreen()


def _roster_screen() -> Screen:
    from bwk_tui.ui.screens.roster import RosterScreen

    return RosterScreen()


def _matching_screen() -> Screen:
    from bwk_tui.ui.screens.matching import MatchingScreen

    return MatchingScreen()


def _cash_screen() -> Screen:
    from bwk_tui.ui.screens.cash import CashScreen

    return CashScreen()


def _closing_screen() -> Screen:
    from bwk_tui.ui.screens.closing import ClosingScreen

    return ClosingScreen()


def _reports_screen() -> Screen:
    from bwk_tui.ui.screens.reports import ReportsScreen

    return ReportsScreen()


def _accounts_screen() -> Screen:
    from bwk_tui.ui.screens.accounts import AccountsScreen  # imported when first opened: faster start

    return AccountsScreen()


SECTIONS: tuple[Section, ...] = (
    Section("visitors", "f2", "section.visitors", _visitors_screen),
    Section("roster", "f3", "section.roster", _roster_screen),
    Section("matching", "f4", "section.matching", _matching_screen),
    Section("cash", "f5", "section.cash", _cash_screen),
    Section("reports", "f6", "section.reports", _reports_screen, coordinator_only=True),
    Section("accounts", "f8", "section.accounts", _accounts_screen, coordinator_only=True, in_footer=False),
    Section("closing", "f9", "section.closing", _closing_screen, coordinator_only=True),
)
SECTIONS_BY_ID = {section.id: section for section in SECTIONS}

# Checked this often; the idle limit itself is the `idle_lock_minutes` setting.
IDLE_CHECK_SECONDS = 0.5


class BwkApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "bwk"

    def __init__(self, where: str = "", door=None, **kwargs):
        super().__init__(**kwargs)
        self.where = where
        # An encrypted database not yet opened: the first login's PIN unwraps its key (vault).
        self.door = door
        self.session: Session | None = None
        self.room_name = ""
        self.idle_seconds = 180.0
        self.last_input = time.monotonic()
        self._install_keys()

    # --- keys ---------------------------------------------------------------------------

    def _install_keys(self) -> None:
        """The app's keys in the current language; coordinator-only sections in the footer for coordinators."""
        coordinator = self.session is not None and self.session.is_coordinator
        keys = [Key("f1", "help", "footer.help", priority=True, key_display="F1")]
        keys += [Key(s.key, f"section('{s.id}')", s.footer_key, priority=True, key_display=s.key.upper(),
                     show=s.in_footer and (coordinator or not s.coordinator_only)) for s in SECTIONS]
        keys += [Key("f12", "lock", "footer.lock", priority=True, key_display="F12"),
                 Key("ctrl+q", "quit", "key.quit", priority=True, show=False),
                 Key("ctrl+p", "command_palette", "key.palette", show=False, priority=True)]
        install(self, keys, replace=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("section", "lock"):
            return self.session is not None
        return True

    # --- start, setup, login ------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)
        self.register_theme(themes.HIGH_CONTRAST_THEME)
        if self.door is not None:  # closed: the room's name and language are in the keyslot file
            self.room_name = self.door.room_name
            set_language(self.door.language)
            self._theme_after_login = True  # the `theme` setting is in the database, still closed
            self.push_screen(LoginScreen())
            return
        self.room_name = room.current_room_name()
        set_language(settings.get("language"))
        self.theme = themes.theme_for(settings.get("theme"))
        if room.needs_setup():
            self.push_screen(SetupScreen())
        else:
            self.push_screen(LoginScreen())

    def setup_done(self) -> None:
        self.room_name = room.current_room_name()
        recovery_key = room.recovery_key_to_show()
        if recovery_key:
            from bwk_tui.ui.screens.keys import RecoveryKeyScreen

            self.switch_screen(RecoveryKeyScreen(recovery_key))
            return
        self.switch_screen(LoginScreen(notice=t("setup.done")))

    def recovery_key_written(self) -> None:
        self.switch_screen(LoginScreen(notice=t("setup.done")))

    def open_database(self, name: str, pin: str) -> None:
        """In a worker thread, before the first login's check: a closed encrypted database is
        opened with this name and PIN (a wrong PIN raises the login's one message)."""
        if self.door is None:
            return
        from bwk_tui.services.room import vault

        vault.unlock(self.door, name, pin)
        self.door = None

    def logged_in(self, session: Session) -> None:
        self.session = session
        if getattr(self, "_theme_after_login", False):
            self._theme_after_login = False
            self.theme = themes.theme_for(settings.get("theme"))
        set_language(session.language)
        self._install_keys()
        self.idle_seconds = settings.get_float("idle_lock_minutes") * 60
        self.last_input = time.monotonic()
        self.switch_screen(HomeScreen())
        self.refresh_bindings()
        if session.must_change_pin:
            from bwk_tui.ui.screens.keys import PinChangeModal

            self.push_screen(PinChangeModal(), lambda changed: None if changed else self.lock())

    # --- locking ------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.session is None:
            return
        limit = max(self.idle_seconds, getattr(self.screen, "IDLE_LOCK_AT_LEAST_MINUTES", 0) * 60)
        if time.monotonic() - self.last_input >= limit:
            self.lock(idle=True)

    def action_toggle_contrast(self) -> None:
        """High contrast on or off for this desk until bwk stops (the `theme` setting is the start)."""
        high = self.theme != themes.HIGH_CONTRAST
        self.theme = themes.HIGH_CONTRAST if high else themes.STANDARD
        self.notify(t("app.contrast_on" if high else "app.contrast_off"))

    def action_lock(self) -> None:
        self.lock()

    def lock(self, idle: bool = False) -> None:
        """Back to the login screen at once; nothing of the session stays on the stack."""
        if self.session is None:
            return
        session, self.session = self.session, None
        auth.logout(session, "idle" if idle else "lock")
        self.clear_notifications()  # a toast such as "Tanta Lucy is uitgecheckt" does not outlive the lock
        set_language(settings.get("language"))
        self._install_keys()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(LoginScreen(notice=t("login.locked_idle" if idle else "login.locked")))
        self.refresh_bindings()

    async def action_quit(self) -> None:
        """Logged in (or before the first coordinator exists): quit. Locked: a coordinator's PIN first."""
        if self.session is not None or (self.door is None and room.needs_setup()):
            self.exit()
            return
        if isinstance(self.screen, ModalScreen):
            return
        from bwk_tui.ui.screens.quit import QuitModal

        self.push_screen(QuitModal(), lambda ok: self.exit() if ok else None)

    # --- sections -----------------------------------------------------------------------

    def action_section(self, section_id: str) -> None:
        section = SECTIONS_BY_ID[section_id]
        if self.session is None:
            return
        if section.coordinator_only and not self.session.is_coordinator:
            self.notify(t("section.coordinator_only", section=t(section.title_key)), severity="error")
            return
        # A section starts a fresh stack: no person page or form stays behind it.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(section.screen())

    def action_help(self) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        help_key = getattr(self.screen, "HELP_KEY", "")
        self.push_screen(HelpModal(t(help_key) if help_key else ""))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.session is not None:
            yield SystemCommand(t("palette.lock"), "F12", self.action_lock)
            for section in SECTIONS:
                if section.coordinator_only and not self.session.is_coordinator:
                    continue
                title = t("palette.open", section=t(section.title_key))
                yield SystemCommand(title, section.key.upper(),
                                    lambda section_id=section.id: self.action_section(section_id))
        # Textual's own commands are in English, and a volunteer needs only two of them: Theme and
        # Maximize are left out, and so is Screenshot (it wrote an SVG of the screen, names and
        # help domains, world-readable and unaudited, to the working folder).
        if not isinstance(screen, ModalScreen):
            yield SystemCommand(t("palette.keys"), t("palette.keys_help"), self.action_help)
        yield SystemCommand(t("palette.quit"), t("palette.quit_help"), self.action_quit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from bwk_tui.ui.widgets.palette import DeskPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(DeskPalette())

    def action_show_help_panel(self) -> None:
        """Textual's Keys panel lists its widgets' keys in English and stays open on Escape: F1's help
        (Dutch, closed with Escape) takes its place."""
        self.action_help()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every toast is plain text: messages carry names, categories, typed text (see widgets.plain)."""
        super().notify(plain.visible(message), title=plain.visible(title), severity=severity,
                       timeout=timeout, markup=False)

    # --- errors -------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """An unexpected error: plain words for the user, the details in the error log, then exit.

        Every write is one transaction, so whatever was being saved is either saved or not at all.
        """
        from rich.text import Text

        from bwk_tui.services.room import errorlog

        path = errorlog.record(self._exception) if self._exception else errorlog.log_path()
        self.bell()
        self.panic(Text(t("app.crashed", path=str(path))))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.show_worker_error(event)

    def show_worker_error(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly is shown as a message (details in the log), not a crash."""
        if event.state == WorkerState.ERROR:
            from bwk_tui.services.room import errorlog

            error = event.worker.error
            if isinstance(error, BwkError):  # a refusal that reached here still reads as one
                self.notify(error.message(), severity="error", timeout=10)
            else:
                errorlog.record(error)
                self.notify(t("app.unexpected", reason=type(error).__name__), severity="error", timeout=10)
            handler = getattr(self.screen, "worker_failed", None)
            if handler is not None:
                handler()
