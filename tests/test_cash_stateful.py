"""A Hypothesis state machine over the cash book and the closing (issue 4), on SQLite.

Random sequences of money in and out (today and backdated), reversals, closings (counted as
expected, or with a difference and its reason) and days passing. After every step:

- the balance equals the sum of the entries, and bwk's own model of them;
- the box is never below zero at the end of any day;
- a closed day's entries and its closing (hash included) never change;
- the chain of closings verifies.

Each example works in a room of its own in one SQLite database (cheap to set up), and is
deterministic (``derandomize``). The signing PIN and the backup are checked elsewhere
(test_closing.py); here they are replaced by cheap stand-ins so that many closings stay fast.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test

from db.models import CashCategory, CashClosing, CashEntry

from bwk_tui.services.room import backup
from bwk_tui.services.cash import cash
from bwk_tui.services.closing import closing
from bwk_tui.services.closing import chain
from bwk_tui.services import room as room_service
from bwk_tui.services.room import settings as bwk_settings
from bwk_tui.services.cash.cash import DayClosed
from bwk_tui.services.kernel.errors import BwkError, InvalidInput

START = dt.date(2027, 3, 1)
CENTS = st.integers(1, 4_000).map(lambda n: n * 5)  # cash: whole multiples of 5 cents, so a count can match
_rooms = itertools.count(1)


def _entry_rows(room_id: int, day: dt.date) -> list[tuple]:
    return [tuple(row) for row in CashEntry.select(
        CashEntry.id, CashEntry.entry_date, CashEntry.direction, CashEntry.amount_cents, CashEntry.category,
        CashEntry.description, CashEntry.receipt_year, CashEntry.receipt_no, CashEntry.entered_by,
        CashEntry.reverses).where(CashEntry.room == room_id, CashEntry.entry_date == day)
        .order_by(CashEntry.id).tuples()]


class CashBook(RuleBasedStateMachine):
    """bwk's cash book against a plain list of (day, signed cents, id) in Python."""

    session = None
    volunteer = None
    clock = None  # the shared test clock (conftest), moved by the rules

    @initialize()
    def new_room(self):
        name = f"Stateful {next(_rooms)}"
        room_service.ensure_room(name)
        bwk_settings.put("room_name", name)
        self.room_id = room_service.current_room_id()
        self.clock.day = START
        self.model: list[tuple[dt.date, int, int]] = []  # (day, signed cents, entry id)
        self.reversible: dict[int, int] = {}  # entry id -> its signed cents, not yet reversed
        self.closed: dict[dt.date, tuple] = {}  # day -> (entries, closing row) when closed
        self.last_closed: dt.date | None = None
        self.categories = {c.code: c.id for c in CashCategory.select()}

    # -- helpers ---------------------------------------------------------------------

    def balance_through(self, day: dt.date) -> int:
        return sum(cents for d, cents, _ in self.model if d <= day)

    def book_ok(self, day: dt.date, signed: int) -> bool:
        """Would the box stay at or above zero at the end of ``day`` and of every later day?"""
        days = sorted({d for d, _, _ in self.model if d >= day} | {day})
        return all(self.balance_through(d) + (signed if d >= day else 0) >= 0 for d in days)

    def open_days_with_entries(self) -> list[dt.date]:
        return sorted({d for d, _, _ in self.model if d not in self.closed and d < self.clock.day})

    # -- rules -----------------------------------------------------------------------

    @rule(direction=st.sampled_from(["in", "out"]), cents=CENTS, by_volunteer=st.booleans())
    def book_today(self, direction, cents, by_volunteer):
        signed = cents if direction == "in" else -cents
        code = "koffie" if direction == "in" else "boodschappen"
        who = self.volunteer if by_volunteer else self.session
        expect = self.clock.day not in self.closed and self.book_ok(self.clock.day, signed)
        before = CashEntry.select().count()
        try:
            entry = cash.add_entry(who, direction, cents, self.categories[code], "stateful")
        except (InvalidInput, DayClosed) as exc:
            assert not expect, exc.key
            assert CashEntry.select().count() == before
            return
        assert expect
        self.model.append((self.clock.day, signed, entry.id))
        self.reversible[entry.id] = signed

    @rule(direction=st.sampled_from(["in", "out"]), cents=CENTS, back=st.integers(1, 3))
    def book_backdated(self, direction, cents, back):
        day = self.clock.day - dt.timedelta(days=back)
        signed = cents if direction == "in" else -cents
        closed_behind = self.last_closed is not None and day <= self.last_closed
        expect = not closed_behind and self.book_ok(day, signed)
        try:
            entry = cash.add_entry(self.session, direction, cents,
                                   self.categories["donatie" if direction == "in" else "materiaal"], "later",
                                   day=day)
        except (InvalidInput, DayClosed) as exc:
            assert not expect, exc.key
            return
        assert expect
        self.model.append((day, signed, entry.id))
        self.reversible[entry.id] = signed

    @precondition(lambda self: self.reversible)
    @rule(data=st.data())
    def reverse(self, data):
        entry_id = data.draw(st.sampled_from(sorted(self.reversible)))
        signed = -self.reversible[entry_id]
        expect = self.clock.day not in self.closed and self.book_ok(self.clock.day, signed)
        try:
            reversal = cash.reverse(self.session, entry_id, "correctie")
        except (InvalidInput, DayClosed) as exc:
            assert not expect, exc.key
            return
        assert expect and reversal.reverses == entry_id
        del self.reversible[entry_id]
        self.model.append((self.clock.day, signed, reversal.id))
        # A reversal is never reversed, and an entry never twice.
        for target in (reversal.id, entry_id):
            with pytest.raises(BwkError):
                cash.reverse(self.session, target, "nog eens")

    @rule(difference=st.sampled_from([0, 0, 0, 5, -5, 120, -120]),
          which=st.sampled_from(["oldest", "oldest", "today", "today", "again"]))
    def close(self, difference, which):
        """Close the oldest open day, today, or (again) the last closed day."""
        open_days = self.open_days_with_entries()
        if which == "oldest":
            if not open_days:
                return
            day = open_days[0]
        elif which == "again":
            if self.last_closed is None:
                return
            day = self.last_closed
        else:
            if self.clock.day in self.closed:
                return
            day = self.clock.day
        expected = self.balance_through(day)
        counted = max(0, expected + difference)
        difference = counted - expected
        counts = {5: counted % 100 // 5, 100: counted // 100}
        reason = "muntje zoek" if difference else ""
        refused_because = None
        if day in self.closed:
            refused_because = "error.already_closed"
        elif self.last_closed is not None and day < self.last_closed:
            refused_because = "error.day_before_closing"
        elif any(d < day for d in open_days):
            refused_because = "error.close_earlier_first"
        elif difference < 0 and not self.book_ok(day, difference):  # the shortfall on a later day
            refused_because = "error.balance_negative_later"
        before = (CashEntry.select().count(), CashClosing.select().count())
        try:
            closed = closing.close(self.session, counts, reason, "246813", day=day)
        except BwkError as exc:
            assert exc.key == refused_because, (exc.key, refused_because)
            assert (CashEntry.select().count(), CashClosing.select().count()) == before
            return
        assert refused_because is None, refused_because
        assert closed.difference_cents == difference
        if difference:
            kasverschil = CashEntry.select().where(CashEntry.room == self.room_id).order_by(
                CashEntry.id.desc()).first()
            assert kasverschil.category_id == self.categories["kasverschil"]
            self.model.append((day, difference, kasverschil.id))
        assert self.balance_through(day) == counted
        row = CashClosing.get_by_id(closed.closing_id)
        self.closed[day] = (_entry_rows(self.room_id, day), (row.counted_cents, row.hash, row.prev_hash))
        self.last_closed = max(self.last_closed or day, day)

    @rule(days=st.integers(1, 3))
    def next_day(self, days):
        self.clock.day += dt.timedelta(days=days)

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def balance_is_the_sum_of_the_entries(self):
        if not hasattr(self, "room_id"):
            return
        rows = list(CashEntry.select(CashEntry.direction, CashEntry.amount_cents)
                    .where(CashEntry.room == self.room_id).tuples())
        total = sum(cents if direction == "in" else -cents for direction, cents in rows)
        assert cash.balance(self.room_id) == total == sum(cents for _, cents, _ in self.model)
        assert len(rows) == len(self.model)

    @invariant()
    def never_negative(self):
        if not hasattr(self, "room_id"):
            return
        for day in sorted({d for d, _, _ in self.model}):
            assert cash.balance(self.room_id, through=day) >= 0

    @invariant()
    def closed_days_never_change(self):
        if not hasattr(self, "room_id"):
            return
        for day, (entries, closing_row) in self.closed.items():
            assert _entry_rows(self.room_id, day) == entries
            row = CashClosing.get(CashClosing.room == self.room_id, CashClosing.day == day)
            assert (row.counted_cents, row.hash, row.prev_hash) == closing_row
        assert chain.verify_chain(self.room_id) == []


def test_cash_book_state_machine(sqlite_room, clock, monkeypatch):
    CashBook.clock = clock
    monkeypatch.setattr(closing, "verify_own_pin", lambda session, pin: pin == "246813")
    # Hundreds of closings in a few seconds: the backups (tested in test_closing.py and
    # test_backup.py) are left out here.
    monkeypatch.setattr(backup, "take_backup", lambda *a, **k: backup.BackupResult(Path("stub"), 0, []))
    CashBook.session = sqlite_room["coordinator"]
    CashBook.volunteer = sqlite_room["volunteer"]
    run_state_machine_as_test(CashBook, settings=settings(
        max_examples=30, stateful_step_count=30, derandomize=True, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
