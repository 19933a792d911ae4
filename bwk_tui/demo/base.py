"""What every part of the demo shares: the scales, the builder's common state, its own records of
the people it makes, weighted choices and bulk inserts.

The records are plain dataclasses, filled in step by step (ids, codes, roster profiles) before
they become rows; the rows go in with _insert, many at a time.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence

from db import write
from db.models import HelpDomain

from bwk_tui.services.kernel.clock import to_local

from bwk_tui.demo.calendar import _Calendar

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Scale:
    rooms: int
    households: int
    visits: int
    days: int  # length of the period, ending today
    volunteers_per_room: int
    # share of persons already registered before the period starts (the room is older)
    existing_share: float
    # mean number of days a visitor keeps coming (exponential), for non-one-off visitors
    mean_span: int
    second_room_share: float  # persons who also visit another room now and then
    # mean cash entries per open day and room, by kind (see cash._Cash.make_and_insert_cash)
    cash_rates: tuple[float, float, float, float, float] = (2.0, 0.35, 0.12, 0.45, 0.15)


SCALES: dict[str, Scale] = {
    "small": Scale(rooms=1, households=130, visits=4_000, days=365, volunteers_per_room=12,
                   existing_share=0.55, mean_span=420, second_room_share=0.0),
    "large": Scale(rooms=3, households=20_000, visits=1_000_000, days=3_652, volunteers_per_room=100,
                   existing_share=0.0, mean_span=900, second_room_share=0.06,
                   cash_rates=(6.9, 2.5, 0.5, 1.5, 0.45)),
}

# How often each help domain comes up: coffee and company most, then forms and letters...
_DOMAIN_WEIGHTS = {
    "koffie": 40, "formulieren": 18, "geldzaken": 14, "wonen": 10, "schulden": 8,
    "welzijn": 8, "zorg": 6, "werk": 5, "taal": 5,
}


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


class _Base:
    """What every part of the build reads: the seed and scale, the period's calendar and *now*, the
    help domains and how often each comes up; and ``rng(part)``, a random stream of its own for each
    part, so that one part drawing more or fewer numbers leaves the other parts' draws as they were."""

    def __init__(self, seed: int, scale: str, progress: Progress, now: dt.datetime):
        self.seed = seed
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.progress = progress
        self.now = now
        local_now = to_local(now)
        self.now_sec = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
        self.calendar = _Calendar(local_now.date() - dt.timedelta(days=self.scale.days - 1),
                                  self.scale.days, self.scale.rooms)
        domains = {d.code: d.id for d in HelpDomain.select().where(HelpDomain.active == True)}  # noqa: E712
        if not domains:
            raise ValueError("the database has no help domains: is it migrated?")
        self.domain_code = {v: k for k, v in domains.items()}
        self.coffee = domains.get("koffie")
        concern_codes = [c for c in domains if c != "koffie"] or list(domains)
        self.concern_ids = [domains[c] for c in concern_codes]
        self.concern_cum = _cum(_DOMAIN_WEIGHTS.get(c, 5) for c in concern_codes)
        self.all_ids = list(domains.values())
        self.all_cum = _cum(_DOMAIN_WEIGHTS.get(c, 5) for c in domains)
        self._crews: list[dict[int, tuple[int, ...]]] | None = None

    def rng(self, part: str) -> random.Random:
        return random.Random(f"bwk-demo:{self.seed}:{self.scale_name}:{part}")
