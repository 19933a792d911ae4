"""The cash book (issue 4): amounts, receipts, the balance, who may book when, reversals,
categories and the overviews.

Every database test runs on SQLite and on PostgreSQL (the ``room`` fixture). Each refusal
is checked to save nothing by counting rows.
"""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import CASH_TODAY

from db.models import AuditLog, CashCategory, CashClosing, CashEntry

from bwk_tui.services.cash import cash
from bwk_tui.services.kernel import money
from bwk_tui.services.closing import closing
from bwk_tui.services.closing import chain
from bwk_tui.services.room import settings
from bwk_tui.services.cash.cash import DayClosed
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed

# A fixed day for the tests, so that "yesterday" never falls in another year by accident.
TODAY = CASH_TODAY  # the day the `clock` fixture (conftest) starts on


def cat(code: str) -> int:
    return CashCategory.get(CashCategory.code == code).id


def rows() -> tuple[int, int, int]:
    return CashEntry.select().count(), CashClosing.select().count(), AuditLog.select().count()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, cents", [
    ("12,50", 1250), ("12.50", 1250), ("12,5", 1250), ("3", 300), ("0,05", 5), ("€ 7,25", 725),
    ("€ 1.250,00", 125000), ("1.250", 125000), ("1,250.75", 125075), (" 4 ", 400), ("12,50 EUR", 1250),
    ("100.000,00", 10_000_000),
])
def test_amounts_as_people_type_them(text, cents):
    assert money.parse_amount(text) == cents


@pytest.mark.parametrize("text, key", [
    ("", "error.amount_empty"), ("   ", "error.amount_empty"),
    ("12,345", "error.amount_decimals"), ("0,001", "error.amount_decimals"), ("1.2345", "error.amount_decimals"),
    ("0", "error.amount_positive"), ("0,00", "error.amount_positive"), ("-5", "error.amount_positive"),
    ("-0,50", "error.amount_positive"),
    ("abc", "error.amount_format"), ("12a", "error.amount_format"), ("1e5", "error.amount_format"),
    ("twaalf", "error.amount_format"), ("1,2,3", "error.amount_format"), ("+5", "error.amount_format"),
    ("100.000,01", "error.amount_too_large"), ("99999999999999999999", "error.amount_too_large"),
])
def test_bad_amounts_are_refused_with_a_reason(text, key):
    with pytest.raises(InvalidInput) as caught:
        money.parse_amount(text)
    assert caught.value.key == key and caught.value.field == "amount"


@pytest.mark.parametrize("amount", ["12,345", "0", "-3", "abc", "1000000", 0, -100, 10_000_001])
def test_a_bad_amount_saves_nothing(boss, amount):
    before = rows()
    with pytest.raises(InvalidInput):
        cash.add_entry(boss, "in", amount, cat("koffie"), "koffiepot")
    assert rows() == before


def test_the_database_refuses_a_zero_negative_or_absurd_amount_too(boss):
    from peewee import IntegrityError

    from db import database

    from bwk_tui.services import room

    for cents in (0, -500, 10_000_001):
        with pytest.raises(IntegrityError), database.obj.atomic():
            CashEntry.create(room=room.current_room_id(), entry_date=TODAY, direction="in", amount_cents=cents,
                             category=cat("koffie"),
                             receipt_year=2026, receipt_no=900, entered_by=boss.account_id,
                             entered_at=dt.datetime(2026, 6, 10, 10))
    assert CashEntry.select().count() == 0


# --- receipts ------------------------------------------------------------------------------


def test_receipts_are_numbered_per_year_without_gaps(boss):
    last_year = dt.date(2025, 12, 30)
    assert cash.add_entry(boss, "in", "10", cat("koffie"), day=last_year).receipt == "2025-0001"
    assert cash.add_entry(boss, "in", "10", cat("koffie"), day=last_year).receipt == "2025-0002"
    first = cash.add_entry(boss, "in", "10", cat("koffie"))
    assert first.receipt == "2026-0001"
    # A refusal does not use up a number.
    with pytest.raises(InvalidInput):
        cash.add_entry(boss, "out", "1000", cat("boodschappen"))
    assert cash.add_entry(boss, "out", "2,50", cat("boodschappen")).receipt == "2026-0002"
    assert cash.reverse(boss, first.id, "verkeerd bedrag").receipt == "2026-0003"
    numbers = [(e.receipt_year, e.receipt_no) for e in CashEntry.select().order_by(CashEntry.id)]
    assert numbers == [(2025, 1), (2025, 2), (2026, 1), (2026, 2), (2026, 3)]


def test_each_room_has_its_own_receipt_numbers_and_balance(boss):
    from bwk_tui.services import room

    cash.add_entry(boss, "in", "10", cat("koffie"))
    cash.add_entry(boss, "in", "5", cat("koffie"))
    first_room = room.current_room_id()
    room.ensure_room("De Tweede")
    settings.put("room_name", "De Tweede")
    second_room = room.current_room_id()
    assert second_room != first_room
    assert cash.balance() == 0
    assert cash.add_entry(boss, "in", "7", cat("donatie")).receipt == "2026-0001"
    with pytest.raises(InvalidInput) as caught:  # the other room's money is not in this box
        cash.add_entry(boss, "out", "8", cat("boodschappen"))
    assert caught.value.key == "error.balance_negative"
    assert cash.balance(second_room) == 700 and cash.balance(first_room) == 1500


# --- the balance ---------------------------------------------------------------------------


def test_the_balance_never_goes_negative(boss, desk):
    cash.add_entry(desk, "in", "10,00", cat("koffie"), "koffiepot")
    before = rows()
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(desk, "out", "10,05", cat("boodschappen"), "melk")
    assert caught.value.key == "error.balance_negative"
    assert "10,00" in caught.value.message()  # says what is there
    assert rows() == before
    cash.add_entry(desk, "out", "10,00", cat("boodschappen"), "melk")  # exactly all of it is fine
    assert cash.balance() == 0


def test_a_backdated_out_that_makes_a_later_day_negative_is_refused(boss):
    cash.add_entry(boss, "in", "10", cat("koffie"), day=days_ago(2))
    cash.add_entry(boss, "out", "8", cat("boodschappen"), day=days_ago(1))
    before = rows()
    # On its own day there would be 5 left, but the next day would end at -3.
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(boss, "out", "5", cat("materiaal"), day=days_ago(2))
    assert caught.value.key == "error.balance_negative_later"
    assert rows() == before
    cash.add_entry(boss, "out", "2", cat("materiaal"), day=days_ago(2))
    assert [cash.balance(through=days_ago(n)) for n in (2, 1, 0)] == [800, 0, 0]


def test_running_balance_in_the_list(boss):
    cash.add_entry(boss, "in", "10", cat("koffie"))
    cash.add_entry(boss, "out", "3", cat("boodschappen"))
    cash.add_entry(boss, "in", "1,50", cat("donatie"))
    listed = cash.entries()
    assert [e.balance_cents for e in listed] == [850, 700, 1000]
    assert [e.amount_cents for e in listed] == [150, 300, 1000]
    assert cash.day_totals() == cash.DayTotals(TODAY, 0, 1150, 300)
    assert cash.day_totals().expected_cents == cash.balance() == 850


# --- who may book when ---------------------------------------------------------------------


def test_a_volunteer_books_only_today(boss, desk):
    entry = cash.add_entry(desk, "in", "4,20", cat("koffie"), "koffiepot ochtend")
    assert entry.entered_by == "Vera" and entry.entry_date == TODAY
    before = rows()
    with pytest.raises(NotAllowed):
        cash.add_entry(desk, "in", "5", cat("koffie"), day=days_ago(1))
    assert rows() == before
    # The coordinator may book on another open day.
    assert cash.add_entry(boss, "in", "5", cat("koffie"), day=days_ago(1)).entry_date == days_ago(1)


def test_no_booking_in_the_future(boss):
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(boss, "in", "5", cat("koffie"), day=TODAY + dt.timedelta(days=1))
    assert caught.value.key == "error.day_future"
    assert CashEntry.select().count() == 0


def test_a_closed_day_and_the_days_before_it_take_no_bookings(boss, clock):
    cash.add_entry(boss, "in", "5", cat("koffie"), day=days_ago(1))
    closing.close(boss, {500: 1}, "", "246813", day=days_ago(1))
    before = rows()
    with pytest.raises(DayClosed) as caught:
        cash.add_entry(boss, "in", "5", cat("koffie"), day=days_ago(1))
    assert caught.value.key == "error.day_closed"
    with pytest.raises(DayClosed) as caught:  # an earlier day, never closed itself, is behind the closing
        cash.add_entry(boss, "in", "5", cat("koffie"), day=days_ago(3))
    assert caught.value.key == "error.day_before_closing"
    assert rows() == before


def test_only_a_coordinator_books_a_cash_difference_or_changes_categories(boss, desk):
    before = rows()
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(desk, "in", "1", cat("kasverschil"))
    assert caught.value.key == "error.category_closing_only"
    with pytest.raises(NotAllowed):
        cash.add_category(desk, "knutselclub", "out")
    with pytest.raises(NotAllowed):
        cash.set_budget(desk, cat("koffie"), "100")
    assert rows() == before


# --- reversals -----------------------------------------------------------------------------


def test_a_reversal_points_to_the_original_and_undoes_it(boss, desk):
    original = cash.add_entry(desk, "in", "12,50", cat("verkoop"), "lunch")
    reversal = cash.reverse(boss, original.id, "dubbel geboekt")
    assert reversal.reverses == original.id
    assert reversal.direction == "out" and reversal.amount_cents == 1250
    assert reversal.category_code == "verkoop" and reversal.entry_date == TODAY
    assert original.receipt in reversal.description and "dubbel geboekt" in reversal.description
    assert cash.entry_info(original.id).reversed_by == reversal.id
    assert cash.balance() == 0


def test_reversal_rules(boss, desk):
    first = cash.add_entry(boss, "in", "20", cat("koffie"))
    spent = cash.add_entry(boss, "out", "15", cat("boodschappen"))
    reversal = cash.reverse(boss, spent.id, "verkeerd bedrag")
    before = rows()
    with pytest.raises(BwkError) as caught:
        cash.reverse(boss, spent.id, "nog eens")
    assert caught.value.key == "error.reverse_twice"
    with pytest.raises(BwkError) as caught:
        cash.reverse(boss, reversal.id, "terugdraaien")
    assert caught.value.key == "error.reverse_reversal"
    with pytest.raises(InvalidInput) as caught:
        cash.reverse(boss, first.id, "   ")
    assert caught.value.key == "error.reverse_reason"
    with pytest.raises(NotAllowed):
        cash.reverse(desk, first.id, "volunteer")
    with pytest.raises(BwkError) as caught:
        cash.reverse(boss, 99999, "bestaat niet")
    assert caught.value.key == "error.entry_unknown"
    assert rows() == before


def test_reversing_income_needs_the_money_to_be_there(boss):
    income = cash.add_entry(boss, "in", "20", cat("koffie"))
    cash.add_entry(boss, "out", "15", cat("boodschappen"))
    before = rows()
    with pytest.raises(InvalidInput) as caught:
        cash.reverse(boss, income.id, "verkeerd")
    assert caught.value.key == "error.balance_negative"
    assert rows() == before


def test_an_entry_of_a_closed_day_is_corrected_by_a_reversal_today(boss):
    old = cash.add_entry(boss, "in", "30", cat("donatie"), day=days_ago(1))
    closing.close(boss, {1000: 3}, "", "246813", day=days_ago(1))
    reversal = cash.reverse(boss, old.id, "hoorde bij de andere ruimte")
    assert reversal.entry_date == TODAY and reversal.reverses == old.id
    assert cash.entry_info(old.id).entry_date == days_ago(1)  # the closed day itself is untouched
    assert chain.verify_chain() == []
    assert cash.balance(through=days_ago(1)) == 3000 and cash.balance() == 0


def test_no_reversal_when_today_is_closed(boss):
    entry = cash.add_entry(boss, "in", "30", cat("donatie"))
    closing.close(boss, {1000: 3}, "", "246813")
    before = rows()
    with pytest.raises(DayClosed):
        cash.reverse(boss, entry.id, "te laat")
    assert rows() == before


# --- categories ----------------------------------------------------------------------------


def test_seeded_categories_and_their_direction(boss):
    codes_in = {c.code for c in cash.categories("in")}
    codes_out = {c.code for c in cash.categories("out")}
    assert {"koffie", "donatie", "subsidie", "verkoop", "opname", "kasverschil"} == codes_in
    assert {"boodschappen", "materiaal", "vrijwilligersvergoeding", "storting", "kasverschil"} == codes_out
    before = rows()
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(boss, "out", "5", cat("koffie"))
    assert caught.value.key == "error.category_direction"
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(boss, "in", "5", cat("boodschappen"))
    assert caught.value.key == "error.category_direction"
    with pytest.raises(InvalidInput):
        cash.add_entry(boss, "sideways", "5", cat("koffie"))
    assert rows() == before


def test_a_new_category_and_a_switched_off_one(boss):
    added = cash.add_category(boss, "Knutselclub", "out", budget_cents=24000)
    assert added.direction == "out" and added.budget_cents == 24000
    with pytest.raises(InvalidInput) as caught:
        cash.add_category(boss, "knutselclub", "in")
    assert caught.value.key == "error.category_exists"
    cash.add_entry(boss, "in", "50", cat("koffie"))
    cash.add_entry(boss, "out", "5", added.id)
    cash.set_category_active(boss, added.id, False)
    assert added.id not in {c.id for c in cash.categories()}
    count = CashEntry.select().count()
    with pytest.raises(InvalidInput) as caught:
        cash.add_entry(boss, "out", "5", added.id)
    assert caught.value.key == "error.category_unknown"
    assert CashEntry.select().count() == count


# --- overviews -----------------------------------------------------------------------------


def test_month_and_year_overview_with_budgets(boss, clock):
    cash.set_budget(boss, cat("boodschappen"), "1.200,00")
    cash.set_budget(boss, cat("koffie"), "600")
    clock.day = dt.date(2026, 5, 20)
    cash.add_entry(boss, "in", "100", cat("koffie"))
    cash.add_entry(boss, "out", "40", cat("boodschappen"))
    clock.day = TODAY
    cash.add_entry(boss, "in", "25,50", cat("koffie"))
    spent = cash.add_entry(boss, "out", "10", cat("boodschappen"))
    cash.reverse(boss, spent.id, "dubbel")
    june = {line.category: line for line in cash.overview(boss, 2026, 6)}
    assert (june["bijdrage koffie/thee"].in_cents, june["bijdrage koffie/thee"].out_cents) == (2550, 0)
    assert (june["boodschappen"].in_cents, june["boodschappen"].out_cents) == (1000, 1000)
    assert june["boodschappen"].net_cents == 0
    assert june["boodschappen"].budget_cents == 10000  # a twelfth of the year's budget
    assert june["bijdrage koffie/thee"].budget_cents == 5000
    assert june["donatie"].budget_cents is None
    year = {line.category: line for line in cash.overview(boss, 2026)}
    assert year["bijdrage koffie/thee"].in_cents == 12550
    assert year["boodschappen"].out_cents == 5000 and year["boodschappen"].budget_cents == 120000
    assert sum(line.net_cents for line in year.values()) == cash.balance()
    assert all(line.in_cents == line.out_cents == 0 for line in cash.overview(boss, 2025))
    with pytest.raises(InvalidInput):
        cash.set_budget(boss, cat("koffie"), "veel")


def test_the_real_clock_is_the_default_day(room):
    # Without a patched clock, entries land on the room's real calendar day.
    entry = cash.add_entry(room["volunteer"], "in", "1", cat("koffie"))
    assert entry.entry_date == clock.today()
