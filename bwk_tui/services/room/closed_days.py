"""Whether a day of a room has been closed (signed): below the desks, so that the visitor log,
the cash book and the roster ask the same question the same way."""
from __future__ import annotations

import datetime as dt

from db.models import CashClosing


def is_closed(day: dt.date, room_id: int) -> bool:
    return CashClosing.select().where(CashClosing.room == room_id, CashClosing.day == day).exists()
