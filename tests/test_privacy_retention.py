"""Retention (issue 13): who goes after ``retention_months``, old notes after ``note_retention_months``,
as one step of the day's closing (the closing report says so) and as `bwk privacy retention`."""
from __future__ import annotations

import datetime as dt

from db.models import AuditLog, HelpDomain, Person, Visit

from bwk_tui.services.closing import closing
from bwk_tui.services.kernel.text import FORGOTTEN_NAME
from bwk_tui.services.privacy import retention
from bwk_tui.services.visitors import persons, visits


def _person(boss, name: str, clock, visit_day: dt.date | None, note: str = "", follow_up: str = "") -> int:
    today = clock.day
    if visit_day is not None:
        clock.day = visit_day
    p = persons.register(boss, persons.PersonForm(first_name=name, pc4="1102", consent=True))
    if visit_day is not None:
        domain = HelpDomain.get(HelpDomain.code == "koffie").id
        v = visits.check_in(boss, p.id, visits.VisitForm([domain], note=note, follow_up=follow_up))
        visits.check_out(boss, v)
    clock.day = today
    return p.id


def test_retention_forgets_the_quiet_removes_old_notes_and_spares_the_rest(boss, clock):
    today = clock.day
    old = _person(boss, "Oud", clock, today - dt.timedelta(days=800), note="oude notitie")
    recent = _person(boss, "Recent", clock, today - dt.timedelta(days=400), note="notitie van vorig jaar")
    fresh = _person(boss, "Vers", clock, today - dt.timedelta(days=20), note="verse notitie")
    waiting = _person(boss, "Wacht", clock, today - dt.timedelta(days=800),
                      follow_up=(today - dt.timedelta(days=700)).strftime("%d-%m-%Y"))
    found = retention.plan()
    assert [d.id for d in found.persons] == [old]  # an open follow-up keeps Wacht
    assert found.notes == 2  # Oud's and Recent's: older than 12 months
    assert Person.get_by_id(old).forgotten_at is None  # a plan changes nothing
    done = retention.run(boss)
    assert (done.persons, done.notes) == (1, 2)
    assert Person.get_by_id(old).first_name == FORGOTTEN_NAME
    assert Person.get_by_id(recent).first_name == "Recent" and Person.get_by_id(waiting).first_name == "Wacht"
    notes = {v.person_id: v.note for v in Visit.select()}
    assert notes[old] is None and notes[recent] is None and notes[fresh] == "verse notitie"
    assert AuditLog.select().where(AuditLog.action == "privacy.retention").count() == 1
    assert retention.plan().persons == [] and retention.plan().notes == 0


def test_retention_is_a_step_of_the_closing_and_its_report_says_so(boss, clock):
    old = _person(boss, "Oud", clock, clock.day - dt.timedelta(days=900))
    closed = closing.close(boss, {}, "", "246813")
    assert Person.get_by_id(old).forgotten_at is not None
    from bwk_tui.services.closing import report

    text = report.stored_text(closed.closing_id)  # the signed report, kept in the database
    assert "1 personen geanonimiseerd volgens de bewaartermijn" in text


def test_the_retention_setting_is_used(boss, clock):
    from bwk_tui.services.room import settings

    quiet = _person(boss, "Stil", clock, clock.day - dt.timedelta(days=300))
    assert retention.plan().persons == []
    settings.change("retention_months", "6", actor_id=boss.account_id)
    assert [d.id for d in retention.plan().persons] == [quiet]


def test_cli_retention_dry_run_lists_and_changes_nothing(sqlite_room, clock, capsys, coby_pin):
    from bwk_tui.cli import main
    from db import database

    boss = sqlite_room["coordinator"]
    old = _person(boss, "Oudje", clock, clock.day - dt.timedelta(days=900))
    url = database.obj.database
    assert main(["--db", url, "privacy", "retention", "--dry-run", "--as", "Coby", "--pin-stdin"]) == 0
    out = capsys.readouterr().out
    assert "1 personen" in out and "Oudje" in out and "Proefdraai" in out
    assert Person.get_by_id(old).forgotten_at is None
    assert main(["--db", url, "privacy", "retention", "--as", "Coby", "--pin-stdin"]) == 0
    assert "1 personen geanonimiseerd" in capsys.readouterr().out
    assert Person.get_by_id(old).forgotten_at is not None
