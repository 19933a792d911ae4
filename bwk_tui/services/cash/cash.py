"""The cash book: every cent in integer cents, receipts numbered per year without gaps,
a balance that never goes negative, corrections only by reversal.

Volunteers may book income and expenses on today's open day; everything else
(other open days, reversals, categories and budgets) is for coordinators.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN, Case, DatabaseError, IntegrityError, fn

from db import serialise, write
from db.models import Account, CashCategory, CashClosing, CashEntry

from bwk_tui.i18n import current_language
from bwk_tui.services.room import audit
from bwk_tui.services.room import closed_days, coded_lists
from bwk_tui.services import room
from bwk_tui.services.room.auth import Session, coordinator_only, require_role
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.money import MAX_CENTS, parse_amount

IN, OUT = "in", "out"
DIFFERENCE_CATEGORY = "kasverschil"


class DayClosed(BwkError):
    """The day has been closed: nothing can be booked on it any more."""


# --- amounts -------------------------------------------------------------------------------


# --- categories ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Category:
    id: int
    code: str
    name: str
    direction: str
    budget_cents: int | None
    active: bool


def _category(c: CashCategory) -> Category:
    return Category(c.id, c.code, c.name_en if current_language() == "en" else c.name_nl, c.direction,
                    c.budget_cents, c.active)


def categories(direction: str | None = None, active_only: bool = True) -> list[Category]:
    query = CashCategory.select().order_by(CashCategory.sort, CashCategory.id)
    if active_only:
        query = query.where(CashCategory.active == True)  # noqa: E712
    if direction:
        query = query.where(CashCategory.direction.in_([direction, "both"]))
    return [_category(c) for c in query]


@coordinator_only
def add_category(session: Session, name_nl: str, direction: str, name_en: str = "",
                 budget_cents: int | None = None) -> Category:
    if direction not in (IN, OUT, "both"):
        raise InvalidInput("error.direction", field="direction")
    with write():
        new = coded_lists.prepare_new(CashCategory, name_nl, "error.category_empty", "error.category_exists",
                                      "categorie")
        category = CashCategory.create(**new, name_en=name_en or new["name_nl"], direction=direction,
                                       budget_cents=budget_cents)
        audit.record(session.account_id, "cash_category.create", "cash_category", category.id)
    return _category(category)


@coordinator_only
def set_budget(session: Session, category_id: int, budget_text: str) -> None:
    """The yearly budget of a category; empty removes it."""
    cents = parse_amount(budget_text) if (budget_text or "").strip() else None
    with write():
        CashCategory.update(budget_cents=cents).where(CashCategory.id == category_id).execute()
        audit.record(session.account_id, "cash_category.budget", "cash_category", category_id)


@coordinator_only
def set_category_active(session: Session, category_id: int, active: bool) -> None:
    with write():
        CashCategory.update(active=active).where(CashCategory.id == category_id).execute()
        audit.record(session.account_id, "cash_category.active" if active else "cash_category.inactive",
                     "cash_category", category_id)


# --- days and balance ----------------------------------------------------------------------


def last_closing(room_id: int | None = None) -> CashClosing | None:
    room_id = room_id or room.current_room_id()
    return CashClosing.select().where(CashClosing.room == room_id).order_by(CashClosing.day.desc()).first()


def is_closed(day: dt.date, room_id: int | None = None) -> bool:
    return closed_days.is_closed(day, room_id or room.current_room_id())


def _signed():
    # (in peewee, -field means DESC: multiply by -1 for the sign)
    return fn.SUM(Case(None, ((CashEntry.direction == IN, CashEntry.amount_cents),), CashEntry.amount_cents * -1))


def balance(room_id: int | None = None, through: dt.date | None = None) -> int:
    """Cash in the box: all money in minus all money out (through a day, if given)."""
    room_id = room_id or room.current_room_id()
    query = CashEntry.select(_signed()).where(CashEntry.room == room_id)
    if through is not None:
        query = query.where(CashEntry.entry_date <= through)
    return int(query.scalar() or 0)


@dataclasses.dataclass(frozen=True)
class DayTotals:
    day: dt.date
    opening_cents: int
    in_cents: int
    out_cents: int

    @property
    def expected_cents(self) -> int:
        return self.opening_cents + self.in_cents - self.out_cents


def day_totals(day: dt.date | None = None, room_id: int | None = None) -> DayTotals:
    day = day or clock.today()
    room_id = room_id or room.current_room_id()
    opening = balance(room_id, through=day - dt.timedelta(days=1))
    rows = dict(CashEntry.select(CashEntry.direction, fn.SUM(CashEntry.amount_cents))
                .where(CashEntry.room == room_id, CashEntry.entry_date == day)
                .group_by(CashEntry.direction).tuples())
    return DayTotals(day, opening, int(rows.get(IN) or 0), int(rows.get(OUT) or 0))


def _check_balance(room_id: int, day: dt.date, direction: str, cents: int) -> None:
    """Money out may not take the box below zero, then or on any later day already booked."""
    if direction == IN:
        return
    running = balance(room_id, through=day) - cents
    if running < 0:
        raise InvalidInput("error.balance_negative", field="amount", balance=_money(balance(room_id, through=day)))
    later = (CashEntry.select(CashEntry.entry_date, _signed().alias("delta"))
             .where(CashEntry.room == room_id, CashEntry.entry_date > day)
             .group_by(CashEntry.entry_date).order_by(CashEntry.entry_date).tuples())
    for _day, delta in later:
        running += int(delta or 0)
        if running < 0:
            raise InvalidInput("error.balance_negative_later", field="amount")


def _money(cents: int) -> str:
    from bwk_tui.services.kernel.money import money

    return money(cents)


# --- booking -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    id: int
    entry_date: dt.date
    direction: str
    amount_cents: int
    category: str
    category_code: str
    description: str
    receipt: str
    entered_by: str
    reverses: int | None
    reversed_by: int | None = None
    balance_cents: int | None = None  # the running balance after this entry


def receipt_label(year: int, number: int) -> str:
    return f"{year}-{number:04d}"


def _open_day(session: Session, day: dt.date | None, room_id: int) -> dt.date:
    day = day or clock.today()
    if day > clock.today():
        raise InvalidInput("error.day_future", field="day")
    if day != clock.today():
        require_role(session)  # other open days are for coordinators
    if is_closed(day, room_id):
        raise DayClosed("error.day_closed", day=day.strftime("%d-%m-%Y"))
    last = last_closing(room_id)
    if last is not None and day < last.day:
        raise DayClosed("error.day_before_closing", day=last.day.strftime("%d-%m-%Y"))
    return day


def _insert(session: Session, room_id: int, day: dt.date, direction: str, cents: int, category_id: int,
            description: str, reverses: int | None = None) -> CashEntry:
    serialise("cash", room_id)  # before the balance and the next receipt number are read
    _check_balance(room_id, day, direction, cents)
    year = day.year
    number = (CashEntry.select(fn.MAX(CashEntry.receipt_no))
              .where(CashEntry.room == room_id, CashEntry.receipt_year == year).scalar() or 0) + 1
    entry = CashEntry.create(room=room_id, entry_date=day, direction=direction, amount_cents=cents,
                             category=category_id, description=description, receipt_year=year,
                             receipt_no=number, entered_by=session.account_id, entered_at=clock.now_utc(),
                             reverses=reverses)
    audit.record(session.account_id, "cash.reverse" if reverses else "cash.entry", "cash_entry", entry.id,
                 f"receipt={receipt_label(year, number)}")
    return entry


def add_entry(session: Session, direction: str, amount: str | int, category_id: int, description: str = "",
              day: dt.date | None = None) -> Entry:
    """Book money in or out. ``amount`` as typed ("12,50") or as cents."""
    require_role(session, "volunteer")
    if direction not in (IN, OUT):
        raise InvalidInput("error.direction", field="direction")
    cents = parse_amount(amount) if isinstance(amount, str) else int(amount)
    if not 0 < cents <= MAX_CENTS:
        raise InvalidInput("error.amount_positive" if cents <= 0 else "error.amount_too_large", field="amount")
    description = " ".join((description or "").split())
    if len(description) > 200:
        raise InvalidInput("error.description_long", field="description")
    room_id = room.current_room_id()
    try:
        with write():
            serialise("cash", room_id)
            day = _open_day(session, day, room_id)
            category = CashCategory.get_or_none(CashCategory.id == category_id, CashCategory.active == True)  # noqa
            if category is None:
                raise InvalidInput("error.category_unknown", field="category")
            if category.direction not in (direction, "both"):
                raise InvalidInput("error.category_direction", field="category")
            if category.code == DIFFERENCE_CATEGORY and not session.is_coordinator:
                raise InvalidInput("error.category_closing_only", field="category")
            entry = _insert(session, room_id, day, direction, cents, category_id, description)
    except DatabaseError as exc:
        # Only the database's own guards get here (a day closed at this very moment, the
        # balance guard of migration 0009): nothing was saved.
        if "below zero" in str(exc):
            raise InvalidInput("error.balance_negative", field="amount", balance=_money(balance(room_id))) from None
        if "cash day is closed" in str(exc):  # (a plain error, not an IntegrityError, on PostgreSQL)
            raise DayClosed("error.day_closed", day=(day or clock.today()).strftime("%d-%m-%Y")) from None
        if isinstance(exc, IntegrityError):
            raise BwkError("error.cash_conflict") from None
        raise
    return entry_info(entry.id)


@coordinator_only
def reverse(session: Session, entry_id: int, reason: str) -> Entry:
    """Undo an entry (also of a closed day) by booking its opposite today, pointing to it."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("error.reverse_reason", field="reason")
    room_id = room.current_room_id()
    with write():
        serialise("cash", room_id)
        original = CashEntry.get_or_none(CashEntry.id == entry_id, CashEntry.room == room_id)
        if original is None:
            raise BwkError("error.entry_unknown")
        if original.reverses_id is not None:
            raise BwkError("error.reverse_reversal")
        if CashEntry.select().where(CashEntry.reverses == entry_id).exists():
            raise BwkError("error.reverse_twice")
        day = _open_day(session, None, room_id)
        direction = OUT if original.direction == IN else IN
        label = receipt_label(original.receipt_year, original.receipt_no)
        entry = _insert(session, room_id, day, direction, original.amount_cents, original.category_id,
                        f"correctie van bon {label}: {reason}"[:200], reverses=entry_id)
    return entry_info(entry.id)


def _entry_query():
    writer = Account.alias()
    reversal = CashEntry.alias()
    return (CashEntry.select(CashEntry, CashCategory.code, CashCategory.name_nl, CashCategory.name_en,
                             writer.name.alias("writer"), reversal.id.alias("reversed_by"))
            .join(CashCategory).switch(CashEntry)
            .join(writer, on=(CashEntry.entered_by == writer.id)).switch(CashEntry)
            .join(reversal, JOIN.LEFT_OUTER, on=(reversal.reverses == CashEntry.id)))


def _to_entry(row, balance_cents: int | None = None) -> Entry:
    name = row.name_en if current_language() == "en" else row.name_nl
    return Entry(row.id, row.entry_date, row.direction, row.amount_cents, name, row.code, row.description,
                 receipt_label(row.receipt_year, row.receipt_no), row.writer, row.reverses_id, row.reversed_by,
                 balance_cents)


def entry_info(entry_id: int) -> Entry:
    row = _entry_query().where(CashEntry.id == entry_id).objects().first()
    if row is None:
        raise BwkError("error.entry_unknown")
    return _to_entry(row)


def entries(day: dt.date | None = None, before_id: int | None = None, limit: int = 50,
            room_id: int | None = None) -> list[Entry]:
    """A window of the cash book, newest first, each with the balance after it."""
    room_id = room_id or room.current_room_id()
    query = _entry_query().where(CashEntry.room == room_id).order_by(CashEntry.id.desc()).limit(limit)
    if day is not None:
        query = query.where(CashEntry.entry_date == day)
    if before_id is not None:
        query = query.where(CashEntry.id < before_id)
    rows = list(query.objects())
    if not rows:
        return []
    # Entries are numbered in booking order: the balance after the newest row shown is the sum
    # of everything up to it; walking down subtracts each row's effect.
    after = int(CashEntry.select(_signed()).where(CashEntry.room == room_id, CashEntry.id <= rows[0].id)
                .scalar() or 0)
    result = []
    for row in rows:
        result.append(_to_entry(row, after))
        after -= row.amount_cents if row.direction == IN else -row.amount_cents
    return result


# --- overviews -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OverviewLine:
    category: str
    in_cents: int
    out_cents: int
    budget_cents: int | None

    @property
    def net_cents(self) -> int:
        return self.in_cents - self.out_cents


@coordinator_only
def overview(session: Session, year: int, month: int | None = None, room_id: int | None = None) -> list[OverviewLine]:
    """Actuals per category for a year or a month, beside the budget (a twelfth for a month).
    Coordinators only."""
    room_id = room_id or room.current_room_id()
    start = dt.date(year, month or 1, 1)
    end = dt.date(year + (month == 12 if month else 1), (month % 12 + 1) if month else 1, 1)
    sums = {}
    for category_id, direction, total in (
            CashEntry.select(CashEntry.category, CashEntry.direction, fn.SUM(CashEntry.amount_cents))
            .where(CashEntry.room == room_id, CashEntry.entry_date >= start, CashEntry.entry_date < end)
            .group_by(CashEntry.category, CashEntry.direction).tuples()):
        sums.setdefault(category_id, {IN: 0, OUT: 0})[direction] = int(total)
    lines = []
    for c in CashCategory.select().order_by(CashCategory.sort, CashCategory.id):
        found = sums.get(c.id, {IN: 0, OUT: 0})
        if not c.active and not (found[IN] or found[OUT]):
            continue
        budget = c.budget_cents
        if budget is not None and month:
            budget = round(budget / 12)
        lines.append(OverviewLine(c.name_en if current_language() == "en" else c.name_nl, found[IN], found[OUT],
                                  budget))
    return lines
