"""Issue 14: a signed day is closed for the visitor log too, and no cash goes before the latest closing.

Every test runs on SQLite and on PostgreSQL (the ``room`` fixture): the services refuse first,
and the database's own guards (migration 0011) refuse the same thing as raw SQL.
"""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import DatabaseError

from conftest import CASH_TODAY
from db import database, is_sqlite
from db.models import CashCategory, CashEntry, Visit, VisitDomain, WalkIn

from bwk_tui.services.cash import cash
from bwk_tui.services.closing import closing
from bwk_tui.services.visitors import visits
from bwk_tui.services.visitors.persons import PersonForm, merge, register

TODAY = CASH_TODAY


def cat(code: str) -> int:
    return CashCategory.get(CashCategory.code == code).id


def p() -> str:
    return "?" if is_sqlite(database.obj) else "%s"


def refused_by_database(sql: str, *params) -> None:
    with pytest.raises(DatabaseError) as caught:
        with database.obj.atomic():
            database.obj.execute_sql(sql, params)
    assert "is closed" in str(caught.value)


def person(boss, name: str) -> int:
    return register(boss, PersonForm(first_name=name, pc4="1102", consent=True), allow_duplicate=True).id


def domain_ids() -> list[int]:
    return [visits.domains()[0].id]


def signed_day(boss) -> dict:
    """Today with one visit (Abena, still in, not checked out at the closing) and one walk-in, signed."""
    abena, kofi = person(boss, "Abena"), person(boss, "Kofi")
    visit_id = visits.check_in(boss, abena, visits.VisitForm(domain_ids=domain_ids(), follow_up="17-06-2026"))
    visits.add_walk_in(boss)
    closing.close(boss, {}, "", "2468")
    return {"abena": abena, "kofi": kofi, "visit": visit_id}


def test_a_check_in_or_walk_in_on_a_signed_day_is_refused_by_the_service(boss):
    day = signed_day(boss)
    before = visits.today_counts()
    with pytest.raises(visits.DayClosed) as caught:
        visits.check_in(boss, day["kofi"], visits.VisitForm(domain_ids=domain_ids()))
    assert caught.value.key == "error.visit_day_closed" and "10-06-2026 is afgesloten" in caught.value.message()
    with pytest.raises(visits.DayClosed):
        visits.add_walk_in(boss)
    assert visits.today_counts() == before and (before.visits, before.walk_ins) == (1, 1)
    with pytest.raises(visits.DayClosed) as caught:
        visits.update_visit(boss, day["visit"], visits.VisitForm(domain_ids=domain_ids(), referral="Dock"))
    assert caught.value.key == "error.visit_edit_closed"
    assert Visit.get_by_id(day["visit"]).referral is None


def test_a_check_in_on_a_signed_day_is_refused_by_raw_sql_too(boss):
    day = signed_day(boss)
    q = p()
    room_id = Visit.get_by_id(day["visit"]).room_id
    refused_by_database(
        f"INSERT INTO visit (person_id, room_id, visit_date, arrived_at, recorded_by_id) "
        f"VALUES ({q}, {q}, {q}, {q}, {q})", day["kofi"], room_id, TODAY, dt.datetime(2026, 6, 10, 15), 1)
    refused_by_database(f"INSERT INTO walk_in (room_id, visit_date, at, recorded_by_id) VALUES ({q}, {q}, {q}, {q})",
                        room_id, TODAY, dt.datetime(2026, 6, 10, 15), 1)
    # What the signed report counted cannot change or go either.
    refused_by_database(f"UPDATE visit SET referral = 'Dock' WHERE id = {q}", day["visit"])
    refused_by_database(f"UPDATE visit SET visit_date = {q} WHERE id = {q}", TODAY - dt.timedelta(days=1),
                        day["visit"])
    refused_by_database(f"DELETE FROM visit WHERE id = {q}", day["visit"])
    refused_by_database(f"DELETE FROM walk_in WHERE visit_date = {q}", TODAY)
    refused_by_database(f"UPDATE walk_in SET visit_date = {q}", TODAY - dt.timedelta(days=1))
    refused_by_database(f"DELETE FROM visit_domain WHERE visit_id = {q}", day["visit"])
    other = visits.domains()[1].id
    refused_by_database(f"INSERT INTO visit_domain (visit_id, domain_id) VALUES ({q}, {q})", day["visit"], other)
    assert Visit.select().count() == 1 and WalkIn.select().count() == 1
    assert VisitDomain.select().count() == 1


def test_what_a_closed_day_still_allows_checking_out_a_follow_up_done_a_merge(boss, clock):
    day = signed_day(boss)
    clock.day = TODAY + dt.timedelta(days=1)
    visits.check_out(boss, day["visit"], "16:30")  # left open at the closing: when did Abena leave?
    assert Visit.get_by_id(day["visit"]).left_at is not None
    visits.follow_up_done(boss, day["visit"])
    assert Visit.get_by_id(day["visit"]).follow_up_done == TODAY + dt.timedelta(days=1)
    merge(boss, day["kofi"], day["abena"])  # the same person twice: the visit moves, the count does not
    assert Visit.get_by_id(day["visit"]).person_id == day["kofi"]
    # Once checked out, the time it ended is part of the closed day as well.
    refused_by_database(f"UPDATE visit SET left_at = NULL WHERE id = {p()}", day["visit"])


def test_the_next_open_day_takes_check_ins_again(boss, clock):
    day = signed_day(boss)
    clock.day = TODAY + dt.timedelta(days=1)
    visits.check_in(boss, day["kofi"], visits.VisitForm(domain_ids=domain_ids()))
    assert visits.add_walk_in(boss) == 1


def _raw_cash(day: dt.date, room_id: int, account_id: int) -> None:
    q = p()
    database.obj.execute_sql(
        "INSERT INTO cash_entry (room_id, entry_date, direction, amount_cents, category_id, description, "
        f"receipt_year, receipt_no, entered_by_id, entered_at) VALUES ({q}, {q}, 'in', 100, {q}, 'later', "
        f"2026, 99, {q}, {q})", (room_id, day, cat("koffie"), account_id, dt.datetime(2026, 6, 10, 18)))


def test_a_cash_entry_dated_before_the_latest_closing_is_refused_by_the_database(boss):
    """An open day before the last closing (nothing booked, never closed) is closed for cash too."""
    cash.add_entry(boss, "in", "5", cat("koffie"), day=TODAY - dt.timedelta(days=3))
    closing.close(boss, {500: 1}, "", "2468", day=TODAY - dt.timedelta(days=3))
    cash.add_entry(boss, "in", "5", cat("koffie"), day=TODAY - dt.timedelta(days=1))
    closing.close(boss, {500: 2}, "", "2468", day=TODAY - dt.timedelta(days=1))
    room_id = CashEntry.get().room_id
    before = CashEntry.select().count()
    for day in (TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=30)):
        with pytest.raises(DatabaseError) as caught:
            with database.obj.atomic():
                _raw_cash(day, room_id, boss.account_id)
        assert "cash day is closed" in str(caught.value), day
    assert CashEntry.select().count() == before
    with pytest.raises(cash.DayClosed) as caught:  # the service says the same, and what to do
        cash.add_entry(boss, "in", "1", cat("koffie"), day=TODAY - dt.timedelta(days=2))
    assert "Boek het op vandaag of een latere open dag" in caught.value.message()
    with database.obj.atomic():
        _raw_cash(TODAY, room_id, boss.account_id)  # the day after the latest closing is open
    assert CashEntry.select().count() == before + 1


def test_money_after_the_closing_is_booked_tomorrow_the_message_says_so(boss):
    closing.close(boss, {}, "", "2468")
    with pytest.raises(cash.DayClosed) as caught:
        cash.add_entry(boss, "in", "2", cat("koffie"))
    assert "boek het morgen" in caught.value.message()
