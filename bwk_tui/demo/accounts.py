"""The demo's accounts: each room's extra coordinators and its volunteers, with their PINs.

Every account takes a name found among the room's residents; the roster part later makes some
of those residents the volunteers themselves.
"""
from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor

from db.models import Account

from bwk_tui.services.kernel.errors import InvalidInput
from bwk_tui.services.kernel.text import fold
from bwk_tui.services.room import auth

from bwk_tui.demo.base import _Base, _Person, _Volunteer


def _make_pin(rng: random.Random, length: int) -> str:
    """A PIN that the desk itself would accept (auth.validate_pin) and that starts with no 0."""
    while True:
        pin = "".join(rng.choice("0123456789") for _ in range(length))
        if pin[0] == "0":
            continue
        # New PINs have at least auth.PIN_MIN_NEW digits; the extra digits come from a generator
        # of their own, so that the demo's other random choices stay what they were.
        extra = random.Random(f"bwk-demo-pin-{pin}")
        while len(pin) < auth.PIN_MIN_NEW:
            pin += extra.choice("0123456789")
        try:
            return auth.validate_pin(pin)
        except InvalidInput:
            continue


class _Accounts(_Base):
    """The accounts part of the builder. Sets ``coordinator_id`` (the demo coordinator),
    ``room_coordinator`` (who records consent and confirms hours in each room), and the accounts'
    ``pins`` and ``pin_hash``."""

    def make_accounts(self, coordinator_id: int, coordinator_name: str,
                      persons: list[_Person]) -> list[_Volunteer]:
        rng = self.rng("accounts")
        scale, cal = self.scale, self.calendar
        taken = {fold(coordinator_name)}
        by_room: dict[int, list[_Person]] = {}
        for person in persons:
            by_room.setdefault(person.household.home, []).append(person)
        accounts: list[_Volunteer] = []

        def name_for(room: int) -> tuple[str, _Person]:
            """A name found among the room's residents, and the resident it was taken from."""
            pool = by_room.get(room) or persons
            while True:
                person = rng.choice(pool)
                candidates = [person.first]
                if person.last:
                    candidates += [f"{person.first} {person.last[0].upper()}.", f"{person.first} {person.last}"]
                for candidate in candidates:
                    key = fold(candidate)
                    if key not in taken and len(candidate) <= 60:
                        taken.add(key)
                        return candidate, person

        for room in range(scale.rooms):
            extra_coordinators = (rng.random() < 0.5) if room == 0 else rng.randint(1, 2)
            for _ in range(int(extra_coordinators)):
                start = -rng.randint(30, 900) if scale.existing_share else rng.randint(0, scale.days // 3)
                name, person = name_for(room)
                accounts.append(_Volunteer(room, name, "coordinator", start, cal.today, "nl", person=person))
            for number in range(scale.volunteers_per_room):
                if scale.existing_share:  # small: most volunteers were there before the year began
                    start = -rng.randint(30, 1500) if number < scale.volunteers_per_room * 3 // 4 \
                        else rng.randrange(scale.days)
                    end = cal.today if rng.random() < 0.85 else rng.randint(max(start, 0), cal.today)
                else:
                    start = rng.randint(-30, 60) if number < 12 else rng.randrange(scale.days)
                    end = min(cal.today, start + 120 + int(rng.expovariate(1 / 1100)))
                    if rng.random() < 0.25:
                        end = cal.today  # stayed
                language = "en" if rng.random() < 0.1 else "nl"
                name, person = name_for(room)
                accounts.append(_Volunteer(room, name, "volunteer", start, end, language, person=person))
        accounts.sort(key=lambda a: (a.start, a.room))
        first_id = (Account.select(Account.id).order_by(Account.id.desc()).scalar() or 0) + 1
        for index, account in enumerate(accounts, first_id):
            account.id = index
        self.coordinator_id = coordinator_id
        # The coordinator who records consent for each room.
        self.room_coordinator = {0: coordinator_id}
        for account in accounts:
            if account.role == "coordinator":
                self.room_coordinator.setdefault(account.room, account.id)
        for room in range(scale.rooms):
            self.room_coordinator.setdefault(room, coordinator_id)
        # PINs: every account its own PIN and its own argon2id hash (shared hashes meant that one
        # volunteer's PIN opened twenty accounts). argon2 releases the GIL: hashed on all cores.
        pins = [_make_pin(rng, 4) for _ in accounts]
        hasher = auth.hasher()  # the accounts service's own: the parameters every PIN of the desk is hashed with
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            hashes = list(pool.map(hasher.hash, pins))
        self.pins: dict[int, str] = {account.id: pin for account, pin in zip(accounts, pins)}
        self.pin_hash: dict[int, str] = {account.id: h for account, h in zip(accounts, hashes)}
        return accounts
