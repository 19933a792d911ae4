"""The demo's calendar: the days of the period, which of them each room is open, and its hours.

A room opens Monday to Friday and some Saturdays (each room its own), never on the Dutch public
holidays it closes for; visitors come in between OPENS_AT and LAST_ARRIVAL.
"""
from __future__ import annotations

import bisect
import datetime as dt

from bwk_tui.services.kernel.clock import AMSTERDAM

# Acceptance of a visit by weekday (Mon..Sat): busier on Tuesday and Thursday.
_WEEKDAY_WEIGHT = (0.8, 1.0, 0.85, 1.0, 0.7, 0.45, 0.0)

OPENS_AT = 9 * 60 + 30  # minutes after midnight, Amsterdam time
LAST_ARRIVAL = 16 * 60 + 30


class _Calendar:
    """Days of the period, which of them each room is open, and UTC offsets."""

    def __init__(self, first: dt.date, days: int, rooms: int):
        self.first = first
        self.dates = [first + dt.timedelta(days=i) for i in range(days)]
        self.today = len(self.dates) - 1
        holidays = set()
        for year in range(first.year - 1, self.dates[-1].year + 2):
            holidays |= _holidays(year)
        self.base_utc: list[dt.datetime] = []
        for day in self.dates:
            offset = AMSTERDAM.utcoffset(dt.datetime(day.year, day.month, day.day, 12))
            self.base_utc.append(dt.datetime(day.year, day.month, day.day) - offset)
        # per room: open day indices, their acceptance weight, and prefix counts
        self.open: list[list[int]] = []
        self.accept: list[list[float]] = []
        for room in range(rooms):
            opened, weights = [], []
            for index, day in enumerate(self.dates):
                weight = _WEEKDAY_WEIGHT[day.weekday()]
                if day in holidays or weight == 0:
                    continue
                if day.weekday() == 5 and not _saturday_open(room, day):
                    continue
                opened.append(index)
                weights.append(weight)
            top = max(weights)
            self.open.append(opened)
            self.accept.append([w / top for w in weights])

    def next_open(self, room: int, day: int) -> int | None:
        """The first open day index >= day of ``room`` (None when past the period)."""
        opened = self.open[room]
        pos = bisect.bisect_left(opened, day)
        return opened[pos] if pos < len(opened) else None

    def prev_open(self, room: int, day: int) -> int | None:
        opened = self.open[room]
        pos = bisect.bisect_left(opened, day) - 1
        return opened[pos] if pos >= 0 else None

    def position(self, room: int, day: int) -> int:
        """Index into ``open[room]`` of the first open day >= day."""
        return bisect.bisect_left(self.open[room], day)

    def date(self, day: int) -> dt.date:
        return self.first + dt.timedelta(days=day)

    def utc(self, day: int, sec: int) -> dt.datetime:
        """Local second ``sec`` of day index ``day`` as naive UTC (any day, also outside the period)."""
        if 0 <= day < len(self.base_utc):
            return self.base_utc[day] + dt.timedelta(seconds=sec)
        local = dt.datetime.combine(self.date(day), dt.time()) + dt.timedelta(seconds=sec)
        return local.replace(tzinfo=AMSTERDAM).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _saturday_open(room: int, day: dt.date) -> bool:
    """Each room opens some Saturdays: 1st and 3rd, 2nd and 4th, or the last of the month."""
    nth = (day.day - 1) // 7  # 0 = first Saturday of the month
    if room % 3 == 0:
        return nth in (0, 2)
    if room % 3 == 1:
        return nth in (1, 3)
    return (day + dt.timedelta(days=7)).month != day.month


def _easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holiday_names(year: int) -> dict[dt.date, str]:
    """Dutch public holidays on which the rooms are closed, with their Dutch names."""
    easter = _easter(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to the Saturday before
        kings_day -= dt.timedelta(days=1)
    return {
        dt.date(year, 1, 1): "Nieuwjaarsdag",
        easter + dt.timedelta(days=1): "Tweede paasdag",
        kings_day: "Koningsdag",
        easter + dt.timedelta(days=39): "Hemelvaartsdag",
        easter + dt.timedelta(days=50): "Tweede pinksterdag",
        dt.date(year, 12, 25): "Eerste kerstdag",
        dt.date(year, 12, 26): "Tweede kerstdag",
    }


def _holidays(year: int) -> set[dt.date]:
    """Dutch public holidays on which the rooms are closed."""
    return set(_holiday_names(year))


def _open_on(room: int, day: dt.date) -> bool:
    """Is the room open on ``day`` (any day, also ahead): as _Calendar decides for the period."""
    if _WEEKDAY_WEIGHT[day.weekday()] == 0 or day in _holidays(day.year):
        return False
    return day.weekday() != 5 or _saturday_open(room, day)
