"""Time as the room knows it: stored in UTC, shown and counted in Amsterdam time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now_utc() -> dt.datetime:
    """Now, as a naive UTC datetime (how the database stores times)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_local(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as Amsterdam wall-clock time."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(AMSTERDAM)


def today() -> dt.date:
    """The room's calendar day."""
    return to_local(now_utc()).date()
