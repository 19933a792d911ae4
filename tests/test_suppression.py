"""Secondary suppression (issue 13): no hidden count can be worked out from the other figures of the
same export, and an export covers whole months, so two exports a day apart cannot be subtracted."""
from __future__ import annotations

import datetime as dt

import pytest

from bwk_tui.i18n import t
from bwk_tui.services.kernel.clock import Period, parse_period
from bwk_tui.services.kernel.errors import UsageError
from bwk_tui.services.reports import report_export, suppression
from bwk_tui.services.reports.reports import SMALL, Report, Row, Section


def _report(reach=(34, 20, 50, 0, 3, 31), pc4=(("1101", 2), ("1102", 8), ("1103", 10)),
            domains=((19, 40),), referrals=()) -> Report:
    labels = ("reports.persons", "reports.households", "reports.visits", "reports.walk_ins",
              "reports.new_persons", "reports.returning_persons")
    sections = [Section(t("reports.sec_reach"), [Row(t(k), v, 0) for k, v in zip(labels, reach)]),
                Section(t("reports.sec_domains"), [r for n, (h, v) in enumerate(domains) for r in (
                    Row(t("reports.domain_households", domain=f"d{n}"), h, 0),
                    Row(t("reports.domain_visits", domain=f"d{n}"), v, 0))]),
                Section(t("reports.sec_pc4"), [Row(code, v, 0) for code, v in pc4]),
                Section(t("reports.sec_referrals"), [Row(name, v, 0) for name, v in referrals]),
                Section(t("reports.sec_cash"), [Row("kas", 3, 3, money=True, count=False)])]
    period = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30), "2026-09")
    return Report("De Kameleon", period, period.year_earlier(), sections)


def _shown(report: Report) -> dict[str, object]:
    protected = suppression.protect(report)
    return {f"{s.title}/{row.label}": protected[i, r, 0]
            for i, s in enumerate(report.sections) for r, row in enumerate(s.rows)}


def test_a_complement_is_hidden_too_new_is_total_minus_returning():
    shown = _shown(_report())
    reach = t("reports.sec_reach")
    assert shown[f"{reach}/{t('reports.new_persons')}"] == "<5"
    assert shown[f"{reach}/{t('reports.returning_persons')}"] == "•"  # 34 - 31 would give 3
    assert shown[f"{reach}/{t('reports.persons')}"] == 34
    csv = report_export.render(_report(), "csv", True)
    assert ",31," not in csv and "•" in csv and "<5" in csv
    assert suppression.footnote() in csv and suppression.footnote() in report_export.render(_report(), "md", True)


def test_the_last_cell_of_a_breakdown_is_protected_by_hiding_the_next_smallest():
    shown = _shown(_report())
    pc4 = t("reports.sec_pc4")
    assert (shown[f"{pc4}/1101"], shown[f"{pc4}/1102"], shown[f"{pc4}/1103"]) == ("<5", "•", 10)


def test_a_category_next_to_its_total_is_hidden_when_the_rest_is_small():
    shown = _shown(_report(domains=((19, 40), (8, 47)), referrals=(("Wijkteam", 46), ("Voedselbank", 30))))
    domains, referrals = t("reports.sec_domains"), t("reports.sec_referrals")
    assert shown[f"{domains}/{t('reports.domain_households', domain='d0')}"] == "•"  # 20 - 19 = 1 household
    assert shown[f"{domains}/{t('reports.domain_visits', domain='d1')}"] == "•"  # 50 - 47 = 3 visits
    assert shown[f"{domains}/{t('reports.domain_households', domain='d1')}"] == 8
    assert shown[f"{referrals}/Wijkteam"] == "•" and shown[f"{referrals}/Voedselbank"] == 30


def test_money_is_never_hidden_and_suppression_can_be_off():
    report = _report()
    protected = suppression.protect(report, enabled=False)
    assert "<5" not in protected.values() and "•" not in protected.values()
    from bwk_tui.services.kernel.money import money

    assert money(3) in report_export.render(report, "table", True)


def _derivable(report: Report, protected: dict, column: int) -> list:
    """Every hidden cell a reader can work out by adding and subtracting within the report."""
    values = {(s, r): (row.value if column == 0 else row.previous)
              for s, section in enumerate(report.sections) for r, row in enumerate(section.rows)}
    hidden = {cell for cell in values if protected[cell[0], cell[1], column] in ("<5", "•")}
    found = []
    for group in suppression.groups(report):
        if group.total in hidden:
            continue
        unknown = [p for p in group.parts if p in hidden]
        total, part_sum = values[group.total], sum(values[p] for p in group.parts)
        if not group.rest_hidden and part_sum == total and len(unknown) == 1:
            found.append(unknown)
        if group.rest_hidden and part_sum <= total and not unknown and (total - part_sum) in SMALL:
            found.append(("rest", group.total))
    return found


def test_no_hidden_count_can_be_worked_out_in_any_monthly_export_of_the_demo(demo_copy, coordinator_of):
    from bwk_tui.services.reports import reports

    demo_copy(7, "small")
    boss = coordinator_of()
    today = dt.date.today()
    hidden_seen = 0
    for back in range(13):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        report = reports.build_report(boss, parse_period(f"{year}-{month + 1:02d}"))
        protected = suppression.protect(report)
        hidden_seen += sum(1 for v in protected.values() if v in ("<5", "•"))
        assert _derivable(report, protected, 0) == [] and _derivable(report, protected, 1) == []
        # Without the secondary suppression a reader could (the test would see it):
        primary_only = {k: ("<5" if v == "•" else v) for k, v in protected.items()}
        primary_only = {k: (report.sections[k[0]].rows[k[1]].value if k[2] == 0 else
                            report.sections[k[0]].rows[k[1]].previous) if v == "<5" and
                        (report.sections[k[0]].rows[k[1]].value if k[2] == 0 else
                         report.sections[k[0]].rows[k[1]].previous) not in SMALL else v
                        for k, v in primary_only.items()}
        if any(v == "•" for v in protected.values()):
            assert _derivable(report, primary_only, 0) or _derivable(report, primary_only, 1)
    assert hidden_seen > 0


def test_differencing_two_exports_a_day_apart_fails_the_short_one_is_refused(sqlite_room, clock, coby_pin, capsys):
    from bwk_tui.cli import main
    from db import database

    url = database.obj.database
    code = main(["--db", url, "report", "--from", "2026-05-01", "--to", "2026-05-03", "--format", "csv",
                 "--as", "Coby", "--pin-stdin"])
    assert code == 2 and "hele maanden" in capsys.readouterr().err
    assert main(["--db", url, "report", "--from", "2026-05-01", "--to", "2026-05-31", "--format", "csv",
                 "--as", "Coby", "--pin-stdin"]) == 0
    with pytest.raises(UsageError):
        suppression.require_whole_months(Period(dt.date(2026, 5, 2), dt.date(2026, 5, 31), "x"))
    suppression.require_whole_months(parse_period("2026-Q1"))
    suppression.require_whole_months(Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28), "x"))


def test_report_suppress_small_cannot_go_below_5_and_its_change_is_audited(sqlite_room, coby_pin, capsys):
    from bwk_tui.cli import main
    from db import database
    from db.models import AuditLog

    url = database.obj.database
    assert main(["--db", url, "settings", "report_suppress_small", "3", "--as", "Coby", "--pin-stdin"]) == 1
    assert "5" in capsys.readouterr().err
    assert main(["--db", url, "settings", "report_suppress_small", "8", "--as", "Coby", "--pin-stdin"]) == 0
    assert AuditLog.select().where(AuditLog.action == "setting.change",
                                   AuditLog.detail.contains("report_suppress_small")).exists()
    assert suppression.threshold() == 8
    from tests.test_report_export import REPORT

    assert "<8" in report_export.render(REPORT, "csv")


def test_without_a_period_an_export_covers_the_months_that_have_ended(clock):
    clock.day = dt.date(2026, 6, 10)
    found = suppression.export_period(None, None, None)
    assert (found.start, found.end) == (dt.date(2026, 1, 1), dt.date(2026, 5, 31))
    clock.day = dt.date(2027, 1, 4)
    found = suppression.export_period(None, None, None)
    assert (found.start, found.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(UsageError):
        suppression.export_period(None, "2026-01-01", None)  # --to defaults to today: not a whole month


def test_household_sizes_and_age_bands_are_protected_like_the_other_breakdowns():
    # persons 34 = 3 + 10 + 15 + 6 + 0 by age; households 20 = 12 + 6 + 2 + 0 + 0 by size.
    report = _report()
    sizes = Section(t("reports.sec_household_sizes"), [
        Row(t(f"reports.size.{band}"), v, 0) for band, v in zip(("1", "2", "3-4", "5+", "unknown"), (12, 6, 2, 0, 0))])
    ages = Section(t("reports.sec_age_bands"), [
        Row(t(f"reports.age.{band}"), v, 0) for band, v in zip(("<18", "18-26", "27-66", "67+", "unknown"),
                                                                 (3, 10, 15, 6, 0))])
    report = Report(report.room, report.period, report.previous, [*report.sections, sizes, ages])
    shown = _shown(report)
    s, a = t("reports.sec_household_sizes"), t("reports.sec_age_bands")
    assert [shown[f"{s}/{row.label}"] for row in sizes.rows] == [12, "•", "<5", 0, 0]  # 20 - 12 would give 2
    assert [shown[f"{a}/{row.label}"] for row in ages.rows] == ["<5", 10, 15, "•", 0]  # 34 - 31 would give 3
    csv = report_export.render(report, "csv", True)
    assert "Huishoudens naar grootte" in csv and "Personen naar leeftijd" in csv
    # without these sections in the relations, 6 and 6 would be shown and 3 and 2 derivable
    assert all(v != 6 for k, v in shown.items() if k.startswith((s, a)))
