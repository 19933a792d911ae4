"""Tables as text, one way for every export and print: csv for other tools, ``table`` (aligned
columns, tabulate) for a terminal or a wall, ``md`` (a Markdown pipe table) for a document."""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

TEXT_FORMATS = ("table", "csv", "md")

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...), -2+3,
# @SUM(...)); tab and carriage return are read as such a start by some programs too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number (the program's own "-5.00", "-1.250,50") runs nothing and must stay a number.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")


def safe_cell(value):
    """``value`` for a csv or xlsx cell: text that a spreadsheet would run as a formula gets a
    single quote in front (the usual guard, shown by a spreadsheet as typed); numbers, and text
    that is only a number such as a negative amount, stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """``header`` and ``rows`` as csv (``\\n`` line ends), as other tools read it; no cell starts a
    formula (safe_cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return buffer.getvalue()


def excel_csv_text(preamble: Iterable[Sequence], header: Sequence, rows: Iterable[Sequence]) -> str:
    """csv as Dutch Excel opens it: ``;`` between cells (Excel in a Dutch locale splits on it, and
    decimal commas then stay numbers), some lines about the table first; no cell starts a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows(safe_row(row) for row in preamble)
    writer.writerow([])
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return buffer.getvalue()


BOM = "\ufeff"  # so that Excel reads a csv file as UTF-8 (€, ë)


def text_table(headers: Sequence[str], rows: Iterable[Sequence], fmt: str = "table",
               colalign: Sequence[str] | None = None) -> str:
    """Aligned columns (``table``) or a Markdown pipe table (``md``); cells are shown as given
    (no number parsing: "0012" and "1.250" stay as they are)."""
    from tabulate import tabulate  # slow to import; only pay when printing

    if fmt not in ("table", "md"):
        raise ValueError(f"not a text table format: {fmt!r}")
    return tabulate(list(rows), headers=list(headers), tablefmt="pipe" if fmt == "md" else "simple",
                    colalign=tuple(colalign) if colalign else None, disable_numparse=True)


def heading(title: str, fmt: str) -> str:
    """A title line: ``# title`` in Markdown, the plain title otherwise."""
    return f"# {title}" if fmt == "md" else title
