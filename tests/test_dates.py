"""Dates as a volunteer types them (issue 15), read on Thursday 3 December 2026."""
from __future__ import annotations

import datetime as dt

import pytest

from bwk_tui.services.kernel import dates

THURSDAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize("typed, meant", [
    ("3-12", THURSDAY),  # today, not next year
    ("2-12", dt.date(2027, 12, 2)),  # gone this year: the next one
    ("15-1", dt.date(2027, 1, 15)),
    ("3/12/2026", THURSDAY),
    ("10-12-2026", dt.date(2026, 12, 10)),
    ("morgen", dt.date(2026, 12, 4)),
    ("overmorgen", dt.date(2026, 12, 5)),
    ("over 2 weken", dt.date(2026, 12, 17)),
    ("do", dt.date(2026, 12, 10)),  # next Thursday
    ("maandag", dt.date(2026, 12, 7)),
    ("10 december", dt.date(2026, 12, 10)),
])
def test_dutch_dates_are_understood(typed, meant):
    assert dates.understand(typed, THURSDAY) == meant


@pytest.mark.parametrize("typed", ["12", "2026-13-03", "31-2", "xyz", "32-1-2026"])
def test_what_is_no_date_is_not_guessed(typed):
    assert dates.understand(typed, THURSDAY) is None


def test_the_logbook_reads_a_date_without_a_year_backwards():
    assert dates.understand("15-1", THURSDAY, prefer="past") == dt.date(2026, 1, 15)
