"""`bwk cash export`: the cash book as CSV or as an hledger journal.

Both formats are made from integer cents: an amount is written as a decimal string
("12.50") by integer arithmetic, never through a float.

- **csv**: one row per entry, UTF-8 with a header row, for spreadsheets and scripts.
- **journal**: hledger's journal format. Every entry is a transaction between
  ``assets:kas`` and ``income:<category>`` or ``expenses:<category>``; a reversal posts to
  the account of the entry it corrects. After every closed day a transaction asserts
  the balance of ``assets:kas`` equals that closing's counted amount, so
  ``hledger check`` proves the export agrees with the closings.

A file is written to a temporary file beside it and then moved into place: a failed
export never leaves a partial file.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from peewee import JOIN

from db.models import Account, CashCategory, CashClosing, CashEntry, Room

from bwk_tui.i18n import current_language
from bwk_tui.services.kernel import files
from bwk_tui.services.kernel.tables import safe_row
from bwk_tui.services import room as room_service
from bwk_tui.services.cash.cash import IN, OUT, receipt_label
from bwk_tui.services.kernel.money import decimal

FORMATS = ("csv", "journal")
COMMODITY = "EUR"
CASH_ACCOUNT = "assets:kas"
CSV_HEADER = ("date", "receipt", "direction", "category", "description", "amount", "entered_by", "reverses",
              "closed")


@dataclasses.dataclass(frozen=True)
class Row:
    id: int
    entry_date: dt.date
    direction: str
    amount_cents: int
    category_code: str
    category: str
    category_direction: str
    description: str
    receipt: str
    entered_by: str
    reverses_receipt: str  # "" unless this entry is a reversal
    reverses_direction: str  # the corrected entry's direction, "" unless a reversal
    closed: bool


def _room_id(room_id: int | None) -> int:
    return room_id or room_service.current_room_id()


def closed_days(room_id: int) -> dict[dt.date, int]:
    """Every closed day of the room with its counted amount."""
    return dict(CashClosing.select(CashClosing.day, CashClosing.counted_cents)
                .where(CashClosing.room == room_id).tuples())


def rows(room_id: int | None = None) -> Iterator[Row]:
    """The room's entries in date order (booking order within a day), streamed."""
    room_id = _room_id(room_id)
    closed = closed_days(room_id)
    english = current_language() == "en"
    writer = Account.alias()
    original = CashEntry.alias()
    query = (CashEntry.select(CashEntry.id, CashEntry.entry_date, CashEntry.direction, CashEntry.amount_cents,
                              CashCategory.code, CashCategory.name_en if english else CashCategory.name_nl,
                              CashCategory.direction, CashEntry.description, CashEntry.receipt_year,
                              CashEntry.receipt_no, writer.name, original.receipt_year, original.receipt_no,
                              original.direction)
             .join(CashCategory).switch(CashEntry)
             .join(writer, on=(CashEntry.entered_by == writer.id)).switch(CashEntry)
             .join(original, JOIN.LEFT_OUTER, on=(CashEntry.reverses == original.id))
             .where(CashEntry.room == room_id)
             .order_by(CashEntry.entry_date, CashEntry.id))
    for (entry_id, day, direction, cents, code, name, category_direction, description, year, number, writer_name,
         o_year, o_number, o_direction) in query.tuples().iterator():
        if isinstance(day, str):  # SQLite hands back dates as text in raw tuples of some queries
            day = dt.date.fromisoformat(day)
        yield Row(entry_id, day, direction, int(cents), code, name, category_direction, description or "",
                  receipt_label(year, number), writer_name or "",
                  receipt_label(o_year, o_number) if o_year is not None else "", o_direction or "",
                  day in closed)


# --- csv -----------------------------------------------------------------------------------


def write_csv(out: TextIO, room_id: int | None = None) -> int:
    """One row per entry; returns the number of entries written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    count = 0
    for row in rows(room_id):
        writer.writerow(safe_row((row.entry_date.isoformat(), row.receipt, row.direction, row.category,
                                  row.description, decimal(row.amount_cents), row.entered_by,
                                  row.reverses_receipt, "yes" if row.closed else "no")))
        count += 1
    return count


# --- journal -------------------------------------------------------------------------------


def account_part(name: str) -> str:
    """A category name as one hledger account name component: ``bijdrage koffie/thee`` ->
    ``bijdrage-koffie-thee`` (no colons, no spaces, no accents, nothing hledger reads as syntax)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "-", plain).strip("-") or "overig"


def _category_accounts() -> dict[str, str]:
    """Category code -> the account-safe part, unique over all categories."""
    parts: dict[str, str] = {}
    taken: set[str] = set()
    for code, name in CashCategory.select(CashCategory.code, CashCategory.name_nl).order_by(
            CashCategory.sort, CashCategory.id).tuples():
        part = account_part(name)
        if part in taken:
            part = f"{part}-{account_part(code)}"
        taken.add(part)
        parts[code] = part
    return parts


def category_account(parts: dict[str, str], row: Row) -> str:
    """Income categories post to income:, expense categories to expenses:. A category used both
    ways (kasverschil) goes by direction; a reversal always posts to the account of its original."""
    if row.category_direction in (IN, OUT):
        way = row.category_direction
    else:
        way = row.reverses_direction or row.direction
    return f"{'income' if way == IN else 'expenses'}:{parts[row.category_code]}"


def _text(value: str) -> str:
    """One line of description: no newline, and no ';' (which starts a comment in a journal)."""
    return " ".join(value.replace(";", ",").split())


def _amount(cents: int) -> str:
    return f"{COMMODITY} {decimal(cents)}"


def _posting(account: str, amount: str, assertion: str = "") -> str:
    line = f"    {account:<40}  {amount:>14}"
    return f"{line} = {assertion}" if assertion else line


def write_journal(out: TextIO, room_id: int | None = None) -> int:
    """The hledger journal; returns the number of entries written."""
    room_id = _room_id(room_id)
    room_name = Room.get_by_id(room_id).name
    closed = closed_days(room_id)
    parts = _category_accounts()
    w = out.write
    w(f"; bwk kasboek / cash book: {_text(room_name)}\n")
    w("; Elke boeking is een transactie; na elke afgesloten dag een saldocontrole op assets:kas.\n")
    w("; Every entry is a transaction; after every closed day a balance assertion on assets:kas.\n\n")
    w(f"commodity {COMMODITY} 1000.00\n\n")
    w(f"account {CASH_ACCOUNT}\n")
    for code, name, direction in CashCategory.select(CashCategory.code, CashCategory.name_nl,
                                                     CashCategory.direction).order_by(
            CashCategory.sort, CashCategory.id).tuples():
        ways = ("income", "expenses") if direction == "both" else (
            ("income",) if direction == IN else ("expenses",))
        for way in ways:
            w(f"account {f'{way}:{parts[code]}':<44}  ; {_text(name)}\n")
    w("\n")

    count = 0
    closed_days_left = sorted(closed)
    pending = 0  # index into closed_days_left: the next closed day still to assert

    def assert_through(day: dt.date | None) -> None:
        """Balance assertions for every closed day before ``day`` (all of them when None)."""
        nonlocal pending
        while pending < len(closed_days_left) and (day is None or closed_days_left[pending] < day):
            closed_day = closed_days_left[pending]
            counted = closed[closed_day]
            w(f"{closed_day.isoformat()} * dagafsluiting / day closing\n")
            w(_posting(CASH_ACCOUNT, _amount(0), _amount(counted)) + "\n\n")
            pending += 1

    for row in rows(room_id):
        assert_through(row.entry_date)
        status = "*" if row.closed else "!"
        description = _text(row.description) or _text(row.category)
        w(f"{row.entry_date.isoformat()} {status} ({row.receipt}) {description}\n")
        note = f"    ; door: {_text(row.entered_by)}, categorie: {_text(row.category)}"
        if row.reverses_receipt:
            note += f", corrigeert bon {row.reverses_receipt}"
        w(note + "\n")
        signed = row.amount_cents if row.direction == IN else -row.amount_cents
        w(_posting(CASH_ACCOUNT, _amount(signed)) + "\n")
        w(_posting(category_account(parts, row), _amount(-signed)) + "\n\n")
        count += 1
    assert_through(None)
    return count


# --- writing -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Exported:
    format: str
    entries: int
    path: Path | None  # None: written to the given stream


def export(fmt: str, out: str | os.PathLike | None = None, stream: TextIO | None = None,
           room_id: int | None = None) -> Exported:
    """Write the export to ``out`` (atomically) or, without ``out``, to ``stream``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    writer: Callable[[TextIO, int | None], int] = write_csv if fmt == "csv" else write_journal
    room_id = _room_id(room_id)
    if out is None:
        if stream is None:
            raise ValueError("give a file or a stream")
        return Exported(fmt, writer(stream, room_id), None)
    path = Path(out)

    def write(temporary: str) -> int:
        with open(temporary, "w", encoding="utf-8", newline="") as file:
            count = writer(file, room_id)
            file.flush()
            os.fsync(file.fileno())
        return count

    count = files.write_atomically(path, write)
    return Exported(fmt, count, path)
