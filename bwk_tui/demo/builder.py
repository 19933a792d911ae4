"""The whole build: the parts of the builder put together, in the order that the data needs.

Rooms and the demo coordinator first (as `bwk init` makes them), then the households and
persons, the accounts, the volunteer profiles, and into the database the people, the visits,
the cash book, peer support and the roster; at the end the last visit per person, the
sequences (PostgreSQL) and ANALYZE.
"""
from __future__ import annotations

import dataclasses

from db import is_sqlite, write
from db.connection import database
from db.models import (Account, CashClosing, CashEntry, ClosedDay, Household, Person, Shift, ShiftAssignment,
                       ShiftTemplate, Visit, Volunteer)

from bwk_tui.services import room as room_service
from bwk_tui.services.room import audit
from bwk_tui.services.visitors import persons as persons_service

from bwk_tui.demo.accounts import _Accounts, _make_pin
from bwk_tui.demo.cash import _Cash
from bwk_tui.demo.matching import _make_matching
from bwk_tui.demo.names import COORDINATOR_NAMES
from bwk_tui.demo.people import _People
from bwk_tui.demo.roster import _Roster
from bwk_tui.demo.visits import _Visits


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    coordinator_name: str
    coordinator_pin: str
    persons: int
    households: int
    visits: int
    accounts: int
    rooms: int
    # An active volunteer of the first room, for trying the volunteer's view.
    volunteer_name: str = ""
    volunteer_pin: str = ""
    cash_entries: int = 0
    closings: int = 0
    volunteer_profiles: int = 0
    shifts: int = 0
    shift_assignments: int = 0


ROOM_NAMES = ("Buurtwerkkamer Ganzenhoef", "Buurtwerkkamer Kraaiennest", "Buurtwerkkamer Holendrecht")


class _Builder(_People, _Accounts, _Visits, _Roster, _Cash):
    """The demo builder: the common state (base._Base) and every part, each in its own module."""

    def build(self) -> DemoSummary:
        scale = self.scale
        self.progress(f"demo ({self.scale_name}, seed {self.seed}): rooms and coordinator")
        rng = self.rng("coordinator")
        coordinator_name = rng.choice(COORDINATOR_NAMES)
        coordinator_pin = _make_pin(rng, rng.choice((4, 5, 6)))
        coordinator = room_service.set_up(ROOM_NAMES[0], coordinator_name, coordinator_pin)
        rooms = [room_service.current_room().id]
        for name in ROOM_NAMES[1:scale.rooms]:
            rooms.append(room_service.ensure_room(name).id)
        self.room_ids = rooms

        households, persons = self.make_people()
        self.progress(f"demo: {len(persons)} persons in {len(households)} households")
        volunteers = self.make_accounts(coordinator.id, coordinator_name, persons)
        self.progress(f"demo: {len(volunteers) + 1} accounts")
        self.make_profiles(volunteers, coordinator_name)
        self.insert_people(households, persons, volunteers)
        visits = self.make_and_insert_visits(persons, volunteers)
        cash_entries, closings = self.make_and_insert_cash(volunteers)
        _make_matching(self, persons, volunteers)
        roster = self.insert_roster()
        with write():
            audit.record(None, "demo.build", "", None, f"seed={self.seed} scale={self.scale_name}")
        self.finish()
        volunteer = next((v for v in volunteers if v.room == 0 and v.role == "volunteer"
                          and v.end >= self.calendar.today), None)
        return DemoSummary(
            coordinator_name=coordinator_name,
            coordinator_pin=coordinator_pin,
            persons=len(persons),
            households=len(households),
            visits=visits,
            accounts=len(volunteers) + 1,
            rooms=len(rooms),
            volunteer_name=volunteer.name if volunteer else "",
            volunteer_pin=self.pins.get(volunteer.id, "") if volunteer else "",
            cash_entries=cash_entries,
            closings=closings,
            volunteer_profiles=roster[0],
            shifts=roster[1],
            shift_assignments=roster[2],
        )

    def finish(self) -> None:
        db = database.obj
        self.progress("demo: last visit per person")
        persons_service.recompute_last_visit_dates()
        if not is_sqlite(db):
            # Ids were given explicitly: move the sequences past them.
            for model in (Account, Household, Person, Visit, CashEntry, CashClosing, Volunteer, ShiftTemplate,
                          ClosedDay, Shift, ShiftAssignment):
                table = model._meta.table_name
                db.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
        self.progress("demo: analysing")
        db.execute_sql("ANALYZE")
