"""The end-of-day closing (issue 4): the count, the difference and its reason, the PIN,
the order of days, the chain of hashes, and a closed day that nothing can change.

Every test runs on SQLite and on PostgreSQL (the ``room`` fixture), including the raw SQL
that the database itself must refuse.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import CASH_TODAY
from peewee import DatabaseError

from db import database, is_sqlite
from db.models import AuditLog, CashCategory, CashClosing, CashEntry, ClosingReport

from bwk_tui.cli import main
from bwk_tui.services.room import backup
from bwk_tui.services.cash import cash
from bwk_tui.services.closing import closing
from bwk_tui.services.closing import report
from bwk_tui.services.closing import chain
from bwk_tui.services.room import settings
from bwk_tui.services.cash.cash import DayClosed
from bwk_tui.services.kernel.errors import BackupError, BwkError, InvalidInput, NotAllowed
from bwk_tui.services.kernel.money import money

TODAY = CASH_TODAY  # the day the `clock` fixture (conftest) starts on


def cat(code: str) -> int:
    return CashCategory.get(CashCategory.code == code).id


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def cash_rows() -> tuple[int, int]:
    return CashEntry.select().count(), CashClosing.select().count()


def a_day(boss, day: dt.date = TODAY) -> None:
    """EUR 20 in and EUR 7.50 out: EUR 12.50 expected on an empty box."""
    cash.add_entry(boss, "in", "20", cat("koffie"), "koffiepot", day=day)
    cash.add_entry(boss, "out", "7,50", cat("boodschappen"), "melk", day=day)


TWELVE_FIFTY = {1000: 1, 200: 1, 50: 1}


def refused_by_database(sql: str, *params) -> None:
    """``sql`` must fail inside the database (a trigger or constraint), changing nothing."""
    with pytest.raises(DatabaseError):
        with database.obj.atomic():
            database.obj.execute_sql(sql, params)


# --- counting and the difference ------------------------------------------------------------


def test_counted_as_expected_closes_the_day(boss, db):
    a_day(boss)
    draft = closing.draft(boss)
    assert draft.totals.expected_cents == 1250 and draft.threshold_cents == 0 and draft.earlier_open_day is None
    closed = closing.close(boss, TWELVE_FIFTY, "", "246813")
    assert closed.difference_cents == 0 and closed.counted_cents == 1250
    assert cash.is_closed(TODAY)
    c = CashClosing.get_by_id(closed.closing_id)
    assert (c.opening_cents, c.in_cents, c.out_cents, c.expected_cents, c.counted_cents, c.difference_cents) == (
        0, 2000, 750, 1250, 1250, 0)
    assert c.signed_by_id == boss.account_id and len(c.hash) == 64 and c.prev_hash == ""
    assert c.counts.startswith("5:0,10:0,20:0,50:1,100:0,200:1,500:0,1000:1")
    assert CashEntry.select().where(CashEntry.category == cat("kasverschil")).count() == 0
    # The signed report is kept in the database, never as a plain file beside it.
    assert ClosingReport.get_by_id(closed.closing_id).text == report.report_text(closed.closing_id)
    assert not (Path(db.database).parent / "afsluitingen").exists() if is_sqlite(db) else True


def test_a_difference_needs_a_reason_and_nothing_is_kept_without_one(boss):
    a_day(boss)
    before, audit_before = cash_rows(), AuditLog.select().count()
    with pytest.raises(InvalidInput) as caught:
        closing.close(boss, {1000: 1, 200: 1}, "  ", "246813")  # EUR 0.50 short
    assert caught.value.key == "error.difference_reason" and caught.value.field == "reason"
    assert cash_rows() == before and AuditLog.select().count() == audit_before
    assert not cash.is_closed(TODAY)


def test_a_difference_within_the_threshold_needs_no_reason(boss):
    settings.put("closing_threshold_cents", "100")
    a_day(boss)
    with pytest.raises(InvalidInput):
        closing.close(boss, {1000: 1}, "", "246813")  # EUR 2.50 short: above the threshold
    closed = closing.close(boss, {1000: 1, 200: 1}, "", "246813")  # EUR 0.50 short
    assert closed.difference_cents == -50


@pytest.mark.parametrize("counts, difference, direction", [
    ({1000: 1, 200: 1}, -50, "out"),  # short
    ({1000: 1, 200: 1, 50: 1, 20: 1}, 20, "in"),  # over
])
def test_the_difference_is_booked_as_kasverschil(boss, counts, difference, direction):
    a_day(boss)
    closed = closing.close(boss, counts, "wisselgeld verkeerd teruggegeven", "246813")
    assert closed.difference_cents == difference
    booked = CashEntry.get(CashEntry.category == cat("kasverschil"))
    assert (booked.direction, booked.amount_cents, booked.entry_date) == (direction, abs(difference), TODAY)
    assert booked.description == "wisselgeld verkeerd teruggegeven"
    c = CashClosing.get_by_id(closed.closing_id)
    assert c.expected_cents == 1250 and c.counted_cents == 1250 + difference
    assert c.reason == "wisselgeld verkeerd teruggegeven"
    # One equation: begin + in - out = expected; counted - expected = difference; the
    # kasverschil entry is not inside in or out, and after it the box holds what was counted.
    assert (c.opening_cents, c.in_cents, c.out_cents) == (0, 2000, 750)
    assert c.opening_cents + c.in_cents - c.out_cents == c.expected_cents
    assert c.counted_cents - c.expected_cents == c.difference_cents
    assert cash.balance() == c.counted_cents
    assert chain.verify_chain() == []


def test_counted_amount_is_the_next_days_opening_balance(boss, clock):
    a_day(boss, days_ago(1))
    closing.close(boss, {1000: 1, 200: 1}, "bonnetje kwijt", "246813", day=days_ago(1))
    assert cash.day_totals(TODAY).opening_cents == 1200
    cash.add_entry(boss, "in", "3", cat("donatie"))
    closed = closing.close(boss, {1000: 1, 500: 1}, "", "246813")
    c = CashClosing.get_by_id(closed.closing_id)
    assert (c.opening_cents, c.in_cents, c.counted_cents) == (1200, 300, 1500)
    clock.day = TODAY + dt.timedelta(days=1)
    assert closing.draft(boss).totals.opening_cents == 1500


# --- refusals -------------------------------------------------------------------------------


def test_a_wrong_pin_is_refused_and_nothing_is_kept(boss):
    a_day(boss)
    before = cash_rows()
    with pytest.raises(InvalidInput) as caught:
        closing.close(boss, {1000: 1}, "tekort", "1111")  # a difference too: no kasverschil may stay
    assert caught.value.key == "error.closing_pin"
    assert cash_rows() == before and not cash.is_closed(TODAY)
    assert AuditLog.select().where(AuditLog.action == "closing.pin_failed").count() == 1
    # The volunteer's PIN is not the coordinator's signature either.
    with pytest.raises(InvalidInput):
        closing.close(boss, TWELVE_FIFTY, "", "135724")
    assert cash_rows() == before


def test_a_volunteer_cannot_close(desk):
    cash.add_entry(desk, "in", "5", cat("koffie"))
    before = cash_rows()
    with pytest.raises(NotAllowed):
        closing.close(desk, {500: 1}, "", "135724")
    with pytest.raises(NotAllowed):
        closing.draft(desk)
    assert cash_rows() == before and not cash.is_closed(TODAY)


def test_a_second_closing_of_the_same_day_is_refused(boss):
    a_day(boss)
    closing.close(boss, TWELVE_FIFTY, "", "246813")
    before = cash_rows()
    with pytest.raises(closing.AlreadyClosed) as caught:
        closing.close(boss, {1000: 2}, "nog eens", "246813")
    assert caught.value.key == "error.already_closed"
    assert cash_rows() == before


def test_an_earlier_open_day_must_be_closed_first(boss):
    a_day(boss, days_ago(2))
    cash.add_entry(boss, "in", "1", cat("koffie"))
    before = cash_rows()
    with pytest.raises(BwkError) as caught:
        closing.close(boss, {1000: 1, 200: 1, 50: 1, 100: 1}, "", "246813")
    assert caught.value.key == "error.close_earlier_first"
    assert days_ago(2).strftime("%d-%m-%Y") in caught.value.message()
    assert closing.draft(boss).earlier_open_day == days_ago(2)
    assert cash_rows() == before
    closing.close(boss, TWELVE_FIFTY, "", "246813", day=days_ago(2))
    closing.close(boss, {1000: 1, 200: 1, 50: 1, 100: 1}, "", "246813")
    assert chain.verify_chain() == []


def test_a_day_before_the_last_closing_cannot_be_closed_later(boss):
    a_day(boss, days_ago(1))
    closing.close(boss, TWELVE_FIFTY, "", "246813", day=days_ago(1))
    before = cash_rows()
    # A day without entries, behind the last closing (counted as expected: nothing): closing it
    # now would put a link in the middle of the chain.
    with pytest.raises(DayClosed) as caught:
        closing.close(boss, {}, "", "246813", day=days_ago(3))
    assert caught.value.key == "error.day_before_closing"
    assert cash_rows() == before and chain.verify_chain() == []


def test_no_closing_in_the_future_and_no_bad_counts(boss):
    before = cash_rows()
    with pytest.raises(InvalidInput):
        closing.close(boss, {}, "", "246813", day=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        closing.close(boss, {300: 1}, "", "246813")  # no such coin
    with pytest.raises(InvalidInput):
        closing.close(boss, {100: -1}, "", "246813")
    assert cash_rows() == before
    with pytest.raises(InvalidInput):
        closing.parse_pieces("drie", 100)
    assert closing.parse_pieces(" 12 ", 100) == 12 and closing.parse_pieces("", 100) == 0
    assert closing.counted_total({5: 3, 20000: 1}) == 20015


def test_a_failing_backup_leaves_the_day_open_with_nothing_kept(boss, monkeypatch):
    a_day(boss)

    def broken(*args, **kwargs):
        raise BackupError("error.backup_write", path="/nergens", reason="schijf vol")

    monkeypatch.setattr(backup, "take_backup", broken)
    monkeypatch.setattr(closing, "is_sqlite", lambda: True)  # the backup is attempted on both backends
    before = cash_rows()
    with pytest.raises(BackupError):
        closing.close(boss, {1000: 1}, "tekort", "246813")
    assert cash_rows() == before and not cash.is_closed(TODAY)
    assert ClosingReport.select().count() == 0


def test_a_failure_inside_the_closing_keeps_nothing(boss, monkeypatch):
    a_day(boss)

    def broken(closing_id):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(closing, "report_text", broken)
    before = cash_rows()
    with pytest.raises(OSError):
        closing.close(boss, {1000: 1}, "tekort", "246813")  # with a kasverschil entry to roll back
    assert cash_rows() == before and not cash.is_closed(TODAY)
    assert ClosingReport.select().count() == 0


# --- a closed day cannot change --------------------------------------------------------------


def test_the_database_refuses_to_change_a_closed_day(boss, db):
    a_day(boss, days_ago(1))
    closed = closing.close(boss, TWELVE_FIFTY, "", "246813", day=days_ago(1))
    entry = CashEntry.select().order_by(CashEntry.id).first()
    snapshot = [tuple(row) for row in db.execute_sql("SELECT * FROM cash_entry ORDER BY id").fetchall()]
    closing_row = db.execute_sql("SELECT * FROM cash_closing").fetchall()
    refused_by_database("UPDATE cash_entry SET amount_cents = 1 WHERE id = %s" if not is_sqlite(db)
                        else "UPDATE cash_entry SET amount_cents = 1 WHERE id = ?", entry.id)
    refused_by_database("UPDATE cash_entry SET description = 'weg'")
    refused_by_database("DELETE FROM cash_entry")
    refused_by_database("UPDATE cash_closing SET counted_cents = 0")
    refused_by_database("UPDATE cash_closing SET hash = 'x'")
    refused_by_database("DELETE FROM cash_closing")
    if not is_sqlite(db):
        refused_by_database("TRUNCATE cash_entry, cash_closing")
    # A new entry on the closed day, past the services, straight into the table.
    p = "?" if is_sqlite(db) else "%s"
    refused_by_database(
        "INSERT INTO cash_entry (room_id, entry_date, direction, amount_cents, category_id, description, "
        f"receipt_year, receipt_no, entered_by_id, entered_at) VALUES ({p}, {p}, 'in', 100, {p}, 'later', "
        f"2026, 99, {p}, {p})",
        entry.room_id, days_ago(1), cat("koffie"), boss.account_id, dt.datetime(2026, 6, 9, 18))
    assert [tuple(row) for row in db.execute_sql("SELECT * FROM cash_entry ORDER BY id").fetchall()] == snapshot
    assert db.execute_sql("SELECT * FROM cash_closing").fetchall() == closing_row
    assert chain.verify_chain() == [] and CashClosing.get_by_id(closed.closing_id).counted_cents == 1250
    # The services refuse it as well.
    with pytest.raises(DayClosed):
        cash.add_entry(boss, "in", "1", cat("koffie"), day=days_ago(1))


def _unguard(db) -> None:
    """What a tamperer with access to the database could do: switch the guards off."""
    if is_sqlite(db):
        for name in ("cash_entry_no_update", "cash_entry_no_delete", "cash_closing_no_update",
                     "cash_closing_no_delete", "closing_report_no_delete"):
            db.execute_sql(f"DROP TRIGGER {name}")
    else:
        db.execute_sql("ALTER TABLE cash_entry DISABLE TRIGGER cash_entry_append_only")
        db.execute_sql("ALTER TABLE cash_closing DISABLE TRIGGER cash_closing_append_only")
        db.execute_sql("ALTER TABLE closing_report DISABLE TRIGGER closing_report_frozen")


def _three_closed_days(boss) -> list[int]:
    ids = []
    for k, n in enumerate((3, 2, 1), 1):
        a_day(boss, days_ago(n))  # EUR 12.50 more each day
        ids.append(closing.close(boss, {1000: k, 200: k, 50: k}, "", "246813", day=days_ago(n)).closing_id)
    return ids


def test_a_changed_amount_is_found_by_the_chain_and_by_bwk_check(boss, db, db_url, capsys):
    _three_closed_days(boss)
    assert chain.verify_chain() == []
    assert main(["--db", db_url, "check"]) == 0
    _unguard(db)
    target = CashEntry.select().where(CashEntry.entry_date == days_ago(2)).order_by(CashEntry.id).first()
    db.execute_sql(f"UPDATE cash_entry SET amount_cents = 500 WHERE id = {target.id}")
    problems = chain.verify_chain()
    assert [(p.day, p.what) for p in problems] == [(days_ago(2), "hash")]
    capsys.readouterr()
    assert main(["--db", db_url, "check"]) == 1
    out = capsys.readouterr().out
    assert days_ago(2).strftime("%d-%m-%Y") in out and "veranderd" in out


def test_a_changed_closing_or_a_removed_one_is_found(boss, db):
    ids = _three_closed_days(boss)
    _unguard(db)
    db.execute_sql(f"UPDATE cash_closing SET counted_cents = 99999 WHERE id = {ids[0]}")
    assert [(p.day, p.what) for p in chain.verify_chain()] == [(days_ago(3), "hash")]
    db.execute_sql(f"DELETE FROM closing_report WHERE closing_id = {ids[1]}")  # its signed report first
    db.execute_sql(f"DELETE FROM cash_closing WHERE id = {ids[1]}")
    found = {(p.day, p.what) for p in chain.verify_chain()}
    assert (days_ago(1), "link") in found


def test_an_entry_slipped_into_a_closed_day_is_found(boss, db):
    """Even with the insert guard gone, the day's hash no longer matches."""
    _three_closed_days(boss)
    if is_sqlite(db):
        db.execute_sql("DROP TRIGGER cash_entry_closed_day")
    else:
        db.execute_sql("ALTER TABLE cash_entry DISABLE TRIGGER cash_entry_closed_day")
    p = "?" if is_sqlite(db) else "%s"
    db.execute_sql(
        "INSERT INTO cash_entry (room_id, entry_date, direction, amount_cents, category_id, description, "
        f"receipt_year, receipt_no, entered_by_id, entered_at) VALUES ({p}, {p}, 'in', 100, {p}, 'later', "
        f"2026, 99, {p}, {p})",
        (CashClosing.get().room_id, days_ago(3), cat("koffie"), boss.account_id, dt.datetime(2026, 6, 8, 18)))
    assert [(p.day, p.what) for p in chain.verify_chain()] == [(days_ago(3), "hash")]


# --- the report -----------------------------------------------------------------------------


def test_the_report_has_the_figures(boss):
    cash.add_entry(boss, "in", "20", cat("koffie"), "koffiepot ochtend", day=days_ago(1))
    closing.close(boss, {1000: 2}, "", "246813", day=days_ago(1))
    cash.add_entry(boss, "in", "14,35", cat("verkoop"), "lunch")
    cash.add_entry(boss, "out", "7,50", cat("boodschappen"), "melk en koekjes")
    closed = closing.close(boss, {1000: 2, 500: 1, 100: 1, 50: 1, 20: 2, 5: 1}, "munt onder de kast gevonden",
                           "246813")
    text = report.report_text(closed.closing_id)
    c = CashClosing.get_by_id(closed.closing_id)
    for figure in (money(2000), money(1435), money(750), money(2685), money(2695), money(10)):
        assert figure in text, figure
    assert c.in_cents == 1435  # the EUR 0.10 over is booked as kasverschil, shown apart
    assert "munt onder de kast gevonden" in text
    assert "2026-0003" in text and "melk en koekjes" in text
    assert "Coby" in text and c.hash in text
    assert report.stored_text(closed.closing_id) == text


def _issue_day(boss) -> closing.Closed:
    """The day of issue 14: begin 46,65, in 48,90, out 17,10, counted 73,45 (5 euro short)."""
    cash.add_entry(boss, "in", "46,65", cat("opname"), "wisselgeld", day=days_ago(1))
    closing.close(boss, {2000: 2, 500: 1, 100: 1, 50: 1, 10: 1, 5: 1}, "", "246813", day=days_ago(1))
    cash.add_entry(boss, "in", "48,90", cat("koffie"), "koffiepot")
    cash.add_entry(boss, "out", "17,10", cat("boodschappen"), "melk, suiker, koekjes en een nieuwe "
                   "waterkoker voor de keuken van de buurtwerkkamer (Action, bon in de map)")
    # 73,45 counted: 3 x 20 + 10 + 2 + 1 + 0,20 + 0,20 + 0,05
    return closing.close(boss, {2000: 3, 1000: 1, 200: 1, 100: 1, 20: 2, 5: 1}, "briefje van 5 kwijt",
                         "246813")


def test_the_closing_is_one_equation_on_a_day_with_a_difference(boss):
    closed = _issue_day(boss)
    c = CashClosing.get_by_id(closed.closing_id)
    # Worked by hand: 46,65 + 48,90 - 17,10 = 78,45 expected; 73,45 - 78,45 = -5,00.
    assert (c.opening_cents, c.in_cents, c.out_cents, c.expected_cents, c.counted_cents,
            c.difference_cents) == (4665, 4890, 1710, 7845, 7345, -500)
    eq = report.equation(c)
    assert (eq.in_cents, eq.out_cents, eq.expected_cents) == (4890, 1710, 7845)
    text = report.report_text(closed.closing_id)
    lines = text.splitlines()

    def figure(label: str) -> str:
        return next(line for line in lines if line.startswith(label)).split()[-1]

    assert figure("Beginsaldo") == "46,65" and figure("Ontvangen") == "48,90"
    assert figure("Uitgegeven") == "17,10" and figure("Verwacht in kas") == "78,45"
    assert figure("Geteld") == "73,45" and figure("Verschil") == money(-500).split()[-1]
    assert f"Kasverschil {money(-500)} geboekt, reden: briefje van 5 kwijt" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    assert cash.balance() == 7345 and chain.verify_chain() == []


def test_the_signed_report_wraps_long_descriptions_instead_of_cutting_them(boss):
    closed = _issue_day(boss)
    text = report.report_text(closed.closing_id)
    # The description column, read down: all of it is there, in order, over several lines.
    header = next(line for line in text.splitlines() if "Omschrijving" in line)
    start = header.index("Omschrijving")
    table = text.split(header)[1].split("\n\n")[0].splitlines()[2:]
    column = " ".join(line[start:start + 40].strip() for line in table)
    assert ("melk, suiker, koekjes en een nieuwe waterkoker voor de keuken van de buurtwerkkamer "
            "(Action, bon in de map)") in " ".join(column.split())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_an_old_closing_with_the_difference_inside_out_still_adds_up_in_its_report():
    """Closings signed before the equation counted the kasverschil in out, not in expected."""
    old = CashClosing(opening_cents=4665, in_cents=4890, out_cents=2210, expected_cents=7845,
                      counted_cents=7345, difference_cents=-500)
    eq = report.equation(old)
    assert (eq.in_cents, eq.out_cents, eq.expected_cents) == (4890, 1710, 7845)
    over = CashClosing(opening_cents=0, in_cents=1445, out_cents=0, expected_cents=1435,
                       counted_cents=1445, difference_cents=10)
    assert report.equation(over).in_cents == 1435
