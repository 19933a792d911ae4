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
    closing.close(boss, {}, "", "246813")
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
    closing.close(boss, {500: 1}, "", "246813", day=TODAY - dt.timedelta(days=3))
    cash.add_entry(boss, "in", "5", cat("koffie"), day=TODAY - dt.timedelta(days=1))
    closing.close(boss, {500: 2}, "", "246813", day=TODAY - dt.timedelta(days=1))
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
    closing.close(boss, {}, "", "246813")
    with pytest.raises(cash.DayClosed) as caught:
        cash.add_entry(boss, "in", "2", cat("koffie"))
    assert "boek het morgen" in caught.value.message()


# --- bwk check: the guards and the latest closing ------------------------------------------------

from bwk_tui.services.room.check import run_check  # noqa: E402

GUARDS_SQLITE = ("audit_log_no_update", "audit_log_no_delete", "cash_entry_no_update", "cash_entry_no_delete",
                 "cash_closing_no_update", "cash_closing_no_delete", "cash_entry_closed_day",
                 "cash_entry_balance_guard", "cash_entry_balance", "visit_closed_day_insert",
                 "visit_closed_day_update", "visit_closed_day_delete", "walk_in_closed_day_insert",
                 "walk_in_closed_day_update", "walk_in_closed_day_delete", "visit_domain_closed_day_insert",
                 "visit_domain_closed_day_delete")
GUARDS_PG = (("audit_log_append_only", "audit_log"), ("audit_log_no_truncate", "audit_log"),
             ("cash_entry_append_only", "cash_entry"), ("cash_entry_no_truncate", "cash_entry"),
             ("cash_closing_append_only", "cash_closing"), ("cash_closing_no_truncate", "cash_closing"),
             ("cash_entry_closed_day", "cash_entry"), ("cash_entry_balance", "cash_entry"),
             ("visit_closed_day", "visit"), ("walk_in_closed_day", "walk_in"),
             ("visit_domain_closed_day", "visit_domain"))


def findings() -> dict:
    return {(f.key, f.params.get("name") or f.params.get("day")): f for f in run_check()}


def test_a_clean_database_has_every_guard(boss):
    found = findings()
    assert found[("check.guards", None)].ok and found[("check.closings_logged", None)].ok
    assert all(f.ok for f in found.values()), [k for k, f in found.items() if not f.ok]


# Each backend its own guards (PostgreSQL has fewer, wider triggers): no test is skipped.
@pytest.mark.parametrize("db_url, guard", [("sqlite", (name, None)) for name in GUARDS_SQLITE]
                         + [("postgres", pair) for pair in GUARDS_PG], indirect=["db_url"])
def test_bwk_check_fails_on_each_dropped_guard(boss, guard):
    name, table = guard
    if is_sqlite(database.obj):
        database.obj.execute_sql(f"DROP TRIGGER {name}")
    else:
        database.obj.execute_sql(f"DROP TRIGGER {name} ON {table}")
    found = findings()
    assert not found[("check.guards", None)].ok
    assert ("check.guard_missing", name) in found


def test_bwk_check_fails_on_a_guard_rewritten_to_let_everything_through(boss):
    db = database.obj
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER cash_entry_closed_day")
        db.execute_sql("CREATE TRIGGER cash_entry_closed_day BEFORE INSERT ON cash_entry WHEN 0 "
                       "BEGIN SELECT RAISE(ABORT, 'cash day is closed'); END")
    else:
        db.execute_sql("CREATE OR REPLACE FUNCTION bwk_cash_day_closed() RETURNS trigger AS $$ "
                       "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql  -- cash day is closed")
    assert ("check.guard_changed", "cash_entry_closed_day") in findings()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite triggers cannot be disabled
def test_bwk_check_fails_on_a_disabled_guard_on_postgresql(boss):
    database.obj.execute_sql("ALTER TABLE visit DISABLE TRIGGER visit_closed_day")
    assert ("check.guard_disabled", "visit_closed_day") in findings()


def test_bwk_check_finds_the_deleted_latest_closing(boss, clock):
    for n in (2, 1):
        cash.add_entry(boss, "in", "5", cat("koffie"), day=TODAY - dt.timedelta(days=n))
        closing.close(boss, {500: 3 - n}, "", "246813", day=TODAY - dt.timedelta(days=n))
    assert all(f.ok for f in run_check())
    db = database.obj
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER cash_closing_no_delete")
        db.execute_sql("DROP TRIGGER closing_report_no_delete")
    else:
        db.execute_sql("ALTER TABLE cash_closing DISABLE TRIGGER cash_closing_append_only")
        db.execute_sql("ALTER TABLE closing_report DISABLE TRIGGER closing_report_frozen")
    newest = cash.last_closing()
    db.execute_sql(f"DELETE FROM closing_report WHERE closing_id = {newest.id}")  # its signed report first
    db.execute_sql(f"DELETE FROM cash_closing WHERE id = {newest.id}")
    from bwk_tui.services.closing import chain

    assert chain.verify_chain() == []  # the chain of what is left still holds
    found = findings()
    assert not found[("check.closings_logged", None)].ok
    assert ("check.closing_gone", (TODAY - dt.timedelta(days=1)).strftime("%d-%m-%Y")) in found
