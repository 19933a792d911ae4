"""`bwk demo`: fill a new database with realistic synthetic data.

Two scales:

- ``small``: one room, about 300 persons in 130 households, 4,000 visits over the last
  twelve months and a dozen volunteers. Built in a few seconds; for trying the app out.
- ``large``: the benchmark database of DESIGN.md: three rooms, ten years, about 50,000
  persons in 20,000 households, 1,000,000 visits, 300 volunteers and 100,000 cash entries.
  Built in bulk inserts.

Both have a cash book: coffee money, sales and donations, groceries and supplies, volunteer
allowances, monthly deposits to the bank and the odd reversal, with every past day closed
(hash-chained as closing.close() does it; now and then a small difference with its reason).
Today stays open.

Both have a volunteer roster: a profile for every account (some are residents who became
volunteers), the weekly shift templates, every open day's shifts with who was on them and
the hours they worked (the same people who recorded that day's visits; paid volunteers
mostly under the legal allowance maximum), the holidays marked closed (the period's and the
next eight weeks') and the Saturdays ahead that the room does not open, and the sign-ups
of this week and the three after it, with gaps and "kan niet".

Everything is derived from the seed: the same seed and scale give the same data. The only
thing taken from the clock is *now*, the end of the period (today's visitors have not left
yet, and nobody arrives later than now); pass ``now`` to pin it.

Names are those found in Amsterdam Zuidoost: Dutch, Surinamese (Creole, Hindustani,
Javanese), Antillean and Aruban, Ghanaian (Akan day names), Nigerian, Moroccan, Turkish,
Eritrean, Somali, Cape Verdean, Latin American, francophone West African and Polish,
with nicknames now and then and accents for the accent-insensitive search to find.

The modules, one for each part of the build (each part a class that the builder extends, all
over the common state in base._Base; a part draws its random numbers from streams of its own,
base._Base.rng):

- ``builder``: the parts put together, and the order of the build;
- ``people``: households and persons, and inserting them with the accounts;
- ``accounts``: the coordinators and volunteers, their names and PINs;
- ``visits``: every visit, with its help domains, referrals and notes;
- ``roster``: volunteer profiles, templates, closed days, shifts and sign-ups, and the crews
  at the desk that visits and cash use;
- ``cash``: each room's cash box day by day; ``closings``: signing the closed days;
- ``matching``: peer support (help offers, requests, matches);
- ``calendar``: open days, holidays, Saturdays and hours; ``names``: the names and languages;
  ``base``: scales, the common state, the records, weighted choice and bulk inserts.
"""
from __future__ import annotations

import datetime as dt

from db import describe
from db.models import Account, Person, Room, Visit

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError

from bwk_tui.demo.base import SCALES, Progress, Scale
from bwk_tui.demo.builder import DemoSummary, _Builder
from bwk_tui.demo.calendar import _holidays, _saturday_open  # noqa: F401 (tests/test_demo.py uses them)
from bwk_tui.demo.people import HOUSING_CORPORATIONS
from bwk_tui.demo.visits import REFERRAL_ORGANISATIONS

__all__ = ["HOUSING_CORPORATIONS", "REFERRAL_ORGANISATIONS", "SCALES", "DemoSummary", "Progress", "Scale",
           "build_demo"]


def build_demo(seed: int = 1, scale: str = "small", progress: Progress | None = None,
               now: dt.datetime | None = None) -> DemoSummary:
    """Fill the opened, migrated, empty database with a demo room (or three).

    ``now`` (naive UTC, default: the clock) ends the period. Returns what was made,
    including the demo coordinator's name and PIN.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose from {', '.join(SCALES)}")
    if (Room.select().exists() or Account.select().exists() or Person.select().exists()
            or Visit.select().exists()):
        raise BwkError("error.demo_not_empty", path=describe())
    return _Builder(seed, scale, progress or (lambda _line: None), now or clock.now_utc()).build()
