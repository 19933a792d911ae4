"""AVG (issue 13): forgetting a person keeps every figure, leaves nothing in the files, is refused
when it must be, survives a restore; withdrawing consent; the inzage file."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import stat
from pathlib import Path

import pytest

from bwk_tui.services.kernel.errors import BwkError, NotAllowed
from bwk_tui.services.kernel.text import FORGOTTEN_NAME

NOON = dt.time(12, 0)


def _figures(report) -> dict:
    return {(s.title, r.label): (r.value, r.previous) for s in report.sections for r in s.rows}


def _all_reports(session, today: dt.date) -> dict:
    """Every month, quarter and year of the three years up to today, in every room."""
    from db.models import Room
    from bwk_tui.services.kernel.clock import parse_period
    from bwk_tui.services.reports import reports

    periods = []
    for back in range(36):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        periods.append(f"{year}-{month + 1:02d}")
    for year in (today.year - 2, today.year - 1, today.year):
        periods += [str(year)] + [f"{year}-Q{q}" for q in (1, 2, 3, 4)]
    out = {}
    for room_id in [r.id for r in Room.select(Room.id)]:
        for name in periods:
            out[(room_id, name)] = _figures(reports.build_report(session, parse_period(name), room_id))
        # and the two charts of F6
        out[(room_id, "weeks")] = reports.weekly_visits(156, today, room_id)
        out[(room_id, "months")] = reports.monthly_households(36, today, room_id)
    return out


def _forgettable(count: int, seed: int = 13) -> list[int]:
    from db.models import Person
    from bwk_tui.services.privacy import forget

    ids = [p.id for p in Person.select(Person.id).where(Person.merged_into.is_null()).order_by(Person.id)]
    random.Random(seed).shuffle(ids)
    return [i for i in ids if forget.refusal(i) is None][:count]


def test_forgetting_50_persons_keeps_every_figure_of_three_years(demo_copy, coordinator_of):
    from db.models import HelpRequest, Person, Visit
    from bwk_tui.services.privacy import forget

    demo_copy(7, "small")
    boss = coordinator_of()
    today = dt.date.today()
    before = _all_reports(boss, today)
    chosen = _forgettable(50)
    assert len(chosen) == 50
    with_notes = Visit.select().where(Visit.person.in_(chosen), Visit.note.is_null(False)).count()
    assert with_notes > 0  # the demo gives notes: the forget really removes something
    for person_id in chosen:
        forget.forget(boss, person_id)
    after = _all_reports(boss, today)
    assert after == before
    assert sum(1 for figures in before.values() if isinstance(figures, dict)
               for value, _ in figures.values() if value) > 100  # not all zeros
    gone = Person.select().where(Person.id.in_(chosen), Person.forgotten_at.is_null(False), Person.first_name == FORGOTTEN_NAME,
                                 Person.last_name.is_null(), Person.search_key == "", Person.languages == "")
    assert gone.count() == 50
    assert Visit.select().where(Visit.person.in_(chosen), Visit.note.is_null(False)).count() == 0
    assert HelpRequest.select().where(HelpRequest.person.in_(chosen), HelpRequest.description != "").count() == 0


def _person_with_texts(boss, desk_session=None):
    """A person with names, a note and a help request no one else has, checked out again."""
    from db.models import HelpDomain
    from bwk_tui.services.matching import requests
    from bwk_tui.services.visitors import persons, visits

    person = persons.register(boss, persons.PersonForm(first_name="Zyxqwertine", last_name="Plofvogelaar",
                                                       pc4="1103", languages="sranantongo", consent=True))
    domain = HelpDomain.get(HelpDomain.code == "wonen").id
    visit_id = visits.check_in(boss, person.id, visits.VisitForm([domain], note="Geheimnotitie huurachterstand Qwv"))
    visits.check_out(boss, visit_id)
    requests.create_request(boss, requests.RequestForm(person.id, [domain], description="Brief Xylofoonstraat lezen"))
    return person.id


SECRETS = (b"Zyxqwertine", b"zyxqwertine", b"Plofvogelaar", b"plofvogelaar", b"Geheimnotitie", b"Xylofoonstraat",
           b"sranantongo")


def _file_bytes(db_path: str) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        path = Path(db_path + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


def test_after_forgetting_the_database_file_and_wal_hold_no_forgotten_text(sqlite_room, clock):
    from db import database
    from bwk_tui.services.privacy import forget

    boss = sqlite_room["coordinator"]
    person_id = _person_with_texts(boss)
    database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = database.obj.database
    assert all(secret in _file_bytes(path) for secret in (b"Zyxqwertine", b"Geheimnotitie", b"Xylofoonstraat"))
    done = forget.forget(boss, person_id)
    assert done.checkpoint_ok
    found = [secret for secret in SECRETS if secret in _file_bytes(path)]
    assert found == []


def test_refused_when_checked_in_with_an_open_match_or_unpaid_hours(room, clock):
    from db.models import HelpDomain, Person
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.visitors import persons, visits

    boss = room["coordinator"]
    p = persons.register(boss, persons.PersonForm(first_name="Aisha", pc4="1102", consent=True))
    domain = HelpDomain.get(HelpDomain.code == "koffie").id
    visit_id = visits.check_in(boss, p.id, visits.VisitForm([domain]))
    with pytest.raises(BwkError) as refused:
        forget.forget(boss, p.id)
    assert refused.value.key == "error.forget_checked_in"
    assert "binnen" in refused.value.message()
    assert Person.get_by_id(p.id).first_name == "Aisha"
    visits.check_out(boss, visit_id)
    with pytest.raises(BwkError) as unknown:
        forget.forget(boss, 999999)
    assert unknown.value.key == "error.person_unknown"
    with pytest.raises(NotAllowed):
        forget.forget(room["volunteer"], p.id)
    forget.forget(boss, p.id)
    with pytest.raises(BwkError) as again:
        forget.forget(boss, p.id)
    assert again.value.key == "error.forget_already"


def test_refused_with_an_open_match(room, clock):
    from db.models import Account, HelpDomain
    from bwk_tui.services.matching import matches, requests
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.visitors import persons

    boss = room["coordinator"]
    asker = persons.register(boss, persons.PersonForm(first_name="Bram", pc4="1102", consent=True))
    helper = persons.register(boss, persons.PersonForm(first_name="Cor", pc4="1102", consent=True))
    domain = HelpDomain.get(HelpDomain.code == "wonen").id
    req = requests.create_request(boss, requests.RequestForm(asker.id, [domain], description="x"))
    offer = requests.create_offer(boss, requests.OfferForm([domain], "2", person_id=helper.id))
    match = matches.propose(boss, req.id, offer.id)
    for who in (asker.id, helper.id):
        with pytest.raises(BwkError) as refused:
            forget.forget(boss, who)
        assert refused.value.key == "error.forget_open_match"
    matches.finish(boss, match.id, "", stopped=True)
    forget.forget(boss, helper.id)
    # A forgotten helper is never proposed again.
    assert all(s.offer_id != offer.id for s in __import__("bwk_tui.services.matching.scoring",
                                                           fromlist=["x"]).shortlist(req.id))
    assert Account.select().count() >= 2


def test_refused_for_a_volunteer_with_hours_this_month(demo_copy, coordinator_of, monkeypatch):
    from db.models import Shift, ShiftAssignment, Volunteer
    from bwk_tui.services.privacy import forget

    demo_copy(7, "small")
    boss = coordinator_of()
    row = (ShiftAssignment.select(Volunteer.person, Shift.shift_date).join(Shift).switch(ShiftAssignment)
           .join(Volunteer).where(Volunteer.person.is_null(False), ShiftAssignment.minutes.is_null(False))
           .order_by(Shift.shift_date.desc()).tuples().first())
    person_id, day = row
    monkeypatch.setattr("bwk_tui.services.kernel.clock.today", lambda: day)
    with pytest.raises(BwkError) as refused:
        forget.forget(boss, person_id)
    assert refused.value.key == "error.forget_unpaid_hours"
    later = (day.replace(day=1) + dt.timedelta(days=40)).replace(day=2)
    monkeypatch.setattr("bwk_tui.services.kernel.clock.today", lambda: later)
    assert forget.refusal(person_id) is None or forget.refusal(person_id).key != "error.forget_unpaid_hours"


def test_an_interrupted_forget_leaves_everything_as_it_was(room, clock, monkeypatch):
    from db.models import HelpRequest, Person, Visit
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.room import audit

    boss = room["coordinator"]
    person_id = _person_with_texts(boss)

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(KeyboardInterrupt):
        forget.forget(boss, person_id)
    person = Person.get_by_id(person_id)
    assert (person.first_name, person.last_name, person.forgotten_at) == ("Zyxqwertine", "Plofvogelaar", None)
    assert Visit.get(Visit.person == person_id).note.startswith("Geheimnotitie")
    assert HelpRequest.get(HelpRequest.person == person_id).description.startswith("Brief")


def test_withdrawing_consent_records_it_and_forgets(room, clock):
    from db.models import AuditLog, Person, Visit
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.visitors import persons

    boss = room["coordinator"]
    person_id = _person_with_texts(boss)
    forget.withdraw_consent(boss, person_id)
    person = Person.get_by_id(person_id)
    assert person.consent_withdrawn_on == clock.today()
    assert person.forgotten_at is not None and person.first_name == FORGOTTEN_NAME and person.consent_scope is None
    assert Visit.select().where(Visit.person == person_id).count() == 1  # the visit still counts
    assert AuditLog.select().where(AuditLog.action == "person.consent_withdrawn",
                                   AuditLog.entity_id == person_id).exists()
    assert persons.search("Zyxq") == [] and persons.detail(person_id).name == "(vergeten)"


def test_a_merged_record_is_forgotten_with_its_person(room, clock):
    from db.models import Person
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.visitors import persons

    boss = room["coordinator"]
    keep = persons.register(boss, persons.PersonForm(first_name="Dina", consent=True))
    other = persons.register(boss, persons.PersonForm(first_name="Dinaa", last_name="Dubbel", consent=True))
    persons.merge(boss, keep.id, other.id)
    with pytest.raises(BwkError) as refused:
        forget.forget(boss, other.id)
    assert refused.value.key == "error.forget_merged"
    forget.forget(boss, keep.id)
    assert Person.get_by_id(other.id).last_name is None and Person.get_by_id(other.id).first_name == FORGOTTEN_NAME


def test_the_forget_list_is_applied_again_after_a_restore(sqlite_room, clock, tmp_path):
    from db.models import Person
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.room import backup

    boss = sqlite_room["coordinator"]
    person_id = _person_with_texts(boss)
    old = backup.take_backup(tmp_path / "kopie", actor_id=boss.account_id)
    forget.forget(boss, person_id)
    listed = forget.list_path()
    assert stat.S_IMODE(os.stat(listed).st_mode) == 0o600
    text = listed.read_text()
    assert "Zyxqwertine" not in text and f"\n{person_id}\n" in text
    backup.restore(old.path, actor_id=None)
    person = Person.get_by_id(person_id)
    assert person.forgotten_at is not None and person.first_name == FORGOTTEN_NAME and person.last_name is None
    from db import database

    assert [s for s in SECRETS if s in _file_bytes(database.obj.database)] == []


def test_inzage_holds_everything_and_is_audited(room, clock):
    from db.models import AuditLog
    from bwk_tui.services.privacy import inzage
    from bwk_tui.services.visitors import persons

    boss = room["coordinator"]
    person_id = _person_with_texts(boss)
    persons.open_page(room["volunteer"], person_id)
    data = json.loads(inzage.export(boss, person_id, "json"))
    assert data["person"]["first_name"] == "Zyxqwertine"
    assert data["visits"][0]["note"].startswith("Geheimnotitie") and data["visits"][0]["domains"] == ["wonen"]
    assert data["help_requests"][0]["description"] == "Brief Xylofoonstraat lezen"
    assert data["consent"]["given_on"] == clock.today().isoformat()
    actions = [(row["action"], row["by"]) for row in data["audit"]]
    assert ("person.view", "Vera") in actions and ("person.create", "Coby") in actions
    md = inzage.export(boss, person_id, "md")
    assert "Zyxqwertine Plofvogelaar" in md and "Geheimnotitie huurachterstand" in md and "| person.view | " in md
    assert AuditLog.select().where(AuditLog.action == "privacy.inzage", AuditLog.entity_id == person_id).count() == 2
    with pytest.raises(NotAllowed):
        inzage.export(room["volunteer"], person_id, "md")
    with pytest.raises(BwkError):
        inzage.export(boss, 424242, "md")


def test_inzage_lists_cash_entries_that_name_the_person(room, clock):
    from db.models import CashCategory
    from bwk_tui.services.cash import cash
    from bwk_tui.services.privacy import inzage

    boss = room["coordinator"]
    person_id = _person_with_texts(boss)
    category = CashCategory.select().where(CashCategory.direction != "out").first().id
    cash.add_entry(boss, "in", "5,00", category, description="koffie betaald door zyxqwertine")
    data = inzage.collect(person_id)
    assert [c["description"] for c in data["cash_entries_naming"]] == ["koffie betaald door zyxqwertine"]


def test_the_register_lists_every_table_and_field_with_the_settings(room, clock):
    from db.models import ALL_MODELS
    from bwk_tui.services.privacy import register
    from bwk_tui.services.room import settings

    settings.change("retention_months", "36", actor_id=room["coordinator"].account_id)
    text = register.text()
    for model in ALL_MODELS:
        assert model._meta.table_name in text
    assert "first_name, last_name, search_key" in text and "tot 36 maanden na het laatste bezoek" in text
    assert "register." not in text  # every text found in the catalogue
    assert "DPIA" in text


def test_the_register_says_why_birth_year_and_household_size_are_kept(room, clock):
    from bwk_tui.services.privacy import register

    sections = {part.split("\n", 1)[0]: part for part in register.text().split("\n## ")}
    assert ("  - birth_year: alleen voor de leeftijdsgroepen in het rapport voor de financiers "
            "(<18, 18-26, 27-66, 67+); optioneel, alleen het jaar") in sections["person"]
    assert ("  - size: alleen voor de huishoudens naar grootte in het rapport voor de financiers "
            "(1, 2, 3-4, 5+) en op de persoonspagina; optioneel") in sections["household"]
    assert "size:" not in sections["person"] and "birth_year:" not in sections["household"]


def test_cli_privacy_export_and_forget(sqlite_room, clock, coby_pin, capsys, tmp_path):
    from bwk_tui.cli import main
    from db import database
    from db.models import Person

    boss = sqlite_room["coordinator"]
    person_id = _person_with_texts(boss)
    url = database.obj.database
    out = tmp_path / "inzage.json"
    assert main(["--db", url, "privacy", "export", str(person_id), "--format", "json", "--out", str(out),
                 "--as", "Coby", "--pin-stdin"]) == 0
    assert json.loads(out.read_text())["person"]["last_name"] == "Plofvogelaar"
    assert main(["--db", url, "privacy", "export", "999999", "--as", "Coby", "--pin-stdin"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--db", url, "privacy", "forget", "abc", "--yes", "--as", "Coby", "--pin-stdin"]) == 2
    assert main(["--db", url, "privacy", "forget", str(person_id), "--as", "Coby", "--pin-stdin"]) == 2  # no --yes
    assert Person.get_by_id(person_id).forgotten_at is None
    assert main(["--db", url, "privacy", "forget", str(person_id), "--yes", "--as", "Coby", "--pin-stdin"]) == 0
    assert "Vergeten: persoon" in capsys.readouterr().out
    assert Person.get_by_id(person_id).forgotten_at is not None
    assert main(["--db", url, "privacy", "register", "--as", "Coby", "--pin-stdin"]) == 0
    assert "Verwerkingsregister" in capsys.readouterr().out
