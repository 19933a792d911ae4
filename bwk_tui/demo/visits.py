"""The demo's visits: every visit of the period, with its help domains, referrals and notes.

A visitor keeps coming from registration until they stop, at a rate of their own and on the
days their room is open, mostly around their usual time; today's visitors have not left yet.
The visits are made as sortable keys first (day, second, room, person), so that their ids are
in time order, and inserted in batches with their help domains.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator

from db.models import Visit, VisitDomain

from bwk_tui.demo.base import _Base, _choice, _insert, _Person, _Volunteer
from bwk_tui.demo.calendar import LAST_ARRIVAL, OPENS_AT

REFERRAL_ORGANISATIONS = (
    "Wijkteam Zuidoost", "Schuldhulpverlening Amsterdam", "Juridisch Loket", "Voedselbank",
    "WPI/Werk en Inkomen", "Huisarts", "Woningcorporatie",
)
# Where a question in a help domain is referred to.
_REFERRALS_BY_DOMAIN = {
    "welzijn": ("Wijkteam Zuidoost", "Huisarts"),
    "zorg": ("Huisarts", "Wijkteam Zuidoost"),
    "wonen": ("Woningcorporatie", "Juridisch Loket", "Wijkteam Zuidoost"),
    "geldzaken": ("WPI/Werk en Inkomen", "Voedselbank", "Wijkteam Zuidoost"),
    "schulden": ("Schuldhulpverlening Amsterdam", "Schuldhulpverlening Amsterdam", "Juridisch Loket"),
    "werk": ("WPI/Werk en Inkomen",),
    "formulieren": ("WPI/Werk en Inkomen", "Juridisch Loket", "Woningcorporatie"),
    "taal": ("Wijkteam Zuidoost",),
}
_NOTES = (
    "Brief van de Belastingdienst meegenomen, volgende week samen bekijken.",
    "Aanvraag toeslag samen ingevuld.",
    "Komt terug met de papieren van de woningcorporatie.",
    "Wil graag meedoen als vrijwilliger.",
    "Afspraak bij het wijkteam gemaakt.",
    "Vraagt naar taalles op dinsdag.",
    "Herinnering gestuurd voor de energierekening.",
    "DigiD aangevraagd, code komt per post.",
    "Heeft hulp nodig bij het lezen van post.",
    "Doorverwezen voor een voedselpakket.",
)


class _Visits(_Base):
    """The visits part of the builder. Reads ``room_ids`` and the crews at the desk (``crews()``,
    planned with the roster), one of whom records each visit."""

    def make_and_insert_visits(self, persons: list[_Person], accounts: list[_Volunteer]) -> int:
        keys = self.visit_keys(persons)
        self.progress(f"demo: {len(keys)} visits to insert")
        rng = self.rng("visit-details")
        cal = self.calendar
        by_id = {p.id: p for p in persons}
        crews = self.crews(accounts)
        room_ids = self.room_ids
        coffee = self.coffee
        concern_ids, concern_cum = self.concern_ids, self.concern_cum
        all_ids, all_cum = self.all_ids, self.all_cum
        domain_code = self.domain_code
        referrals = {d: _REFERRALS_BY_DOMAIN.get(c, REFERRAL_ORGANISATIONS) for d, c in domain_code.items()}
        dates, base_utc, today = cal.dates, cal.base_utc, cal.today
        random_ = rng.random
        week = dt.timedelta(days=7)
        domain_rows: list[tuple[int, int]] = []

        def visit_rows() -> Iterator[tuple]:
            for visit_id, key in enumerate(keys, 1):
                person_id = key & 0xFFFFF
                rest = key >> 20
                room = rest & 7
                day, sec = divmod(rest >> 3, 86400)
                person = by_id[person_id]
                arrived = base_utc[day] + dt.timedelta(seconds=sec)
                if day == today:
                    left = None
                else:
                    minute = sec // 60
                    longest = max(20, min(150, LAST_ARRIVAL + 60 - minute))
                    left = arrived + dt.timedelta(minutes=rng.randint(20, longest), seconds=rng.randrange(60))
                # help domains: 1-3, mostly this person's own concerns, often with coffee
                wanted = 1 if (r := random_()) < 0.55 else (2 if r < 0.88 else 3)
                chosen = [coffee] if coffee is not None and random_() < person.coffee else []
                tries = 0
                while len(chosen) < wanted and tries < 12:
                    tries += 1
                    if random_() < 0.8:
                        domain = person.concerns[int(random_() * len(person.concerns))]
                    elif random_() < 0.7:
                        domain = _choice(rng, concern_ids, concern_cum)
                    else:
                        domain = _choice(rng, all_ids, all_cum)
                    if domain not in chosen:
                        chosen.append(domain)
                for domain in chosen:
                    domain_rows.append((visit_id, domain))
                referral = follow_up = note = None
                serious = [d for d in chosen if d != coffee]
                if serious:
                    if random_() < 0.11:
                        organisations = referrals[serious[int(random_() * len(serious))]]
                        referral = organisations[int(random_() * len(organisations))]
                    if random_() < 0.08:
                        follow_up = dates[day] + week * (1 + int(random_() * 3))
                    if random_() < 0.03:
                        note = _NOTES[int(random_() * len(_NOTES))]
                crew = crews[room][day]
                recorded_by = crew[int(random_() * len(crew))]
                yield (visit_id, person_id, room_ids[room], dates[day], arrived, left, referral,
                       follow_up, note, recorded_by)

        fields = [Visit.id, Visit.person, Visit.room, Visit.visit_date, Visit.arrived_at, Visit.left_at,
                  Visit.referral, Visit.follow_up_date, Visit.note, Visit.recorded_by]
        total = len(keys)
        step = max(50_000, -(-total // 10))
        rows = visit_rows()
        done = 0
        while done < total:
            batch = list(itertools.islice(rows, step))
            _insert(Visit, fields, batch)
            _insert(VisitDomain, [VisitDomain.visit, VisitDomain.domain], domain_rows)
            domain_rows.clear()
            done += len(batch)
            if total > step:
                self.progress(f"demo: {done}/{total} visits")
        return total

    def visit_keys(self, persons: list[_Person]) -> list[int]:
        """Every visit as one sortable int: (day, second, room, person), in time order.

        A visitor keeps coming from registration until ``end`` at a personal rate; the
        rates are scaled so that the total comes out near the scale's number of visits.
        """
        rng = self.rng("visits")
        cal, scale = self.calendar, self.scale
        streams = []  # (person, room, weight, forced first visit)
        two_rooms: set[int] = set()  # persons who also visit a second room
        for person in persons:
            streams.append((person, person.household.home, person.weight, person.day >= 0))
            if scale.rooms > 1 and rng.random() < scale.second_room_share:
                other = rng.choice([r for r in range(scale.rooms) if r != person.household.home])
                streams.append((person, other, person.weight * 0.15, False))
                two_rooms.add(person.id)
        forced = sum(1 for s in streams if s[3])
        mass = 0.0
        spans = []
        for person, room, weight, first in streams:
            start = max(person.day, 0)
            lo = cal.position(room, start) + (1 if first else 0)
            hi = cal.position(room, person.end + 1)  # exclusive
            spans.append((lo, hi))
            mass += weight * max(hi - lo, 0)
        remaining = max(scale.visits - forced, 0)
        mean_accept = [sum(a) / len(a) for a in cal.accept]
        keys: list[int] = []
        append = keys.append
        today, now_sec = cal.today, self.now_sec
        log = math.log
        seen: dict[int, set[int]] = {}  # days of the home room, to keep the second room off them
        for (person, room, weight, first), (lo, hi) in zip(streams, spans):
            opened, accept = cal.open[room], cal.accept[room]
            home = room == person.household.home
            days = seen.setdefault(person.id, set()) if person.id in two_rooms else None
            habit = person.habit

            def add(day: int, sec: int) -> None:
                if day == today and sec > now_sec:
                    return  # has not come in yet
                if days is not None:
                    if not home and day in days:
                        return
                    days.add(day)
                append((((day * 86400 + sec) << 3 | room) << 20) | person.id)

            if first:
                add(person.day, person.sec)
            n = hi - lo
            if n <= 0 or mass <= 0:
                continue
            expected = remaining * weight * n / mass
            p = min(0.9, expected / (n * mean_accept[room]))
            if p <= 0:
                continue
            log_q = log(1 - p)
            pos = lo - 1
            while True:
                pos += 1 + int(log(1.0 - rng.random()) / log_q)
                if pos >= hi:
                    break
                if rng.random() < accept[pos]:
                    minute = min(LAST_ARRIVAL - 1, max(OPENS_AT, int(rng.gauss(habit, 45))))
                    add(opened[pos], minute * 60 + rng.randrange(60))
        keys.sort()
        return keys
