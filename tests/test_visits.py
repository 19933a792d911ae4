"""Visits (issue 3): check-in, one open visit per day, notes, who is in, counts, walk-ins,
follow-ups and the list of help domains.

Every test runs on SQLite and on PostgreSQL (the ``room`` fixture).
"""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from db import database
from db.models import AuditLog, HelpDomain, Person, Visit, VisitDomain, WalkIn

from bwk_tui.i18n import set_language
from bwk_tui.services.room import auth
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed
from bwk_tui.services.visitors.persons import PersonForm
from bwk_tui.services.visitors.visits import AlreadyCheckedIn, VisitForm

TODAY = dt.date(2026, 6, 10)
NOON = dt.datetime(2026, 6, 10, 10, 0)  # naive UTC: 12:00 in Amsterdam


@pytest.fixture
def clock(clock):
    return clock.set(TODAY, NOON)


@pytest.fixture
def desk(room, clock):
    return room["volunteer"]


@pytest.fixture
def boss(room):
    return room["coordinator"]


def _person(session, first="Anna", pc4="1103", **fields) -> int:
    return persons.register(session, PersonForm(first_name=first, pc4=pc4, consent=True, **fields),
                            allow_duplicate=True).id


def _ids(*codes: str) -> list[int]:
    by_code = {d.code: d.id for d in visits.domains(active_only=False)}
    return [by_code[c] for c in codes]


def _form(*codes: str, **fields) -> VisitForm:
    return VisitForm(domain_ids=_ids(*(codes or ("koffie",))), **fields)


def _rows() -> tuple[int, int, int, int]:
    return (Visit.select().count(), VisitDomain.select().count(), AuditLog.select().count(),
            Person.select().count())


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def _domain_ids_of(visit_id: int) -> set[int]:
    return {vd.domain_id for vd in VisitDomain.select().where(VisitDomain.visit == visit_id)}


# --- help domains --------------------------------------------------------------------------


def test_the_seeded_help_domains(room):
    assert [d.code for d in visits.domains()] == [
        "koffie", "welzijn", "zorg", "wonen", "geldzaken", "schulden", "werk", "formulieren", "taal"]
    assert visits.domains()[0].name == "koffie/ontmoeting"
    set_language("en")
    assert visits.domains()[0].name == "coffee/meeting people"


def test_a_volunteer_may_not_edit_domains(room):
    desk = room["volunteer"]
    before = [(d.id, d.name, d.active) for d in visits.domains(active_only=False)]
    with pytest.raises(NotAllowed):
        visits.add_domain(desk, "fietsen")
    with pytest.raises(NotAllowed):
        visits.rename_domain(desk, _ids("taal")[0], "Nederlands")
    with pytest.raises(NotAllowed):
        visits.set_domain_active(desk, _ids("taal")[0], False)
    assert [(d.id, d.name, d.active) for d in visits.domains(active_only=False)] == before


def test_a_coordinator_adds_and_renames_a_domain(boss):
    added = visits.add_domain(boss, "  fiets   reparatie ", "bike repair")
    assert added.name == "fiets reparatie" and added.active
    assert visits.domains()[-1] == added
    assert len(_audit("domain.create")) == 1
    with pytest.raises(InvalidInput) as info:
        visits.add_domain(boss, "Fiets Reparatie")
    assert info.value.field == "name"
    with pytest.raises(InvalidInput):
        visits.add_domain(boss, "   ")
    visits.rename_domain(boss, added.id, "fietsenmaker")
    assert [d.name for d in visits.domains() if d.id == added.id] == ["fietsenmaker"]
    with pytest.raises(InvalidInput):
        visits.rename_domain(boss, added.id, "")
    assert len(_audit("domain.rename")) == 1
    assert HelpDomain.select().count() == 10


def test_a_deactivated_domain_is_not_offered_but_old_visits_keep_its_name(desk, boss, clock):
    anna = _person(desk)
    old = visits.check_in(desk, anna, _form("taal", "werk"))
    visits.check_out(desk, old)
    taal = _ids("taal")[0]

    visits.set_domain_active(boss, taal, False)

    assert taal not in [d.id for d in visits.domains()]
    assert taal in [d.id for d in visits.domains(active_only=False)]
    assert sorted(visits.person_visits(boss, anna)[0].domains) == ["taal", "werk en dagbesteding"]
    assert _domain_ids_of(old) == {taal, _ids("werk")[0]}
    assert visits.last_domain_ids(anna) == _ids("werk")  # not ticked any more
    before = _rows()
    with pytest.raises(InvalidInput) as info:
        visits.check_in(desk, anna, _form("taal"))
    assert info.value.field == "domains"
    assert _rows() == before
    assert len(_audit("domain.inactive")) == 1

    visits.set_domain_active(boss, taal, True)
    assert taal in [d.id for d in visits.domains()]


# --- check-in --------------------------------------------------------------------------------


def test_a_first_visit_starts_with_coffee_then_last_visits_domains(desk):
    anna = _person(desk)
    assert visits.last_domain_ids(anna) == _ids("koffie")
    first = visits.check_in(desk, anna, _form("wonen", "schulden"))
    # schulden is a sensitive domain (issue 13): never ticked in advance
    assert sorted(visits.last_domain_ids(anna)) == sorted(_ids("wonen"))
    visits.check_out(desk, first)
    visits.check_in(desk, anna, _form("formulieren"))
    assert visits.last_domain_ids(anna) == _ids("formulieren")


def test_a_visit_records_everything(desk, clock):
    anna = _person(desk)
    clock.now = dt.datetime(2026, 6, 10, 12, 34, 56)
    visit_id = visits.check_in(desk, anna, _form(
        "wonen", "geldzaken", referral="  Juridisch   Loket ", follow_up="24-6-2026", note=" belt terug "))
    visit = Visit.get_by_id(visit_id)
    assert visit.person_id == anna
    assert visit.visit_date == TODAY
    assert visit.arrived_at == dt.datetime(2026, 6, 10, 12, 34, 56)
    assert visit.left_at is None
    assert visit.referral == "Juridisch Loket"
    assert visit.follow_up_date == dt.date(2026, 6, 24)
    assert visit.note == "belt terug"
    assert visit.recorded_by_id == desk.account_id
    assert _domain_ids_of(visit_id) == set(_ids("wonen", "geldzaken"))
    assert Person.get_by_id(anna).last_visit_date == TODAY
    assert persons.detail(anna).last_visit == TODAY
    line = _audit("visit.create")[-1]
    assert (line.account_id, line.entity, line.entity_id, line.detail) == (
        desk.account_id, "visit", visit_id, f"person={anna}")


def test_empty_optional_fields_are_stored_as_nothing(desk):
    visit = Visit.get_by_id(visits.check_in(desk, _person(desk), _form(referral="  ", note=" \n ")))
    assert (visit.referral, visit.follow_up_date, visit.note) == (None, None, None)


def test_the_same_domain_twice_is_one_domain(desk):
    visit_id = visits.check_in(desk, _person(desk), VisitForm(domain_ids=_ids("zorg", "zorg")))
    assert _domain_ids_of(visit_id) == set(_ids("zorg"))


def test_a_person_already_in_cannot_be_checked_in_twice(desk, room):
    anna = _person(desk)
    first = visits.check_in(desk, anna, _form())
    before = _rows()
    with pytest.raises(AlreadyCheckedIn) as info:
        visits.check_in(room["coordinator"], anna, _form("zorg", note="tweede"))
    assert info.value.visit_id == first
    assert info.value.key == "error.already_in"
    assert "Anna" in info.value.message()
    assert _rows() == before
    assert Visit.get_by_id(first).note is None


def test_after_check_out_a_new_check_in_the_same_day_works(desk):
    anna = _person(desk)
    first = visits.check_in(desk, anna, _form())
    visits.check_out(desk, first)
    second = visits.check_in(desk, anna, _form())
    assert second != first
    assert Visit.select().where(Visit.person == anna, Visit.visit_date == TODAY).count() == 2
    assert [row.visit_id for row in visits.who_is_in()] == [second]


def test_yesterdays_open_visit_does_not_block_today(desk, clock):
    anna = _person(desk)
    clock.set(TODAY - dt.timedelta(days=1))
    visits.check_in(desk, anna, _form())  # never checked out
    clock.set(TODAY)
    visits.check_in(desk, anna, _form())
    assert Visit.select().where(Visit.person == anna, Visit.left_at.is_null()).count() == 2


def _insert_open_visit(person_id: int, account_id: int, day: dt.date, left_at=None) -> None:
    p = database.obj.param
    room_id = Visit.select(Visit.room).scalar() or 1
    with database.obj.atomic():
        database.obj.execute_sql(
            "INSERT INTO visit (person_id, room_id, visit_date, arrived_at, left_at, recorded_by_id) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
            (person_id, room_id, day, dt.datetime.combine(day, NOON.time()), left_at, account_id))


def test_the_database_refuses_a_second_open_visit_on_the_same_day(desk):
    anna, bob = _person(desk), _person(desk, "Bob")
    visits.check_in(desk, anna, _form())
    with pytest.raises(IntegrityError):
        _insert_open_visit(anna, desk.account_id, TODAY)
    assert Visit.select().where(Visit.person == anna).count() == 1
    # what the index allows: a closed visit the same day, another day, another person
    _insert_open_visit(anna, desk.account_id, TODAY, left_at=dt.datetime(2026, 6, 10, 11, 0))
    _insert_open_visit(anna, desk.account_id, TODAY + dt.timedelta(days=1))
    _insert_open_visit(bob, desk.account_id, TODAY)
    _insert_open_visit(bob, desk.account_id, TODAY - dt.timedelta(days=1))
    with pytest.raises(IntegrityError):
        _insert_open_visit(bob, desk.account_id, TODAY)
    assert Visit.select().count() == 5


def test_two_desks_at_the_same_moment_get_already_checked_in(desk, room, monkeypatch):
    """The service's own look-up misses the other desk's visit: the unique index still catches it."""
    anna = _person(desk)
    first = visits.check_in(desk, anna, _form())
    real = visits._open_visit
    calls = []

    def blind_once(person_id, day):
        calls.append(person_id)
        return None if len(calls) == 1 else real(person_id, day)

    monkeypatch.setattr(visits, "_open_visit", blind_once)
    before = _rows()
    with pytest.raises(AlreadyCheckedIn) as info:
        visits.check_in(room["coordinator"], anna, _form())
    assert info.value.visit_id == first
    assert len(calls) == 2
    assert _rows() == before


def test_an_unknown_person_cannot_be_checked_in(desk):
    before = _rows()
    with pytest.raises(BwkError):
        visits.check_in(desk, 424242, _form())
    assert _rows() == before


def test_checking_in_needs_a_login(desk):
    anna = _person(desk)
    with pytest.raises(NotAllowed):
        visits.check_in(None, anna, _form())
    assert Visit.select().count() == 0


@pytest.mark.parametrize("form, field", [
    (lambda: VisitForm(domain_ids=[]), "domains"),
    (lambda: VisitForm(domain_ids=[987654]), "domains"),
    (lambda: VisitForm(domain_ids=_ids("koffie") + [987654]), "domains"),
    (lambda: _form(follow_up="9-6-2026"), "follow_up"),  # yesterday
    (lambda: _form(follow_up="2020-01-01"), "follow_up"),
    (lambda: _form(follow_up="binnenkort"), "follow_up"),  # no date ("volgende week" is one)
    (lambda: _form(follow_up="31-02-2026"), "follow_up"),
    (lambda: _form(referral="x" * 81), "referral"),
    (lambda: _form(note="x" * 501), "note"),
])
def test_a_bad_visit_is_refused_and_nothing_saved(desk, form, field):
    anna = _person(desk)
    before = _rows()
    with pytest.raises(InvalidInput) as info:
        visits.check_in(desk, anna, form())
    assert info.value.field == field
    assert info.value.message()
    assert _rows() == before
    assert Person.get_by_id(anna).last_visit_date is None


def test_a_follow_up_today_or_later_is_accepted(desk):
    anna, bob = _person(desk), _person(desk, "Bob")
    visits.check_in(desk, anna, _form(follow_up="10-06-2026"))
    visits.check_in(desk, bob, _form(follow_up="2027-01-31"))
    assert {v.follow_up_date for v in Visit.select()} == {TODAY, dt.date(2027, 1, 31)}


@pytest.mark.parametrize("typed, expected", [
    ("3-12-2026", dt.date(2026, 12, 3)),
    ("03-12-2026", dt.date(2026, 12, 3)),
    ("2026-12-03", dt.date(2026, 12, 3)),
    ("3/12/2026", dt.date(2026, 12, 3)),
    (" 3-12-26 ", dt.date(2026, 12, 3)),
    ("", None),
    ("   ", None),
])
def test_date_formats(typed, expected):
    assert visits.parse_date(typed, "follow_up") == expected


@pytest.mark.parametrize("typed", ["2026-13-03", "32-1-2026", "3.12.2026x", "2026/12/03x", "12"])
def test_garbage_dates_are_refused(typed):
    with pytest.raises(InvalidInput) as info:
        visits.parse_date(typed, "follow_up")
    assert info.value.field == "follow_up"


# --- notes ---------------------------------------------------------------------------------


def test_a_note_is_visible_to_its_writer_and_coordinators_only(desk, boss, clock):
    wim = auth.create_account_as_admin("Wim", "volunteer", "864290")
    other = auth.login("Wim", "864290")
    assert other.account_id == wim.id
    anna = _person(desk)
    visit_id = visits.check_in(desk, anna, _form(note="schulden bij energie"))

    assert visits.person_visits(desk, anna)[0].note == "schulden bij energie"
    assert visits.person_visits(boss, anna)[0].note == "schulden bij energie"
    assert visits.person_visits(other, anna)[0].note is None
    assert visits.visit_line(other, visit_id).note is None
    assert visits.visit_line(desk, visit_id).note == "schulden bij energie"
    line = visits.person_visits(other, anna)[0]
    assert (line.id, line.recorded_by) == (visit_id, "Vera")  # the rest of the visit is visible

    # another volunteer who edits the visit cannot change (or wipe) a note they cannot read
    visits.update_visit(other, visit_id, _form("zorg", note=""))
    assert Visit.get_by_id(visit_id).note == "schulden bij energie"
    assert _domain_ids_of(visit_id) == set(_ids("zorg"))
    visits.update_visit(desk, visit_id, _form("zorg", note="opgelost"))
    assert Visit.get_by_id(visit_id).note == "opgelost"
    assert len(_audit("visit.edit")) == 2


def test_person_visits_are_newest_first_and_windowed(desk, clock):
    anna = _person(desk)
    ids = []
    for n in range(5):
        clock.set(TODAY - dt.timedelta(days=10 - n))
        ids.append(visits.check_in(desk, anna, _form()))
    page = visits.person_visits(desk, anna, limit=2)
    assert [v.id for v in page] == [ids[4], ids[3]]
    page = visits.person_visits(desk, anna, before_id=page[-1].id, limit=2)
    assert [v.id for v in page] == [ids[2], ids[1]]
    assert [v.id for v in visits.person_visits(desk, anna, before_id=ids[1])] == [ids[0]]
    assert visits.person_visits(desk, anna)[0].domains == ["koffie/ontmoeting"]


def test_update_visit_refuses_bad_input(desk):
    anna = _person(desk)
    visit_id = visits.check_in(desk, anna, _form("wonen"))
    with pytest.raises(InvalidInput):
        visits.update_visit(desk, visit_id, VisitForm(domain_ids=[]))
    assert _domain_ids_of(visit_id) == set(_ids("wonen"))


# --- who is in, check-out, counts, walk-ins ------------------------------------------------


def test_who_is_in_lists_todays_open_visits_first_arrived_first(desk, clock):
    anna, bob, cor = _person(desk), _person(desk, "Bob", last_name="Bos"), _person(desk, "Cor")
    clock.set(TODAY - dt.timedelta(days=1))
    forgotten = visits.check_in(desk, cor, _form())  # yesterday, never checked out: still listed, first
    clock.set(TODAY, dt.datetime(2026, 6, 10, 9, 30))
    late = visits.check_in(desk, anna, _form())
    clock.set(TODAY, dt.datetime(2026, 6, 10, 8, 15))
    early = visits.check_in(desk, bob, _form())

    now_in = visits.who_is_in()
    assert [row.visit_id for row in now_in if row.from_earlier_day] == [forgotten]
    now_in = [row for row in now_in if not row.from_earlier_day]
    assert [(row.visit_id, row.person_id, row.name) for row in now_in] == [
        (early, bob, "Bob Bos"), (late, anna, "Anna")]
    assert now_in[0].arrived_at == dt.datetime(2026, 6, 10, 8, 15)
    assert now_in[1].household_code == persons.detail(anna).household_code


def test_check_out_takes_a_person_out_once(desk, clock):
    anna = _person(desk)
    visit_id = visits.check_in(desk, anna, _form())
    clock.now = dt.datetime(2026, 6, 10, 14, 0)
    visits.check_out(desk, visit_id)
    assert visits.who_is_in() == []
    assert Visit.get_by_id(visit_id).left_at == dt.datetime(2026, 6, 10, 14, 0)
    clock.now = dt.datetime(2026, 6, 10, 15, 0)
    visits.check_out(desk, visit_id)  # twice: the first time stands
    assert Visit.get_by_id(visit_id).left_at == dt.datetime(2026, 6, 10, 14, 0)
    assert len(_audit("visit.checkout")) == 1


def test_today_counts_visits_households_and_walk_ins(desk, clock):
    anna = _person(desk)
    code = persons.detail(anna).household_code
    ben = persons.register(desk, PersonForm(first_name="Ben", household_code=code, consent=True)).id
    cor = _person(desk, "Cor")
    loner = _person(desk, "Dirk")
    eef = _person(desk, "Eef")
    # persons without a household count as a household of their own
    Person.update(household=None).where(Person.id.in_([loner, eef])).execute()
    assert visits.today_counts() == visits.DayCounts(0, 0, 0)

    clock.set(TODAY - dt.timedelta(days=1))
    visits.check_in(desk, cor, _form())  # yesterday: not counted
    visits.add_walk_in(desk)
    clock.set(TODAY)
    first = visits.check_in(desk, anna, _form())
    visits.check_in(desk, ben, _form())
    visits.check_out(desk, first)
    visits.check_in(desk, anna, _form())  # a second visit of Anna today
    visits.check_in(desk, loner, _form())
    visits.check_in(desk, eef, _form())
    assert visits.add_walk_in(desk) == 1
    assert visits.add_walk_in(desk) == 2

    counts = visits.today_counts()
    assert counts.visits == 5
    assert counts.households == 3  # Anna+Ben, Dirk, Eef
    assert counts.walk_ins == 2


def test_a_walk_in_is_counted_without_a_person(desk, clock):
    persons_before = Person.select().count()
    assert visits.add_walk_in(desk) == 1
    assert visits.add_walk_in(desk) == 2
    clock.set(TODAY + dt.timedelta(days=1))
    assert visits.add_walk_in(desk) == 1  # a new day starts at one
    assert WalkIn.select().count() == 3
    assert Person.select().count() == persons_before
    walk_in = WalkIn.select().order_by(WalkIn.id).first()
    assert (walk_in.visit_date, walk_in.recorded_by_id) == (TODAY, desk.account_id)
    assert len(_audit("walk_in.create")) == 3
    with pytest.raises(NotAllowed):
        visits.add_walk_in(None)
    assert WalkIn.select().count() == 3


# --- follow-ups ----------------------------------------------------------------------------


def test_follow_ups_due_and_done(desk, clock):
    anna, bob, cor = _person(desk), _person(desk, "Bob"), _person(desk, "Cor")
    clock.set(TODAY - dt.timedelta(days=7))
    a = visits.check_in(desk, anna, _form(follow_up="2026-06-05"))
    b = visits.check_in(desk, bob, _form(follow_up="2026-06-10"))
    c = visits.check_in(desk, cor, _form(follow_up="2026-06-20"))
    visits.check_in(desk, _person(desk, "Dirk"), _form())  # no follow-up
    clock.set(TODAY)

    due = visits.follow_ups()
    assert [(f.visit_id, f.name, f.due) for f in due] == [
        (a, "Anna", dt.date(2026, 6, 5)), (b, "Bob", TODAY)]
    assert [f.visit_id for f in visits.follow_ups(until=dt.date(2026, 6, 30))] == [a, b, c]
    assert [f.visit_id for f in visits.follow_ups(person_id=cor)] == [c]  # all of one person, also later
    assert [f.visit_id for f in visits.follow_ups(limit=1)] == [a]

    visits.follow_up_done(desk, a)
    assert [f.visit_id for f in visits.follow_ups()] == [b]
    assert Visit.get_by_id(a).follow_up_done == TODAY
    assert visits.follow_ups(person_id=anna) == []
    visits.follow_up_done(desk, a)  # twice: recorded once
    assert len(_audit("visit.follow_up_done")) == 1


def test_a_visit_without_follow_up_cannot_be_marked_done(desk):
    visit_id = visits.check_in(desk, _person(desk), _form())
    visits.follow_up_done(desk, visit_id)
    assert Visit.get_by_id(visit_id).follow_up_done is None
    assert _audit("visit.follow_up_done") == []



# --- visits still open at midnight (issue 21) ----------------------------------------------


def test_a_visit_open_at_midnight_is_shown_the_next_morning_and_checked_out_at_the_right_time(desk, clock):
    anna = _person(desk)
    clock.at(TODAY - dt.timedelta(days=1), 15, 0)
    visit_id = visits.check_in(desk, anna, _form())
    clock.at(TODAY, 9, 0)  # nobody closed yesterday
    (line,) = visits.who_is_in()
    assert line.visit_id == visit_id and line.from_earlier_day
    with pytest.raises(InvalidInput):
        visits.check_out(desk, visit_id, "14:00")  # before she arrived
    with pytest.raises(InvalidInput):
        visits.check_out(desk, visit_id, "kwart over vier")
    visits.check_out(desk, visit_id, "16:30")
    assert visits.who_is_in() == []
    assert clock_of(Visit.get_by_id(visit_id).left_at) == (TODAY - dt.timedelta(days=1), dt.time(16, 30))


def test_a_forgotten_visit_without_a_time_ends_at_the_end_of_its_day(desk, clock):
    anna = _person(desk)
    clock.at(TODAY - dt.timedelta(days=1), 15, 0)
    visit_id = visits.check_in(desk, anna, _form())
    clock.at(TODAY, 9, 0)
    visits.check_out(desk, visit_id)  # what the closing of that day does
    assert clock_of(Visit.get_by_id(visit_id).left_at) == (TODAY - dt.timedelta(days=1), dt.time(23, 59))


def clock_of(stored: dt.datetime) -> tuple[dt.date, dt.time]:
    from bwk_tui.services.kernel.clock import to_local

    local = to_local(stored)
    return local.date(), local.time()
