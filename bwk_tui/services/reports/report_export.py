"""`bwk report` exports: the funders' report as a table, CSV, Markdown or an Excel workbook.

Every export shows counts of 1 to 4 as ``<5`` (setting ``report_suppress_small``; see
``reports.suppress``) so that no resident can be recognised; money is never hidden.
Money is written from integer cents: ``12,50`` in CSV (``;`` between cells, as Dutch Excel
opens it; a file gets a BOM; the csv starts with the room and the period), ``€ 12,50`` in the table and
Markdown, a number with a euro format in the workbook. A file is written to a temporary
file beside it and then moved into place: a failed export never leaves a partial file.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from bwk_tui.i18n import t
from bwk_tui.services.kernel import files, tables
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel.money import decimal
from bwk_tui.services.kernel.errors import UsageError
from bwk_tui.services.reports import suppression
from bwk_tui.services.reports.reports import Report, Row

FORMATS = ("table", "csv", "md", "xlsx")
TEXT_FORMATS = tables.TEXT_FORMATS
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'


def title(report: Report) -> str:
    text = t("reports.xlsx_title", room=report.room, period=report.period.label, previous=report.previous.label,
             start=report.period.start.isoformat(), end=report.period.end.isoformat())
    return text + "".join(f" · {note}" for note in report.notes)


def comma_decimal(cents: int) -> str:
    """``1234.50`` as Dutch Excel reads a number: ``1234,50`` (no thousands separator)."""
    return decimal(cents).replace(".", ",")


def preamble(report: Report) -> list[list[str]]:
    """What a csv starts with: the room, the period, what it is compared with, and the notes."""
    rows = [[t("reports.csv_room"), report.room],
            [t("reports.csv_period"), report.period.label, report.period.start.isoformat(),
             report.period.end.isoformat()],
            [t("reports.csv_previous"), report.previous.label, report.previous.start.isoformat(),
             report.previous.end.isoformat()]]
    return rows + [[t("reports.csv_note"), note] for note in report.notes]


def headers(report: Report) -> list[str]:
    return [t("reports.col_section"), t("reports.col_label"), report.period.label, report.previous.label]


def _suppress_enabled(enabled: bool | None) -> bool:
    # An export leaves the room: small counts are always hidden (issue 13); only a caller inside
    # the room (a test, the exact figures of F6) passes False.
    return True if enabled is None else enabled


def _small_below(suppress_small: bool | None) -> int:
    """The room's setting (never below 5) when the caller did not decide, else 5."""
    return suppression.threshold() if suppress_small is None else suppression.LOWEST


def lines(report: Report, money: Callable[[int], object], enabled: bool,
          small_below: int = suppression.LOWEST) -> Iterator[list]:
    """(section, label, period, previous) per row; a section's note is a row without figures."""
    shown = suppression.protect(report, enabled, small_below)
    for s, section in enumerate(report.sections):
        if section.note:
            yield [section.title, section.note, "", ""]
        for r, row in enumerate(section.rows):
            yield [section.title, row.label, _cell(row, row.value, money, shown[s, r, 0]),
                   _cell(row, row.previous, money, shown[s, r, 1])]
    if enabled:
        yield ["", suppression.footnote(small_below), "", ""]


def _cell(row: Row, value: int, money: Callable[[int], object], shown):
    """Money from cents; a count as ``suppression.protect`` shows it (the figure, <5 or •)."""
    if row.money:
        return money(value)
    return shown


def render(report: Report, fmt: str, suppress_small: bool | None = None) -> str:
    """The report as text: ``table`` (aligned columns), ``csv`` or ``md`` (a Markdown pipe table)."""
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"not a text format: {fmt!r}")
    enabled, small_below = _suppress_enabled(suppress_small), _small_below(suppress_small)
    if fmt == "csv":
        return tables.excel_csv_text(preamble(report), headers(report),
                                     lines(report, comma_decimal, enabled, small_below))

    # A section's name once, on its first line; its note below the table.
    shown = []
    protected = suppression.protect(report, enabled, small_below)
    for s, section in enumerate(report.sections):
        for n, row in enumerate(section.rows):
            shown.append(["" if n else section.title, row.label,
                          _cell(row, row.value, money, protected[s, n, 0]),
                          _cell(row, row.previous, money, protected[s, n, 1])])
    table = tables.text_table(headers(report), shown, fmt, colalign=("left", "left", "right", "right"))
    bullet = "- " if fmt == "md" else ""
    notes = [f"{bullet}{section.title}: {section.note}" for section in report.sections if section.note]
    notes += [f"{bullet}{suppression.footnote(small_below)}"] if enabled else []
    text = f"{tables.heading(title(report), fmt)}\n\n{table}\n"
    return text + ("\n" + "\n".join(notes) + "\n" if notes else "")


def fill_workbook(report: Report, suppress_small: bool | None = None):
    """An openpyxl workbook: a title line, then section, label, period, previous per row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    enabled, small_below = _suppress_enabled(suppress_small), _small_below(suppress_small)
    book = Workbook()
    sheet = book.active
    sheet.title = t("reports.xlsx_sheet")

    def put(row) -> None:  # a name typed as "=HYPERLINK(...)" must not become a formula
        sheet.append(tables.safe_row(row))

    put([title(report)])
    sheet["A1"].font = Font(bold=True)
    put([])
    put(headers(report))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    protected = suppression.protect(report, enabled, small_below)
    for s, section in enumerate(report.sections):
        if section.note:
            put([section.title, section.note])
        for r, row in enumerate(section.rows):
            if row.money:  # a number of euros, made exactly from cents
                put([section.title, row.label, Decimal(row.value).scaleb(-2),
                              Decimal(row.previous).scaleb(-2)])
                for cell in sheet[sheet.max_row][2:4]:
                    cell.number_format = EURO_FORMAT
            else:
                put([section.title, row.label, protected[s, r, 0], protected[s, r, 1]])
    if enabled:
        put([suppression.footnote(small_below)])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 16
    return book


def write_xlsx(report: Report, path: str | os.PathLike, suppress_small: bool | None = None) -> Path:
    path = Path(path)
    book = fill_workbook(report, suppress_small)
    files.write_atomically(path, lambda temporary: book.save(temporary))
    return path


def write(report: Report, fmt: str, path: str | os.PathLike, suppress_small: bool | None = None) -> Path:
    """The export in ``fmt`` to ``path`` (atomically)."""
    if fmt == "xlsx":
        return write_xlsx(report, path, suppress_small)
    text = render(report, fmt, suppress_small)
    return files.write_text(tables.BOM + text if fmt == "csv" else text, path)  # a BOM for Excel


EXPORTS_FOLDER = "exports"


def exports_dir() -> Path:
    """``exports/`` beside the database (as ``afsluitingen/`` and ``vergoedingen/``), made when missing."""
    from bwk_tui.services import room

    return files.make_folder(room.beside_database(EXPORTS_FOLDER))


def export_path(report: Report, fmt: str, folder: Path) -> Path:
    """``exports/rapport-2026-10-01-2026-12-31.xlsx``: the period in the name, so two periods never collide."""
    return folder / f"rapport-{report.period.start.isoformat()}-{report.period.end.isoformat()}.{fmt}"


def write_export(report: Report, fmt: str) -> Path:
    """F6's own export: ``fmt`` (xlsx or csv) into ``exports/`` beside the database, mode 0600, atomically."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"F6 writes xlsx or csv, not {fmt!r}")
    return write(report, fmt, export_path(report, fmt, exports_dir()))


def check_format(fmt: str, out: str | None) -> None:
    """An xlsx workbook needs a file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    if fmt == "xlsx" and not out:
        raise UsageError("error.report_xlsx_needs_out")
