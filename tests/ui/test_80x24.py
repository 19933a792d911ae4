"""At 80×24 nothing important is cut off (issue 14): per main screen, its key line and key texts
are on the screen in full, read from what the terminal would show."""
from __future__ import annotations

import pytest

from bwk_tui.i18n import t
from bwk_tui.ui.app import BwkApp

SIZE = (80, 24)


def screen_text(app) -> str:
    """The 80×24 screen as the terminal shows it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flowing(text: str) -> str:
    """The screen's rows joined by spaces, runs of spaces as one: a line that wraps still reads whole."""
    return " ".join(" ".join(text.split()).split())


def key_line_shown(app, hint_key: str) -> bool:
    return " ".join(t(hint_key).split()) in flowing(screen_text(app))


# F-key, screen class name, its key line, texts that must be readable in full
SCREENS = [
    ("f2", "VisitorsScreen", "visitors.keys", ["Laatst", "✓ binnen", "Vandaag:"]),
    ("f3", "RosterScreen", "f3.keys_coordinator", ["Ochtend", "Middag", "Avond"]),
    ("f4", "MatchingScreen", "f4.keys", ["Hulp bij", "Haast", "Wacht"]),
    ("f5", "CashScreen", "cash.keys", ["Vandaag open", "in kas", "Bedrag", "Saldo"]),
    ("f6", "ReportsScreen", "reports.keys", ["Nieuwe personen (eerste bezoek", "ooit)", "Jaar eerder", "Verschil"]),
    ("f8", "AccountsScreen", "admin.keys", ["Hulpdomeinen", "Gevoelig"]),
    ("f9", "ClosingScreen", "closing.keys", ["Stap 1 van 5", "Volgende"]),
]


@pytest.mark.parametrize("key, name, hint, texts", SCREENS, ids=[s[0] for s in SCREENS])
async def test_the_main_screen_is_readable_at_80x24(demo_copy, key, name, hint, texts):
    summary = demo_copy(4, "small")
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*summary.coordinator_name, "tab", *summary.coordinator_pin, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == name
        shown = screen_text(app)
        assert all(len(line) <= SIZE[0] for line in shown.splitlines())
        if hint is not None:
            assert app.screen.HINT_KEY == hint
            assert key_line_shown(app, hint), (hint, shown)
        for text in texts:
            assert text in shown, (text, shown)
        assert "F1 Hulp" in shown.splitlines()[-1]  # the footer is still there
