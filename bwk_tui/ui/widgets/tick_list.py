"""A SelectionList whose ticks are readable without colour: ✓ when ticked, blank when not."""
from __future__ import annotations

from rich.segment import Segment
from textual.binding import Binding
from textual.strip import Strip
from bwk_tui.ui.widgets.plain import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class TickList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 2:
            return strip
        mark = "✓" if selection.value in self._selected else " "
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox, inherit_bindings=False):  # Checkbox binds "enter,space"
    """A Checkbox that shows ✓ when ticked and a blank when not (not only a colour).

    Space ticks it; Enter does not (Textual's Checkbox toggles on both, so Enter on a consent box
    took the tick away): in a form Enter saves."""

    BINDINGS = [Binding("space", "toggle_button", show=False)]

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual reads this class attribute per instance
        return "✓" if self.value else " "
