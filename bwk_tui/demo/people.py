"""The demo's residents: households and the persons in them, from registration on.

Each household has an origin (names and languages), a PC4 postcode of Zuidoost and a home room;
its members come in together or later, each with their own habits: how often and for how long
they keep coming, when they usually arrive, what they mostly come for. Inserting them puts in
the accounts first, as a person's consent names the coordinator who recorded it.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from db import write
from db.models import Account, Household, Person

from bwk_tui.services.kernel.text import fold
from bwk_tui.services.visitors import codes

from bwk_tui.demo.base import _Base, _choice, _cum, _Household, _insert, _Person, _Volunteer
from bwk_tui.demo.calendar import LAST_ARRIVAL, OPENS_AT
from bwk_tui.demo.names import NICKNAMES, ORIGINS, Origin

CONSENT_SCOPE = "registratie en rapportage"
HOUSING_CORPORATIONS = ("Ymere", "Eigen Haard", "Rochdale", "Stadgenoot", "De Key", "particulier")
_HOUSING_WEIGHTS = (30, 20, 15, 12, 8, 10)
_HOUSING_NONE = 0.15

# PC4 postcodes of Zuidoost and how many households live in each (roughly).
_PC4_WEIGHTS = {1101: 8, 1102: 22, 1103: 20, 1104: 18, 1105: 12, 1106: 10, 1107: 7, 1108: 3}
# For each PC4: the chance that a household's home room is room 1, 2 or 3 (large scale).
_PC4_ROOMS = {
    1101: (0.8, 0.1, 0.1), 1102: (0.8, 0.15, 0.05), 1103: (0.5, 0.4, 0.1), 1104: (0.1, 0.8, 0.1),
    1105: (0.1, 0.1, 0.8), 1106: (0.05, 0.15, 0.8), 1107: (0.05, 0.15, 0.8), 1108: (0.3, 0.3, 0.4),
}

# Registered members per household (1..6) and how often.
_MEMBER_WEIGHTS = (32, 26, 18, 12, 7, 5)


def _arrival_minute(rng: random.Random, centre: int | None = None) -> int:
    """A plausible arrival, minutes after midnight: busiest mid-morning and early afternoon."""
    if centre is None:
        centre = rng.choice((600, 630, 660, 690, 810, 840, 870, 900, 930))
    return min(LAST_ARRIVAL - 1, max(OPENS_AT, int(rng.gauss(centre, 25))))


class _People(_Base):
    """The households-and-persons part of the builder. Reads ``room_coordinator`` and the
    accounts' ``pin_hash`` (the accounts part) when it inserts."""

    def make_people(self) -> tuple[list[_Household], list[_Person]]:
        rng = self.rng("people")
        scale, cal = self.scale, self.calendar
        origin_names = list(ORIGINS)
        origin_cum = _cum(ORIGINS[o].weight for o in origin_names)
        pc4s = list(_PC4_WEIGHTS)
        pc4_cum = _cum(_PC4_WEIGHTS.values())
        housing_cum = _cum(_HOUSING_WEIGHTS)
        member_cum = _cum(_MEMBER_WEIGHTS)
        days = scale.days
        this_year = cal.dates[-1].year
        households: list[_Household] = []
        persons: list[_Person] = []
        for _ in range(scale.households):
            origin_name = _choice(rng, origin_names, origin_cum)
            origin = ORIGINS[origin_name]
            pc4 = _choice(rng, pc4s, pc4_cum)
            home = 0
            if scale.rooms > 1:
                home = _choice(rng, range(3), _cum(_PC4_ROOMS[pc4]))
                home = min(home, scale.rooms - 1)
            housing = None if rng.random() < _HOUSING_NONE else _choice(rng, HOUSING_CORPORATIONS, housing_cum)
            members = _choice(rng, range(1, 7), member_cum)
            size = None if rng.random() < 0.3 else min(30, members + (rng.random() < 0.3) * rng.randint(1, 3))
            household = _Household(origin_name, pc4, home, housing, size, rng.choice(origin.last))
            # When the household first came in: before the period, or during it.
            if rng.random() < scale.existing_share:
                start = -rng.randint(14, 1500)
            elif scale.existing_share == 0 and rng.random() < 0.12:
                start = rng.randint(0, 90)  # the room's first months
            else:
                start = rng.randrange(days)
            adult_year = rng.randint(max(1940, this_year - 85), this_year - 20)
            for member in range(members):
                if member == 0:
                    day = start
                elif rng.random() < 0.5:
                    day = start  # came in together
                else:
                    day = start + int(rng.expovariate(1 / 200))
                person = self.make_person(rng, household, origin, member, day, adult_year)
                if person is not None:
                    persons.append(person)
            if any(p.household is household for p in persons[-members:]):
                households.append(household)
        # Ids in order of registration.
        persons.sort(key=lambda p: (p.day, p.sec))
        for index, person in enumerate(persons, 1):
            person.id = index
        first_seen: dict[int, _Person] = {}
        for person in persons:
            first_seen.setdefault(id(person.household), person)
        households.sort(key=lambda h: (first_seen[id(h)].day, first_seen[id(h)].sec))
        code_rng = self.rng("codes")
        used: set[str] = set()
        for index, household in enumerate(households, 1):
            household.id = index
            first = first_seen[id(household)]
            household.created_day, household.created_sec = first.day, first.sec
            code = codes.random_code(code_rng)
            while code in used:
                code = codes.random_code(code_rng)
            used.add(code)
            household.code = code
        return households, persons

    def make_person(self, rng: random.Random, household: _Household, origin: Origin, member: int,
                    day: int, adult_year: int) -> _Person | None:
        cal = self.calendar
        home = household.home
        # Registered at a first visit on an open day; before the period: any weekday.
        sec = _arrival_minute(rng, rng.choice((600, 660, 840, 900))) * 60 + rng.randrange(60)
        if day >= 0:
            snapped = cal.next_open(home, day)
            if snapped is None:
                return None  # would come after today
            day = snapped
            if day == cal.today and sec > self.now_sec:
                day = cal.prev_open(home, day)
                if day is None:
                    return None
        female = rng.random() < 0.55
        if origin is ORIGINS["dutch"] or rng.random() < 0.85:
            first = rng.choice(origin.female if female else origin.male)
        else:  # children and partners often have names from elsewhere
            other = ORIGINS[rng.choice(("dutch", "sur_creole", "antillean", "ghanaian"))]
            first = rng.choice(other.female if female else other.male)
        last: str | None = household.last if rng.random() < 0.9 else rng.choice(origin.last)
        if rng.random() < 0.07:
            first = rng.choice(NICKNAMES)
            if rng.random() < 0.6:
                last = None
        elif rng.random() < 0.12:
            last = None
        languages = list(origin.languages)
        young = member > 0 and rng.random() < 0.4
        for code, chance in origin.maybe:
            if code not in languages and rng.random() < (chance + 0.4 if young and code == "nl" else chance):
                languages.append(code)
        if "nl" in languages:
            languages.remove("nl")
            languages.insert(0, "nl")
        youngest = cal.dates[-1].year - 12
        if young:  # a child of the first member
            birth_year = rng.randint(adult_year + 18, max(adult_year + 18, min(adult_year + 42, youngest)))
        else:  # the first member or a partner
            birth_year = adult_year + rng.randint(-8, 8) if member else adult_year
        birth_year = min(birth_year, youngest)
        # How often this person comes, and for how long they keep coming.
        kind = rng.random()
        if kind < 0.12:  # the regulars
            weight = rng.uniform(6, 15)
            span = rng.expovariate(1 / (self.scale.mean_span * 1.6))
        elif kind < 0.40:
            weight = rng.uniform(1.5, 4)
            span = rng.expovariate(1 / self.scale.mean_span)
        elif kind < 0.78:
            weight = rng.uniform(0.2, 1.0)
            span = rng.expovariate(1 / self.scale.mean_span)
        else:  # came once or twice
            weight = rng.uniform(0.2, 1.0)
            span = rng.uniform(0, 40)
        # Registered before the period: still coming at its start, for ``span`` more days.
        end = min(cal.today, max(day, 0) + int(span))
        concerns = tuple({_choice(rng, self.concern_ids, self.concern_cum) for _ in range(rng.randint(1, 3))})
        coffee = rng.uniform(0.55, 0.95) if weight > 4 else rng.uniform(0.2, 0.7)
        habit = _arrival_minute(rng)
        return _Person(household, first, last, ",".join(languages),
                       birth_year if rng.random() < 0.55 else None, rng.random() < 0.92,
                       day, sec, end, weight, habit, coffee, concerns)

    # -- inserting ---------------------------------------------------------------------

    def insert_people(self, households: list[_Household], persons: list[_Person],
                      accounts: list[_Volunteer]) -> None:
        cal = self.calendar
        period_start = cal.utc(0, 8 * 3600)
        with write():
            # The demo coordinator has run the room since before the period began.
            Account.update({Account.created_at: period_start - dt.timedelta(days=400)}).where(
                Account.id == self.coordinator_id).execute()
        _insert(Account, [Account.id, Account.name, Account.name_key, Account.role, Account.language,
                          Account.pin_hash, Account.active, Account.created_at],
                ((a.id, a.name, fold(a.name), a.role, a.language, self.pin_hash[a.id],
                  a.end >= cal.today - 90, cal.utc(a.start, 10 * 3600))
                 for a in accounts))
        _insert(Household, [Household.id, Household.code, Household.pc4, Household.size, Household.created_at],
                ((h.id, h.code, h.pc4, h.size, cal.utc(h.created_day, h.created_sec)) for h in households))
        scope = CONSENT_SCOPE

        def person_rows() -> Iterator[tuple]:
            for p in persons:
                household = p.household
                created = cal.utc(p.day, p.sec)
                consent_by = self.room_coordinator[household.home] if p.consent else None
                yield (p.id, p.first, p.last,
                       fold(" ".join(filter(None, [p.first, p.last, household.code]))),
                       household.id, household.pc4, p.languages, household.housing,
                       p.birth_year, created.date() if p.consent else None,
                       scope if p.consent else None, consent_by, created)

        _insert(Person, [Person.id, Person.first_name, Person.last_name, Person.search_key, Person.household,
                         Person.pc4, Person.languages, Person.housing_corporation, Person.birth_year,
                         Person.consent_date, Person.consent_scope, Person.consent_by, Person.created_at],
                person_rows())
