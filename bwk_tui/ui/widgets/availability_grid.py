"""Availability chosen on a small grid of days × dagdelen: arrows move, Space ticks.

The stored codes ("ma-o,di-m") stay for the command line; a volunteer never types them.
"""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from bwk_tui.i18n import t
from bwk_tui.services.kernel.availability import DAGDELEN, WEEKDAYS, availability_text, parse_availability

LABEL_WIDTH = 8


class AvailabilityGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    AvailabilityGrid {
        height: 4;
        width: 100%;
    }
    """
    BINDINGS = [
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
        Binding("space", "toggle", show=False),
    ]

    def __init__(self, codes: str = "", **kwargs):
        super().__init__(**kwargs)
        self.chosen: set[str] = set(parse_availability(codes))
        self.day = 0
        self.part = 0

    @property
    def value(self) -> str:
        return availability_text(frozenset(self.chosen))

    def code_at(self, day: int, part: int) -> str:
        return f"{WEEKDAYS[day]}-{DAGDELEN[part]}"

    def action_move(self, step_day: int, step_part: int) -> None:
        self.day = (self.day + step_day) % len(WEEKDAYS)
        self.part = (self.part + step_part) % len(DAGDELEN)
        self.refresh()

    def action_toggle(self) -> None:
        self.chosen ^= {self.code_at(self.day, self.part)}
        self.refresh()

    def render(self) -> Text:
        text = Text(" " * LABEL_WIDTH)
        for day in WEEKDAYS:
            text.append(f" {day} ", style="bold")
        for part, dagdeel in enumerate(DAGDELEN):
            text.append("\n" + t(f"roster.dagdeel_{dagdeel}")[:LABEL_WIDTH - 1].ljust(LABEL_WIDTH))
            for day in range(len(WEEKDAYS)):
                mark = "✓" if self.code_at(day, part) in self.chosen else "·"
                here = self.has_focus and (day, part) == (self.day, self.part)
                # Four characters a cell, under " ma ": the cursor is brackets, not only a colour.
                text.append(f"[{mark}]" if here else f" {mark} ", style="reverse bold" if here else "")
                text.append(" ")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
