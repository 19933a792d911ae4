"""Ctrl+P in Dutch: Textual's command palette with the room's own words.

Textual writes its placeholder and its "No matches found" in English; the volunteer at
the desk reads Dutch. The system commands themselves come from ``BwkApp.get_system_commands``.
"""
from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from bwk_tui.i18n import t


class DeskPalette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own version adds the English "No matches found"; the same, in Dutch.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.no_matches"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
