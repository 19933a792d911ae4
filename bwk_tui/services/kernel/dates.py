"""Dates as a volunteer types them: 3-12, 3/12/2026, morgen, over 2 weken, do (next Thursday).

The exact forms (dd-mm-jjjj and the like) are read first; anything else goes to dateparser,
a well-kept parser that knows Dutch (and English) words for days, months and "over 2 weken".
"""
from __future__ import annotations

import datetime as dt
import re

from bwk_tui.services.kernel import clock

EXACT = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")
_NUMERIC = re.compile(r"[\d\s./-]+")
_DAY_MONTH = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_YEAR = re.compile(r"\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2}")


def understand(text: str, today: dt.date | None = None, prefer: str = "future") -> dt.date | None:
    """The date meant by ``text``, or None when it reads as no date at all. Dates without a year
    are the next such day from today on (today included); with ``prefer="past"`` the last one."""
    text = " ".join((text or "").split())
    if not text:
        return None
    for fmt in EXACT:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    today = today or clock.today()
    if _NUMERIC.fullmatch(text):
        # Figures only: an exact form above, or day-month without a year; never a guess at
        # "12" or a year-day-month swap.
        short = _DAY_MONTH.fullmatch(text)
        if short is None:
            return None
        day_of_month, month = int(short.group(1)), int(short.group(2))
        for year in ((today.year, today.year + 1) if prefer == "future" else (today.year, today.year - 1)):
            try:
                day = dt.date(year, month, day_of_month)
            except ValueError:
                return None
            if (day >= today) if prefer == "future" else (day <= today):
                return day
        return None
    import dateparser  # a second or so on the first call: only when a word is typed

    noon = dt.datetime.combine(today, dt.time(12))
    found = dateparser.parse(text, languages=["nl", "en"], settings={
        "RELATIVE_BASE": noon, "PREFER_DATES_FROM": prefer, "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
    if found is None:
        return None
    day = found.date()
    if prefer == "future" and not _YEAR.search(text):
        # "3-12" typed on 3 December means today, not next year ("future" skips today).
        try:
            earlier = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            earlier = None
        if earlier is not None and earlier >= today:
            day = earlier
    return day
