"""What every part of the demo shares: its own records of the people it makes, weighted choices, bulk inserts.

The records are plain dataclasses, filled in step by step (ids, codes, roster profiles) before
they become rows; the rows go in with _insert, many at a time.
"""
from __future__ import annotations

import bisect
import dataclasses
import itertools
import random
import sqlite3
from collections.abc import Iterable, Sequence

from db import write


@dataclasses.dataclass
class _Household:
    origin: str
    pc4: int
    home: int  # room index
    housing: str | None
    size: int | None
    last: str
    created_day: int = 0
    created_sec: int = 0
    id: int = 0
    code: str = ""


@dataclasses.dataclass
class _Person:
    household: _Household
    first: str
    last: str | None
    languages: str
    birth_year: int | None
    consent: bool
    day: int  # day index of registration (negative: before the period)
    sec: int  # second of the day (local) of registration / first visit
    end: int  # last day index this person may visit
    weight: float
    habit: int  # usual arrival, minutes after midnight
    coffee: float  # chance that a visit includes coffee/meeting people
    concerns: tuple[int, ...]  # help domain ids this person mostly comes for
    id: int = 0


@dataclasses.dataclass(eq=False)  # one account, one object: compared by identity
class _Volunteer:
    room: int
    name: str
    role: str
    start: int
    end: int
    language: str
    id: int = 0
    # The resident whose name the account took; for some, the volunteer's own person record.
    person: _Person | None = None
    # The roster profile (see _Builder.make_profiles).
    profile: int = 0  # Volunteer.id
    linked: bool = False  # ``person`` is the volunteer themself
    days: tuple[int, ...] = ()  # weekdays they usually come (0 = Monday)
    parts: str = "om"  # dagdelen they usually do: o(chtend), m(iddag) or both
    evening: bool = False  # also the weekly taalcafé evening
    rate: int | None = None  # hourly allowance in cents
    skills: list[str] = dataclasses.field(default_factory=list)
    speaks: str = "nl"
    offer_domains: list[int] = dataclasses.field(default_factory=list)  # of their help offer, if any


def _choice(rng: random.Random, items: Sequence, cum: Sequence[float]):
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _cum(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))



def _chunk_rows(fields: int) -> int:
    """Rows per INSERT: stay below SQLite's limit on bound parameters."""
    limit = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
    return max(1, min(2_000, limit // fields))


def _insert(model, fields: list, rows: Iterable[tuple], per_transaction: int = 50_000) -> None:
    """Bulk insert in chunks, committing every ``per_transaction`` rows."""
    size = _chunk_rows(len(fields))
    iterator = iter(rows)
    while True:
        block = list(itertools.islice(iterator, per_transaction))
        if not block:
            return
        with write():
            for start in range(0, len(block), size):
                model.insert_many(block[start:start + size], fields=fields).as_rowcount().execute()
