"""Exports of the funders' report and `bwk report`: formats, suppression of small counts, files, errors."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from bwk_tui.cli import main
from bwk_tui.services.reports import report_export
from bwk_tui.services.reports import reports
from bwk_tui.services.kernel import clock

AS_COBY = ("--as", "Coby", "--pin-stdin")  # with the coby_pin fixture: Coby's PIN on stdin

PERIOD = clock.parse_period("2026-Q1")
REPORT = reports.Report("De Kameleon", PERIOD, PERIOD.year_earlier(), [
    reports.Section("Bereik", [reports.Row("Unieke huishoudens", 412, 3), reports.Row("Bezoeken", 4, 0)]),
    reports.Section("Vrijwilligers", [reports.Row("Actief", 12, 11)], note="De uren komen met het rooster."),
    reports.Section("Koppelingen", [], note="Komen met de koppelingen."),
    reports.Section("Kas", [reports.Row("koffie — ontvangen", 123450, 2, money=True, count=False)]),
])


def excel_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_parses_and_suppresses_small_counts():
    rows = excel_rows(report_export.render(REPORT, "csv", suppress_small=True))
    # The room and the period first, then the table.
    assert rows[0] == ["Buurtwerkkamer", "De Kameleon"]
    assert rows[1][:2] == ["Periode", "2026-Q1"] and rows[2][:2] == ["Vergeleken met", "2025-Q1"]
    header = rows.index([]) + 1
    assert rows[header][2:] == ["2026-Q1", "2025-Q1"]
    assert ["Bereik", "Unieke huishoudens", "412", "<5"] in rows
    assert ["Bereik", "Bezoeken", "<5", "0"] in rows  # zero is not a small count
    assert ["Kas", "koffie — ontvangen", "1234,50", "0,02"] in rows  # money is never hidden; decimal commas
    assert ["Koppelingen", "Komen met de koppelingen.", "", ""] in rows


def test_a_csv_file_has_a_bom_for_excel(tmp_path):
    path = report_export.write(REPORT, "csv", tmp_path / "r.csv", suppress_small=True)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8")) and b";" in raw
    assert ["Kas", "koffie — ontvangen", "1234,50", "0,02"] in excel_rows(raw.decode("utf-8"))


def test_suppression_can_be_switched_off():
    rows = excel_rows(report_export.render(REPORT, "csv", suppress_small=False))
    assert ["Bereik", "Unieke huishoudens", "412", "3"] in rows
    assert "<5" not in report_export.render(REPORT, "table", suppress_small=False)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_table_and_markdown_hold_the_figures(fmt):
    text = report_export.render(REPORT, fmt, suppress_small=True)
    assert "De Kameleon" in text and "2026-Q1" in text and "2025-Q1" in text
    assert "412" in text and "<5" in text and "1.234,50" in text
    assert "De uren komen met het rooster." in text
    if fmt == "md":
        assert "|" in text and text.startswith("# ")


def test_setting_decides_by_default_and_never_below_5(sqlite_room):
    from bwk_tui.services.room import settings

    assert "<5" in report_export.render(REPORT, "csv")
    settings.put("report_suppress_small", "0")  # an old database's "off": an export still hides (issue 13)
    assert "<5" in report_export.render(REPORT, "csv")
    settings.put("report_suppress_small", "10")  # stricter is allowed
    assert "<10" in report_export.render(REPORT, "csv")


def test_xlsx_opens_with_the_numbers(tmp_path):
    from openpyxl import load_workbook

    path = report_export.write_xlsx(REPORT, tmp_path / "r.xlsx", suppress_small=True)
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Bereik", "Unieke huishoudens", 412, "<5"] in values
    money = next(row for row in sheet.iter_rows() if row[1].value == "koffie — ontvangen")
    assert Decimal(str(money[2].value)) == Decimal("1234.50") and "€" in money[2].number_format
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary file left


def test_unwritable_path_leaves_nothing(tmp_path):
    from bwk_tui.services.kernel.errors import BwkError

    target = tmp_path / "missing" / "r.csv"
    with pytest.raises(BwkError):
        report_export.write(REPORT, "csv", target)
    assert not target.parent.exists()
    # A file where a folder should be: refused even for root, and nothing is left anywhere.
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(BwkError):
        report_export.write(REPORT, "xlsx", not_a_folder / "r.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def desk(sqlite_room, sqlite_url):
    """The test room with one visit on 2 February 2026."""
    from db.models import Account, Person, Visit

    from bwk_tui.services import room

    person = Person.create(first_name="Ann", search_key="ann", created_at=dt.datetime(2026, 1, 1))
    day = dt.date(2026, 2, 2)
    Visit.create(person=person, room=room.current_room_id(), visit_date=day,
                 arrived_at=dt.datetime(2026, 2, 2, 11), recorded_by=Account.get(Account.name == "Coby"))
    return sqlite_url


def test_cli_prints_the_report(desk, coby_pin, capsys):
    assert main(["--db", desk, "report", "--period", "2026-Q1", "--format", "csv", *AS_COBY]) == 0
    rows = excel_rows(capsys.readouterr().out)
    assert ["Bereik", "Bezoeken", "<5", "0"] in rows


def test_cli_writes_files(desk, coby_pin, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["--db", desk, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "md",
                 "--out", str(out), *AS_COBY]) == 0
    assert "Bezoeken" in out.read_text(encoding="utf-8")
    book = tmp_path / "r.xlsx"
    assert main(["--db", desk, "report", "--period", "2026-Q1", "--format", "xlsx", "--out", str(book), *AS_COBY]) == 0
    from openpyxl import load_workbook

    assert load_workbook(book).active["A1"].value.startswith("De Kameleon")


@pytest.mark.parametrize("argv", [
    ["--period", "2026-Q5"],
    ["--period", "kwartaal"],
    ["--from", "2026-05-01", "--to", "2026-01-01"],
    ["--from", "1-5-2026"],
    ["--period", "2026", "--from", "2026-01-01"],
    ["--period", "2026-Q1", "--format", "xlsx"],
])
def test_cli_usage_errors_exit_2(desk, argv, capsys):
    assert main(["--db", desk, "report", *argv]) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_cli_unwritable_out_exits_1(desk, coby_pin, tmp_path, capsys):
    target = tmp_path / "nowhere" / "r.xlsx"
    assert main(["--db", desk, "report", "--period", "2026-Q1", "--format", "xlsx", "--out", str(target), *AS_COBY]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not target.exists() and not target.parent.exists()
