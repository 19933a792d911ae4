"""Undo at the desk (issue 15): the last check-in, check-out or walk-in, for one minute.

Every test runs on SQLite and on PostgreSQL (the ``room`` fixture).
"""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import AuditLog, Person, Visit, VisitDomain, WalkIn

from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.visitors.persons import PersonForm
from bwk_tui.services.visitors.visits import VisitForm

# conftest's ``clock`` stands at 12:00 in Amsterdam on CASH_TODAY, and its ``desk`` is the volunteer.
TODAY = dt.date(2026, 6, 10)
NOON = dt.datetime(2026, 6, 10, 10, 0)  # naive UTC: 12:00 in Amsterdam


def _person(session, first="Akosua") -> int:
    return persons.register(session, PersonForm(first_name=first, pc4="1103", consent=True)).id


def _coffee() -> VisitForm:
    return VisitForm(domain_ids=[d.id for d in visits.domains() if d.code == "koffie"])


def test_a_check_in_is_taken_back_within_a_minute_and_the_last_visit_date_restored(desk, clock):
    person_id = _person(desk)
    yesterday = TODAY - dt.timedelta(days=1)
    Person.update(last_visit_date=yesterday).where(Person.id == person_id).execute()
    visit_id = visits.check_in(desk, person_id, _coffee())
    assert Person.get_by_id(person_id).last_visit_date == TODAY
    clock.advance(seconds=50)
    visits.undo_check_in(desk, visit_id)
    assert Visit.get_or_none(Visit.id == visit_id) is None
    assert not VisitDomain.select().where(VisitDomain.visit == visit_id).exists()
    assert Person.get_by_id(person_id).last_visit_date is None  # the demo date was not a real visit
    assert AuditLog.select().where(AuditLog.action == "visit.undo_create", AuditLog.entity_id == visit_id).exists()


def test_a_check_in_older_than_a_minute_or_of_another_desk_user_stays(desk, room, clock):
    person_id = _person(desk)
    visit_id = visits.check_in(desk, person_id, _coffee())
    with pytest.raises(BwkError) as refused:
        visits.undo_check_in(room["coordinator"], visit_id)  # not who made it
    assert refused.value.key == "error.undo_late"
    clock.advance(seconds=61)
    with pytest.raises(BwkError) as late:
        visits.undo_check_in(desk, visit_id)
    assert late.value.key == "error.undo_late"
    assert Visit.get_or_none(Visit.id == visit_id) is not None


def test_a_check_out_is_undone_and_the_person_is_in_again(desk, clock):
    person_id = _person(desk)
    visit_id = visits.check_in(desk, person_id, _coffee())
    clock.advance(minutes=30)
    visits.check_out(desk, visit_id)
    assert person_id not in {row.person_id for row in visits.who_is_in()}
    clock.advance(seconds=30)
    visits.undo_check_out(desk, visit_id)
    assert Visit.get_by_id(visit_id).left_at is None
    assert person_id in {row.person_id for row in visits.who_is_in()}
    visits.check_out(desk, visit_id)
    clock.advance(seconds=61)
    with pytest.raises(BwkError):
        visits.undo_check_out(desk, visit_id)
    assert Visit.get_by_id(visit_id).left_at is not None


def test_a_walk_in_is_taken_back_once(desk, clock):
    before = WalkIn.select().count()
    assert visits.add_walk_in(desk) == before + 1
    assert visits.add_walk_in(desk) == before + 2
    assert visits.undo_walk_in(desk) == before + 1
    clock.advance(seconds=61)
    with pytest.raises(BwkError):
        visits.undo_walk_in(desk)
    assert WalkIn.select().count() == before + 1


def test_who_is_in_ranks_first_in_the_desk_search_but_only_when_the_name_matches(desk, clock):
    anna = _person(desk, "Anna")
    annabel = _person(desk, "Annabel")
    hans = _person(desk, "Hans")
    Person.update(last_visit_date=TODAY - dt.timedelta(days=1)).where(Person.id == annabel).execute()
    assert [h.id for h in persons.search("ann")][:2] == [annabel, anna]  # the most recent visitor first
    assert [h.id for h in persons.search("ann", first=[anna, hans])][:2] == [anna, annabel]
    ansje = _person(desk, "Ansje")
    # "ans" only inside "Hans": who is in ranks first on a name that starts with the text, not on that.
    assert [h.id for h in persons.search("ans", first=[hans])] == [ansje, hans]
    assert persons.search("", first=[hans])[0].id == hans
