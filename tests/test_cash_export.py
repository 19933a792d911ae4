"""`bwk cash export` (issue 4): CSV and hledger journal, and the demo's cash history.

The books are built on SQLite and on PostgreSQL (the ``room`` fixture). When hledger is
installed, ``hledger check`` must accept the journal and ``hledger bal`` must give bwk's
own totals; without hledger those checks are skipped, except in CI (CI=true), where
its absence is a failure (.ci/run installs it).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from db.models import CashCategory, CashClosing, CashEntry, Room

from bwk_tui.cli import main
from bwk_tui.services.cash import cash
from bwk_tui.services.cash import cash_export
from bwk_tui.services.kernel import money
from bwk_tui.services.closing import closing
from bwk_tui.services.closing import report as closing_report
from bwk_tui.services.closing import chain
from bwk_tui import demo
from bwk_tui.services import room as room_service
from bwk_tui.services.room import settings
from bwk_tui.services.room.check import run_check
from bwk_tui.services.kernel.errors import BwkError

AS_COBY = ("--as", "Coby", "--pin-stdin")  # with the coby_pin fixture: Coby's PIN on stdin

TODAY = dt.date(2026, 6, 10)




def cat(code: str) -> int:
    return CashCategory.get(CashCategory.code == code).id


def hledger_or_skip() -> str:
    found = shutil.which("hledger")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("hledger is not installed; .ci/run should have installed it")
    pytest.skip("hledger is not installed (apt-get install hledger)")


def hledger(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([hledger_or_skip(), *args], capture_output=True, text=True, timeout=120)


def hledger_balances(path: Path, *query: str) -> dict[str, int]:
    """Account -> balance in cents, from `hledger bal` as CSV (parsed without float)."""
    result = hledger("-f", str(path), "bal", "--flat", "-N", "-O", "csv", *query)
    assert result.returncode == 0, result.stderr
    balances = {}
    for row in list(csv.reader(io.StringIO(result.stdout)))[1:]:
        account, amount = row[0], row[1].replace("EUR", "").strip()
        if amount == "0":
            balances[account] = 0
            continue
        match = re.fullmatch(r"(-?)(\d+)\.(\d\d)", amount)
        assert match, amount
        balances[account] = (-1 if match.group(1) else 1) * (int(match.group(2)) * 100 + int(match.group(3)))
    return balances


@pytest.fixture
def book(room, clock):
    """Four days of a room's cash: two closed (one short, one over), a reversal of a closed day's
    entry, awkward descriptions and category names, and another room's money that stays out."""
    boss = room["coordinator"]
    odd = cash.add_category(boss, "Café: extra / thé", "in")
    day = [TODAY - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    first = cash.add_entry(boss, "in", "25,50", cat("koffie"), "koffiepot; ochtend", day=day[0])
    cash.add_entry(boss, "in", "100", cat("donatie"), 'gift van "Tante Bea", met dank', day=day[0])
    cash.add_entry(boss, "out", "18,95", cat("boodschappen"), "koffie, thee en suiker (Albert Heijn)", day=day[0])
    closing.close(boss, {5000: 2, 200: 3}, "wisselgeld verkeerd teruggegeven", "246813", day=day[0])  # 0.55 short
    cash.add_entry(boss, "in", "4,05", odd.id, "taart van Renée", day=day[1])
    cash.add_entry(boss, "out", "60", cat("storting"), "storting naar de bank", day=day[1])
    closing.close(boss, {2000: 2, 500: 2, 10: 1}, "munt gevonden", "246813", day=day[1])  # 0.05 over
    cash.add_entry(boss, "in", "3", cat("verkoop"), "boeken", day=day[2])  # an open day
    cash.reverse(boss, first.id, "verkeerd bedrag")
    cash.add_entry(room["volunteer"], "in", "1.250,00", cat("subsidie"), "contante bijdrage")
    this_room = room_service.current_room_id()
    room_service.ensure_room("De Tweede")
    settings.put("room_name", "De Tweede")
    cash.add_entry(boss, "in", "999", cat("donatie"), "andere ruimte")
    settings.put("room_name", Room.get_by_id(this_room).name)
    return {"room_id": this_room, "days": day, "boss": boss}


# --- amounts -------------------------------------------------------------------------------


def test_amounts_are_exact_decimal_strings_from_cents():
    assert [money.decimal(c) for c in (0, 5, 50, 1250, 10_000_000, -5, -123456)] == [
        "0.00", "0.05", "0.50", "12.50", "100000.00", "-0.05", "-1234.56"]
    assert money.decimal(2**70) == f"{2**70 // 100}.{2**70 % 100:02d}"  # no float rounding anywhere
    with pytest.raises(TypeError):
        money.decimal(12.5)


def test_account_names_are_safe():
    assert cash_export.account_part("bijdrage koffie/thee") == "bijdrage-koffie-thee"
    assert cash_export.account_part("Café: extra / thé") == "cafe-extra-the"
    assert cash_export.account_part(" ;:()") == "overig"


# --- csv -----------------------------------------------------------------------------------


def test_csv_has_one_row_per_entry(book):
    out = io.StringIO(newline="")
    assert cash_export.write_csv(out) == 10
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert list(rows[0]) == list(cash_export.CSV_HEADER)
    assert len(rows) == CashEntry.select().where(CashEntry.room == book["room_id"]).count() == 10
    assert all(re.fullmatch(r"\d+\.\d\d", r["amount"]) for r in rows)
    signed = sum((1 if r["direction"] == "in" else -1) * int(r["amount"].replace(".", "")) for r in rows)
    # 106.00 counted on the first day, 50.10 on the second, +3 on the open day, -25.50 reversed, +1250
    assert signed == cash.balance(book["room_id"]) == 5010 + 300 - 2550 + 125_000
    assert rows[0] == {"date": book["days"][0].isoformat(), "receipt": "2026-0001", "direction": "in",
                       "category": "bijdrage koffie/thee", "description": "koffiepot; ochtend", "amount": "25.50",
                       "entered_by": "Coby", "reverses": "", "closed": "yes"}
    assert rows[1]["description"] == 'gift van "Tante Bea", met dank'
    by_receipt = {r["receipt"]: r for r in rows}
    reversal = next(r for r in rows if r["reverses"])
    assert reversal["reverses"] == "2026-0001" and reversal["direction"] == "out" and reversal["closed"] == "no"
    assert [r["closed"] for r in rows].count("yes") == 7  # the two closed days, kasverschil included
    assert by_receipt["2026-0004"]["category"] == "kasverschil" and by_receipt["2026-0004"]["amount"] == "0.55"
    assert all(r["description"] != "andere ruimte" for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_csv_in_english(book):
    from bwk_tui.i18n import set_language

    set_language("en")
    out = io.StringIO()
    cash_export.write_csv(out)
    assert "coffee/tea contributions" in out.getvalue()


# --- journal -------------------------------------------------------------------------------


def _transactions(text: str) -> list[list[str]]:
    blocks = [b.strip("\n").splitlines() for b in text.split("\n\n")]
    return [b for b in blocks if b and re.match(r"\d{4}-\d\d-\d\d ", b[0])]


def test_journal_structure(book):
    out = io.StringIO()
    assert cash_export.write_journal(out) == 10
    text = out.getvalue()
    assert "commodity EUR 1000.00" in text and "account assets:kas" in text
    assert "account income:cafe-extra-the" in text
    transactions = _transactions(text)
    entries = [t for t in transactions if "(" in t[0].split(" ", 2)[2][:1]]
    assertions = [t for t in transactions if "dagafsluiting" in t[0]]
    assert len(entries) == 10 and len(assertions) == 2
    for t in entries:  # every entry balances on its own: two postings, opposite amounts
        amounts = [int(line.split("EUR")[1].replace(".", "")) for line in t if "EUR" in line]
        assert len(amounts) == 2 and sum(amounts) == 0, t
    counted = [c.counted_cents for c in CashClosing.select().where(CashClosing.room == book["room_id"])
               .order_by(CashClosing.day)]
    assert [a[1].split("= EUR ")[1] for a in assertions] == [money.decimal(c) for c in counted]
    # Each assertion comes right after the last entry of its day.
    dates = [t[0][:10] for t in transactions]
    assert dates == sorted(dates)
    for a in assertions:
        index = transactions.index(a)
        assert transactions[index - 1][0][:10] == a[0][:10]
        assert index + 1 == len(transactions) or transactions[index + 1][0][:10] > a[0][:10]
    reversal = next(t for t in entries if "corrigeert bon 2026-0001" in "\n".join(t))
    assert "income:bijdrage-koffie-thee" in "\n".join(reversal)  # back to the original's account
    assert "koffiepot, ochtend" in text  # the ';' would have started a comment
    assert "andere ruimte" not in text


def test_hledger_accepts_the_journal_and_gives_bwks_totals(book, tmp_path):
    path = tmp_path / "kas.journal"
    cash_export.export("journal", path)
    for args in (("check",), ("check", "--strict")):
        result = hledger("-f", str(path), *args)
        assert result.returncode == 0, result.stderr
    room_id = book["room_id"]
    balances = hledger_balances(path)
    assert balances["assets:kas"] == cash.balance(room_id) == hledger_balances(path, "assets:kas")["assets:kas"]
    # Per category, income and expenses: the same as bwk's own overview.
    lines = {}
    for year in (2026,):
        for line in cash.overview(book["boss"], year, room_id=room_id):
            lines[line.category] = line
    parts = {c.name_nl: cash_export.account_part(c.name_nl) for c in CashCategory.select()}
    income = expenses = 0
    for c in CashCategory.select():
        line = lines[c.name_nl]
        got = balances.get(f"income:{parts[c.name_nl]}", 0) + balances.get(f"expenses:{parts[c.name_nl]}", 0)
        assert got == -line.net_cents, c.code
        if c.direction == "in":
            income += line.net_cents
        elif c.direction == "out":
            expenses -= line.net_cents
        else:  # kasverschil: money over is income, money short is an expense
            income += line.in_cents
            expenses += line.out_cents
    assert sum(v for k, v in balances.items() if k.startswith("income:")) == -income
    assert sum(v for k, v in balances.items() if k.startswith("expenses:")) == expenses
    assert sum(hledger_balances(path, "income").values()) == -income


def test_hledger_catches_a_journal_that_disagrees_with_a_closing(book, tmp_path):
    """The balance assertions are real: change one counted amount and hledger refuses."""
    text = io.StringIO()
    cash_export.write_journal(text)
    counted = CashClosing.select().order_by(CashClosing.day).first().counted_cents
    wrong = text.getvalue().replace(f"= EUR {cash_export.decimal(counted)}",
                                    f"= EUR {cash_export.decimal(counted + 5)}")
    path = tmp_path / "wrong.journal"
    path.write_text(wrong, encoding="utf-8")
    result = hledger("-f", str(path), "check")
    assert result.returncode != 0 and "assertion" in (result.stderr + result.stdout).lower()


# --- the command ---------------------------------------------------------------------------


def test_command_writes_a_file_or_stdout(book, db_url, coby_pin, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "kas.csv"
    assert main(["--db", db_url, "cash", "export", "--out", str(target), *AS_COBY]) == 0
    captured = capsys.readouterr()
    assert "10 " in captured.err and str(target) in captured.err and captured.out == ""
    with target.open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 10
    assert main(["--db", db_url, "cash", "export", "--format", "journal", *AS_COBY]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("; bwk kasboek") and "assets:kas" in captured.out
    assert [p.name for p in folder.iterdir()] == ["kas.csv"]  # no temporary files left


def test_an_unwritable_file_is_a_plain_message(book, db_url, coby_pin, tmp_path, capsys):
    folder = tmp_path / "out"
    (folder / "a-folder").mkdir(parents=True)
    for target, words in ((folder / "no" / "such" / "folder" / "kas.csv", "kan niet worden geschreven"),
                          (folder / "a-folder", "is een map, geen gewoon bestand")):
        assert main(["--db", db_url, "cash", "export", "--out", str(target), *AS_COBY]) == 1
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
    assert [p.name for p in folder.iterdir()] == ["a-folder"] and not any((folder / "a-folder").iterdir())


def test_a_failed_export_leaves_no_partial_file_and_keeps_the_old_one(book, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "kas.journal"
    target.write_text("the previous export\n", encoding="utf-8")
    real_rows = cash_export.rows

    def failing(room_id=None):
        for n, row in enumerate(real_rows(room_id)):
            if n == 3:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(cash_export, "rows", failing)
    with pytest.raises(BwkError) as caught:
        cash_export.export("journal", target)
    assert caught.value.message().endswith("kan niet worden geschreven: de schijf is vol")
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in folder.iterdir()] == ["kas.journal"]


def test_an_empty_book_exports_cleanly(room, tmp_path):
    out = io.StringIO()
    assert cash_export.write_csv(out) == 0 and out.getvalue().strip() == ",".join(cash_export.CSV_HEADER)
    path = tmp_path / "leeg.journal"
    assert cash_export.export("journal", path).entries == 0
    assert hledger("-f", str(path), "check", "--strict").returncode == 0


# --- the demo's cash history ----------------------------------------------------------------

NOW = dt.datetime(2026, 11, 25, 13, 0, 0)  # a Wednesday, 14:00 in Amsterdam


@pytest.fixture
def demo_book(demo_copy):
    return demo_copy(5, "small", NOW)


def test_demo_has_a_realistic_closed_cash_history(demo_book):
    today = dt.date(2026, 11, 25)
    entries = list(CashEntry.select().order_by(CashEntry.id))
    closings = list(CashClosing.select().order_by(CashClosing.day))
    assert demo_book.cash_entries == len(entries) and demo_book.closings == len(closings)
    assert 600 <= len(entries) <= 1500
    codes = {c.id: c.code for c in CashCategory.select()}
    kinds = defaultdict(int)
    for e in entries:
        kinds[codes[e.category_id]] += 1
    assert kinds["koffie"] > len(entries) / 3
    for code in ("donatie", "boodschappen", "materiaal", "storting", "vrijwilligersvergoeding", "verkoop"):
        assert kinds[code] >= 3, code
    assert sum(e.reverses_id is not None for e in entries) >= 2
    # A closing for every past day with entries, none for today, which stays open.
    days_with_entries = {e.entry_date for e in entries}
    assert {c.day for c in closings} == {d for d in days_with_entries if d < today}
    assert today in days_with_entries and not cash.is_closed(today)
    differences = [c for c in closings if c.difference_cents]
    assert 1 <= len(differences) < len(closings) / 10
    assert all(c.reason for c in differences)
    assert kinds["kasverschil"] == len(differences)
    # Every closing follows the same rules as closing.close(): one equation, the kasverschil apart
    # (begin + in - out = expected; counted - expected = difference).
    running = 0
    by_day = defaultdict(list)
    for e in entries:
        by_day[e.entry_date].append(e)
    for c in closings:
        day_entries = [e for e in by_day[c.day] if codes[e.category_id] != "kasverschil"]
        in_cents = sum(e.amount_cents for e in day_entries if e.direction == "in")
        out_cents = sum(e.amount_cents for e in day_entries if e.direction == "out")
        assert (c.opening_cents, c.in_cents, c.out_cents) == (running, in_cents, out_cents)
        assert c.opening_cents + c.in_cents - c.out_cents == c.expected_cents
        assert c.counted_cents == c.expected_cents + c.difference_cents
        pieces = dict(p.split(":") for p in c.counts.split(","))
        assert sum(int(v) * int(n) for v, n in pieces.items()) == c.counted_cents
        assert [int(v) for v in pieces] == list(closing.DENOMINATIONS)
        running = c.counted_cents
        assert c.summary and '"visits"' in c.summary
    # The box never goes below zero, entry by entry; receipts are numbered per year without gaps.
    balance, numbers = 0, defaultdict(list)
    for e in sorted(entries, key=lambda e: (e.entry_date, e.id)):
        balance += e.amount_cents if e.direction == "in" else -e.amount_cents
        assert balance >= 0
        numbers[e.receipt_year].append(e.receipt_no)
    assert all(n == list(range(1, len(n) + 1)) for n in numbers.values())
    assert balance == cash.balance()
    assert chain.verify_chain() == []
    assert all(f.ok for f in run_check())
    report = closing_report.report_text(closings[-1].id)
    assert "sha256" in report


def test_demo_cash_is_deterministic_and_passes_hledger(demo_book, tmp_path):
    path = tmp_path / "demo.journal"
    cash_export.export("journal", path)
    result = hledger("-f", str(path), "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert hledger_balances(path, "assets:kas")["assets:kas"] == cash.balance()
    fingerprint = [(e.entry_date, e.amount_cents, e.description) for e in CashEntry.select().order_by(CashEntry.id)]
    hashes = [c.hash for c in CashClosing.select().order_by(CashClosing.id)]
    from bwk_tui.services.room import open_ready

    open_ready(str(tmp_path / "again.sqlite3"))
    demo.build_demo(seed=5, scale="small", now=NOW)
    assert fingerprint == [(e.entry_date, e.amount_cents, e.description)
                           for e in CashEntry.select().order_by(CashEntry.id)]
    assert hashes == [c.hash for c in CashClosing.select().order_by(CashClosing.id)]


def test_the_demo_day_can_be_closed_by_its_coordinator(demo_book, clock, monkeypatch):
    """Today is open: the demo coordinator closes it with the service, and the chain holds."""
    from bwk_tui.services.room import auth

    clock.day = dt.date(2026, 11, 25)
    monkeypatch.setattr("bwk_tui.services.closing.closing.visits.who_is_in", lambda *a, **k: [])
    boss = auth.login(demo_book.coordinator_name, demo_book.coordinator_pin)
    draft = closing.draft(boss)
    assert draft.earlier_open_day is None and draft.totals.opening_cents == CashClosing.select().order_by(
        CashClosing.day.desc()).first().counted_cents
    expected = draft.totals.expected_cents
    counts = {5: expected % 100 // 5, 100: expected // 100}
    closing.close(boss, counts, "", demo_book.coordinator_pin)
    assert chain.verify_chain() == []
