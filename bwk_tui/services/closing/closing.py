"""The end-of-day closing: count the cash, explain any difference, sign, and the day is fixed.

A closing stores a hash over the day's entries, its own figures and the previous
closing's hash, so `bwk check` can tell whether any closed day was altered later.
Before anything is written, a verified backup of the current state is taken and the
report is written to a temporary file: when either fails, nothing of the closing
is kept. After the closing is committed the report is put in place and a verified
backup of the closed state is taken.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from peewee import fn

from db import is_sqlite, serialise, write
from db.models import (CashCategory, CashClosing, ClosingReport, CashEntry, HelpDomain, Person, Visit,
                       VisitDomain, WalkIn)

from bwk_tui.i18n import t
from bwk_tui.services.room import audit
from bwk_tui.services.room import backup
from bwk_tui.services.cash import cash
from bwk_tui.services import room
from bwk_tui.services.room import settings
from bwk_tui.services.visitors import visits
from bwk_tui.services.room.auth import Session, coordinator_only, verify_own_pin
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.closing.chain import compute_hash
from bwk_tui.services.privacy import retention
from bwk_tui.services.closing.report import report_text

DENOMINATIONS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)  # cents: 5c up to EUR 200
MAX_PIECES = 100_000


class AlreadyClosed(BwkError):
    pass


def counted_total(counts: dict[int, int]) -> int:
    """The counted cash in cents, from the number of coins and notes of each kind."""
    total = 0
    for value, pieces in counts.items():
        if value not in DENOMINATIONS:
            raise InvalidInput("error.denomination", field="counts")
        if not isinstance(pieces, int) or pieces < 0 or pieces > MAX_PIECES:
            raise InvalidInput("error.pieces", field=f"count-{value}")
        total += value * pieces
    return total


def parse_pieces(text: str, value: int) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_PIECES:
        raise InvalidInput("error.pieces", field=f"count-{value}")
    return int(text)


# --- what the day looked like ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DaySummary:
    visits: int
    households: int
    walk_ins: int
    new_persons: int
    domains: dict[str, int]
    matches_started: int
    follow_ups_due: int
    match_check_ins_due: int
    cash_in_cents: int
    cash_out_cents: int
    # The roster: minutes worked on the day's shifts, by how many volunteers, and how many
    # planned have no hours recorded (they are not counted).
    volunteer_minutes: int = 0
    volunteers: int = 0
    hours_open: int = 0
    # Retention (issue 13): persons anonymised and visit notes removed by this closing.
    anonymised: int = 0
    notes_removed: int = 0


def summary(day: dt.date, room_id: int) -> DaySummary:
    on_day = (Visit.visit_date == day) & (Visit.room == room_id)
    visits_count = Visit.select().where(on_day).count()
    households = (Visit.select(fn.COUNT(fn.DISTINCT(fn.COALESCE(Person.household, Person.id * -1))))
                  .join(Person).where(on_day).scalar()) or 0
    walk_ins = WalkIn.select().where(WalkIn.visit_date == day, WalkIn.room == room_id).count()
    # A person is new on the day of their first visit ever: no visit before it (the
    # (person, visit_date) index answers that per person, without grouping every visit).
    earlier = Visit.alias()
    before = earlier.select(earlier.id).where(earlier.person == Visit.person, earlier.visit_date < day)
    new_persons = (Visit.select(fn.COUNT(fn.DISTINCT(Visit.person)))
                   .where(on_day, ~fn.EXISTS(before)).scalar()) or 0
    domains = {name: count for name, count in (
        VisitDomain.select(HelpDomain.name_nl, fn.COUNT(VisitDomain.visit))
        .join(HelpDomain).switch(VisitDomain).join(Visit).where(on_day)
        .group_by(HelpDomain.name_nl).order_by(fn.COUNT(VisitDomain.visit).desc()).tuples())}
    follow_ups_due = (Visit.select().where(Visit.room == room_id, Visit.follow_up_date <= day,
                                           Visit.follow_up_done.is_null()).count())
    totals = cash.day_totals(day, room_id)
    from bwk_tui.services.matching import matches
    from bwk_tui.services.matching import figures

    started = figures.match_counts(day, day, room_id).started
    check_ins = sum(1 for m in matches.follow_ups_due(day))
    from bwk_tui.services.roster import allowance
    from bwk_tui.services.roster import attendance

    minutes, volunteers = allowance.total_minutes(day, day, room_id)
    return DaySummary(visits_count, households, walk_ins, new_persons, domains, started, follow_ups_due,
                      check_ins, totals.in_cents, totals.out_cents, minutes, volunteers,
                      attendance.open_count(day, room_id))


@dataclasses.dataclass(frozen=True)
class Draft:
    day: dt.date
    totals: cash.DayTotals
    in_now: list[visits.InNow]
    summary: DaySummary
    threshold_cents: int
    earlier_open_day: dt.date | None


def earlier_open_day(day: dt.date, room_id: int) -> dt.date | None:
    """An earlier day with cash entries that was never closed (closings go in order)."""
    last = cash.last_closing(room_id)
    query = CashEntry.select(fn.MIN(CashEntry.entry_date)).where(CashEntry.room == room_id,
                                                                 CashEntry.entry_date < day)
    if last is not None:
        query = query.where(CashEntry.entry_date > last.day)
    return query.scalar()


@coordinator_only
def draft(session: Session, day: dt.date | None = None) -> Draft:
    day = day or clock.today()
    room_id = room.current_room_id()
    return Draft(day, cash.day_totals(day, room_id), visits.who_is_in(through=day),
                 summary(day, room_id), settings.get_int("closing_threshold_cents"), earlier_open_day(day, room_id))


# --- the chain -----------------------------------------------------------------------------


# --- closing -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Closed:
    closing_id: int
    day: dt.date
    counted_cents: int
    difference_cents: int
    backup_path: Path | None
    backup_error: str = ""


@coordinator_only
def close(session: Session, counts: dict[int, int], reason: str, pin: str, day: dt.date | None = None,
          check_out_visit_ids: list[int] | tuple = ()) -> Closed:
    """Close the day. Refused (and nothing kept) on a wrong PIN, a missing reason, a second closing."""
    day = day or clock.today()
    room_id = room.current_room_id()
    reason = (reason or "").strip()
    counted = counted_total(counts)
    if not verify_own_pin(session, pin):
        audit.record(session.account_id, "closing.pin_failed", "cash_closing", None, day.isoformat())
        raise InvalidInput("error.closing_pin", field="pin")
    if cash.is_closed(day, room_id):
        raise AlreadyClosed("error.already_closed", day=day.strftime("%d-%m-%Y"))
    if day > clock.today():
        raise InvalidInput("error.day_future", field="day")
    last = cash.last_closing(room_id)
    if last is not None and day < last.day:  # closings go in order: the chain would break
        raise cash.DayClosed("error.day_before_closing", day=last.day.strftime("%d-%m-%Y"))
    earlier = earlier_open_day(day, room_id)
    if earlier is not None:
        raise BwkError("error.close_earlier_first", day=earlier.strftime("%d-%m-%Y"))
    totals = cash.day_totals(day, room_id)
    difference = counted - totals.expected_cents
    if abs(difference) > settings.get_int("closing_threshold_cents") and not reason:
        raise InvalidInput("error.difference_reason", field="reason")

    # Prove that the backup can be written before anything is saved.
    # (bwk backs up a SQLite file; a PostgreSQL server is backed up by its own administrator.)
    if is_sqlite():
        backup.take_backup(actor_id=session.account_id)

    # One transaction: the closing, its difference entry and its signed report.
    with write():
        serialise("cash", room_id)  # the day's totals below cannot move under the closing
        for visit_id in check_out_visit_ids:
            visits.check_out(session, visit_id)
        # One equation, read under the lock and before the difference is booked:
        # begin + in - out = expected; counted - expected = difference. The kasverschil
        # entry that makes the box agree with the count is shown apart, not inside "out".
        totals = cash.day_totals(day, room_id)
        difference = counted - totals.expected_cents
        if abs(difference) > settings.get_int("closing_threshold_cents") and not reason:
            raise InvalidInput("error.difference_reason", field="reason")
        retained = retention.apply(session.account_id)  # the retention rules: one step of the closing
        day_summary = dataclasses.replace(summary(day, room_id), anonymised=retained.persons,
                                          notes_removed=retained.notes)  # its cash is the equation's too
        if difference:
            category = CashCategory.get(CashCategory.code == cash.DIFFERENCE_CATEGORY)
            cash._insert(session, room_id, day, cash.IN if difference > 0 else cash.OUT, abs(difference),
                         category.id, reason[:200] or t("closing.difference_entry"))
        fields = {
            "opening_cents": totals.opening_cents, "in_cents": totals.in_cents, "out_cents": totals.out_cents,
            "expected_cents": totals.expected_cents,
            "counted_cents": counted, "difference_cents": difference, "reason": reason,
            "counts": ",".join(f"{v}:{counts.get(v, 0)}" for v in DENOMINATIONS),
            "signed_by_id": session.account_id,
            # The audit log's head: deleting or changing its rows up to here breaks this seal.
            "audit_hash": audit.head(),
        }
        previous = cash.last_closing(room_id)
        prev_hash = previous.hash if previous else ""
        closing = CashClosing.create(
            room=room_id, day=day, **{k: v for k, v in fields.items() if k != "signed_by_id"},
            summary=json.dumps(dataclasses.asdict(day_summary), ensure_ascii=False),
            signed_by=session.account_id, signed_at=clock.now_utc(), prev_hash=prev_hash,
            hash=compute_hash(room_id, day, fields, prev_hash))
        # The closing's hash goes into the append-only chain too: deleting the newest closing
        # (which no later closing's prev_hash would reveal) is then found by `bwk check`.
        audit.record(session.account_id, "closing", "cash_closing", closing.id,
                     f"{day.isoformat()} hash={closing.hash}")
        # The signed report is kept inside the (encrypted) database, never as a plain file.
        ClosingReport.create(closing=closing.id, text=report_text(closing.id), created_at=clock.now_utc())
    retention.after_commit(retained)
    try:
        after = backup.take_backup(actor_id=session.account_id)
        return Closed(closing.id, day, counted, difference, after.path)
    except BwkError as exc:  # the day is closed; the backup of the state before it is kept
        return Closed(closing.id, day, counted, difference, None, exc.message())


# --- the report ----------------------------------------------------------------------------


