"""Every key a screen's key line names is a key of that screen (issue 14: `e` on the F3 week screen)."""
from __future__ import annotations

import re

import pytest

from bwk_tui.i18n import t
from bwk_tui.ui.screens.roster.people import HoursScreen
from bwk_tui.ui.screens.roster.week import RosterScreen

NAMED = {"Enter": "enter", "Esc": "escape", "←": "left", "→": "right", "PageUp": "pageup", "PageDown": "pagedown"}


def keys_named(line: str) -> set[str]:
    """"Enter dienst · i in · v/n week" -> {"enter", "i", "v", "n"}."""
    found = set()
    for part in line.split(" · "):
        first = part.split(" ", 1)[0]
        for key in re.split(r"/", first):
            found.add(NAMED.get(key, key))
    return found


def bound(screen_class) -> set[str]:
    keys = {k for key in screen_class.KEYS for k in key.keys.split(",")}
    keys |= {b.key if hasattr(b, "key") else b[0] for b in getattr(screen_class, "BINDINGS", [])}
    return keys | {"enter", "escape"}  # Enter opens the highlighted row, Esc goes back: every screen


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("screen_class, hint_keys", [
    (RosterScreen, ("f3.keys", "f3.keys_coordinator")),
    (HoursScreen, ("f3a.hours_keys",)),
])
def test_a_key_line_names_only_keys_the_screen_has(locale, screen_class, hint_keys):
    for hint in hint_keys:
        named = keys_named(t(hint, language=locale))
        assert named, hint
        assert named <= bound(screen_class), (hint, named - bound(screen_class))


def test_e_on_the_week_screen_is_not_offered_while_it_does_nothing():
    for hint in ("f3.keys", "f3.keys_coordinator"):
        assert "e" not in keys_named(t(hint, language="nl"))
    assert "e" not in bound(RosterScreen)
