"""Issue 11: csv and xlsx exports never hand a spreadsheet a formula typed by a person, and the
program's own numbers (a negative amount "-5.00") stay numbers."""
from __future__ import annotations

import csv
import io

import pytest

from bwk_tui.services.kernel import tables


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x","klik")', "+31 6 1234", "-2+3", "@SUM(A1)",
                                   "\t=1", "-", "=", "-5 euro terug"])
def test_text_that_a_spreadsheet_would_run_gets_a_quote(typed):
    assert tables.safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", ["-5.00", "-1.250,50", "+3", "12", "Koffie", "", "a=b", 5, -5, None])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert tables.safe_cell(value) == value


def test_csv_text_guards_every_cell():
    text = tables.csv_text(["=kop"], [["=1+1", "-5.00", -7]])
    assert list(csv.reader(io.StringIO(text))) == [["'=kop"], ["'=1+1", "-5.00", "-7"]]


def test_the_xlsx_report_holds_no_formula(room, tmp_path):
    from openpyxl import load_workbook

    from bwk_tui.services.kernel.clock import parse_period
    from bwk_tui.services.reports import report_export, reports
    import dataclasses

    report = reports.build_report(room["coordinator"], parse_period("2026-Q1"))
    # A row label as a person could have typed it (a help domain or cash category name).
    first = report.sections[0]
    hostile = dataclasses.replace(first.rows[0], label='=HYPERLINK("http://x","klik")')
    report = dataclasses.replace(report, sections=[dataclasses.replace(first, rows=[hostile, *first.rows[1:]]),
                                                   *report.sections[1:]])
    path = report_export.write(report, "xlsx", tmp_path / "r.xlsx")
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") for c in cells)
