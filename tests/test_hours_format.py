"""Hours are written one way everywhere (issue 14): at most one decimal, rounded half up."""
from __future__ import annotations

import pytest

from bwk_tui.services.kernel import clock


@pytest.mark.parametrize("minutes, nl, en", [
    (271, "4,5", "4.5"),  # was 4,52 beside 3,5 in the closing's step 2
    (210, "3,5", "3.5"),
    (285, "4,8", "4.8"),  # 4,75: half up
    (600, "10", "10"),
    (20, "0,3", "0.3"),
    (0, "0", "0"),
    (60 * 1234 + 30, "1.234,5", "1,234.5"),
])
def test_hours_have_at_most_one_decimal(minutes, nl, en):
    assert clock.hours(minutes, "nl") == nl
    assert clock.hours(minutes, "en") == en


def test_the_hours_on_a_shift_and_in_the_closing_use_the_same_format():
    from types import SimpleNamespace

    from bwk_tui.i18n import t
    from bwk_tui.ui.widgets.texts import hours_text

    line = SimpleNamespace(minutes=271, signed_in_at=None)
    assert hours_text(line) == t("f3.hours_done", hours="4,5")
    assert "4,52" not in hours_text(line)
