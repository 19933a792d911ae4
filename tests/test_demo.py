"""The demo database (`bwk demo`): realistic, deterministic, and consistent with the rules."""
from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest
from peewee import fn

from bwk_tui.services.room import auth
from bwk_tui.services.visitors import codes
from bwk_tui import demo
from bwk_tui.services.kernel.clock import AMSTERDAM, to_local
from bwk_tui.services.room import open_ready
from db.models import (ABSENT, CANT_COME, PLANNED, Account, ClosedDay, Household, Person, Room, Shift,
                       ShiftAssignment, ShiftTemplate, Visit, VisitDomain, Volunteer)

# A Wednesday afternoon, in UTC: 14:00 in Amsterdam.
NOW = dt.datetime(2026, 11, 25, 13, 0, 0)


@pytest.fixture
def small(demo_copy):
    return demo_copy(7, "small", NOW)


def _fingerprint():
    return (
        Room.select().count(),
        Account.select().count(),
        Household.select().count(),
        Person.select().count(),
        Visit.select().count(),
        VisitDomain.select().count(),
        [(p.first_name, p.last_name, p.search_key, p.pc4, p.languages) for p in
         Person.select().order_by(Person.id).limit(50)],
        [(v.person_id, v.arrived_at, v.left_at, v.referral) for v in
         Visit.select().order_by(Visit.id.desc()).limit(50)],
        [h.code for h in Household.select().order_by(Household.id)],
        [(v.account_id, v.person_id, v.skills, v.languages, v.availability, v.hourly_allowance_cents)
         for v in Volunteer.select().order_by(Volunteer.id)],
        [(a.shift_id, a.volunteer_id, a.status, a.minutes, a.signed_in_at) for a in
         ShiftAssignment.select().order_by(ShiftAssignment.id)],
    )


def test_codes_alphabet_has_no_ambiguous_characters():
    for bad in "0O1IL2Z5S8BUVQ6G":
        assert bad not in codes.ALPHABET
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    rng = random.Random(3)
    for _ in range(200):
        code = codes.random_code(rng)
        assert len(code) == codes.CODE_LENGTH and codes.is_valid_code(code)
    assert codes.is_valid_code("k3p-9a") and codes.normalise_code(" k3p 9a ") == "K3P9A"
    assert not codes.is_valid_code("K3P9O")  # O is not in the alphabet
    assert not codes.is_valid_code("K3P9")  # too short
    assert not codes.is_valid_code("")
    assert not codes.is_valid_code(None)
    assert codes.random_code(random.Random(1)) == codes.random_code(random.Random(1))


def test_same_seed_gives_the_same_data(tmp_path):
    fingerprints, summaries = [], []
    for name in ("a", "b"):
        opened = open_ready(str(tmp_path / f"{name}.sqlite3"))
        summaries.append(demo.build_demo(seed=3, scale="small", now=NOW))
        fingerprints.append(_fingerprint())
        opened.db.close()
    assert summaries[0] == summaries[1]
    assert fingerprints[0] == fingerprints[1]
    opened = open_ready(str(tmp_path / "c.sqlite3"))
    other = demo.build_demo(seed=4, scale="small", now=NOW)
    assert (other.coordinator_name, other.coordinator_pin, other.visits) != (
        summaries[0].coordinator_name, summaries[0].coordinator_pin, summaries[0].visits)
    opened.db.close()


def test_small_scale_counts_and_summary(small):
    assert small.rooms == Room.select().count() == 1
    assert small.persons == Person.select().count()
    assert small.households == Household.select().count()
    assert small.visits == Visit.select().count()
    assert small.accounts == Account.select().count()
    assert 250 <= small.persons <= 380
    assert 120 <= small.households <= 140
    assert 3_000 <= small.visits <= 5_000
    assert 10 <= small.accounts <= 20
    assert Account.select().where(Account.role == "coordinator").count() in (1, 2)
    assert all(a.pin_hash.startswith("$argon2id$") for a in Account.select())


def test_the_printed_coordinator_and_volunteer_can_log_in(small):
    assert 4 <= len(small.coordinator_pin) <= 6 and small.coordinator_pin.isdigit()
    session = auth.login(small.coordinator_name, small.coordinator_pin)
    assert session.is_coordinator and session.name == small.coordinator_name
    volunteer = auth.login(small.volunteer_name, small.volunteer_pin)
    assert not volunteer.is_coordinator


def test_the_demo_hashes_its_pins_with_the_accounts_service_hasher(sqlite_db, monkeypatch):
    real = auth.hasher()
    hashed = []

    class Recording:
        def hash(self, pin):
            hashed.append(pin)
            return real.hash(pin)

    monkeypatch.setattr(auth, "hasher", Recording)
    summary = demo.build_demo(seed=7, scale="small", now=NOW)
    assert summary.coordinator_pin in hashed and summary.volunteer_pin in hashed
    assert not any(real.check_needs_rehash(a.pin_hash) for a in Account.select())


def test_persons_and_households_are_plausible(small):
    assert {p.pc4 for p in Person.select()} <= set(range(1101, 1109))
    assert {h.pc4 for h in Household.select()} <= set(range(1101, 1109))
    for household in Household.select():
        assert codes.is_valid_code(household.code)
        assert 1 <= household.members.count() <= 6
    persons = list(Person.select())
    for person in persons:
        assert person.first_name
        key = person.search_key
        assert key == key.lower() == unicodedata.normalize("NFKD", key), key
        assert not any(unicodedata.combining(c) for c in key)
        assert person.pc4 == person.household.pc4
        assert person.household.code.lower() in key
        assert person.housing_corporation in (*demo.HOUSING_CORPORATIONS, None)
        assert person.languages and all(part.isalpha() for part in person.languages.split(","))
    assert sum(p.consent_date is not None for p in persons) > 0.8 * len(persons)
    assert any(p.last_name is None for p in persons)
    names = " ".join(f"{p.first_name} {p.last_name or ''}" for p in persons)
    assert any(c in names for c in "éëïçöüó")  # something for accent-insensitive search


def test_every_visit_has_one_to_three_domains(small):
    counts = (VisitDomain.select(VisitDomain.visit, fn.COUNT(VisitDomain.domain).alias("n"))
              .group_by(VisitDomain.visit))
    per_visit = {row.visit_id: row.n for row in counts}
    assert len(per_visit) == Visit.select().count()
    assert set(per_visit.values()) <= {1, 2, 3}


def test_visits_follow_the_opening_hours(small):
    today = to_local(NOW).date()
    first_day = today - dt.timedelta(days=366)
    for visit in Visit.select():
        local = to_local(visit.arrived_at)
        assert local.date() == visit.visit_date
        assert first_day <= visit.visit_date <= today
        assert visit.visit_date.weekday() != 6, "open on a Sunday"
        assert (visit.visit_date.month, visit.visit_date.day) not in ((12, 25), (12, 26), (1, 1), (4, 27))
        assert dt.time(9, 30) <= local.time() <= dt.time(16, 30)
        assert visit.arrived_at <= NOW
        if visit.visit_date == today:
            assert visit.left_at is None
        else:
            assert visit.left_at is not None
            minutes = (visit.left_at - visit.arrived_at).total_seconds() / 60
            assert 20 <= minutes <= 151
        if visit.follow_up_date is not None:
            assert visit.follow_up_date > visit.visit_date
        if visit.referral is not None:
            assert visit.referral in demo.REFERRAL_ORGANISATIONS
    # Tuesdays and Thursdays are busier than Fridays; some Saturdays are open.
    by_weekday = [0] * 7
    for visit in Visit.select(Visit.visit_date):
        by_weekday[visit.visit_date.weekday()] += 1
    assert by_weekday[1] > by_weekday[4] and by_weekday[3] > by_weekday[4]
    assert 0 < by_weekday[5] < by_weekday[4]


def test_times_are_stored_as_naive_utc(small):
    visit = Visit.select().order_by(Visit.id).first()
    local = visit.arrived_at.replace(tzinfo=dt.timezone.utc).astimezone(AMSTERDAM)
    assert visit.arrived_at.tzinfo is None and local.date() == visit.visit_date


def test_returning_visitors_are_common(small):
    per_person = {row.person_id: row.n for row in
                  Visit.select(Visit.person, fn.COUNT(Visit.id).alias("n")).group_by(Visit.person)}
    persons = Person.select().count()
    assert len(per_person) >= 0.7 * persons
    returning = [n for n in per_person.values() if n > 1]
    assert len(returning) >= 0.5 * len(per_person)
    assert max(per_person.values()) >= 40  # a core of regulars
    # no one is checked in twice on the same day
    assert len({(v.person_id, v.visit_date) for v in Visit.select(Visit.person, Visit.visit_date)}) == \
        Visit.select().count()


def test_visits_are_recorded_by_accounts_and_registered_before(small):
    accounts = {a.id for a in Account.select()}
    created = {p.id: p.created_at for p in Person.select(Person.id, Person.created_at)}
    for visit in Visit.select(Visit.person, Visit.recorded_by, Visit.arrived_at):
        assert visit.recorded_by_id in accounts
        assert created[visit.person_id] <= visit.arrived_at


def test_demo_refuses_a_database_with_data(small):
    from bwk_tui.services.kernel.errors import BwkError

    with pytest.raises(BwkError):
        demo.build_demo(seed=1, scale="small", now=NOW)


def test_progress_lines_and_unknown_scale(sqlite_db):
    with pytest.raises(ValueError):
        demo.build_demo(scale="huge")
    lines = []
    demo.build_demo(seed=2, scale="small", progress=lines.append, now=NOW)
    assert lines and all(isinstance(line, str) for line in lines)


def test_the_roster_is_filled_and_consistent(small, clock):
    """Profiles for every account, shifts on the open days only (the desk crews of the visits),
    hours mostly under the allowance maximum, and sign-ups ahead with gaps."""
    from bwk_tui.services.roster import allowance
    from bwk_tui.services.roster import shifts as roster_shifts
    from bwk_tui.services.roster import templates as roster_templates
    from bwk_tui.services.roster import volunteers as roster_volunteers
    from bwk_tui.services.kernel.availability import parse_availability

    today = to_local(NOW).date()
    monday = today - dt.timedelta(days=today.weekday())
    horizon = monday + dt.timedelta(days=27)  # this week and the three after it
    clock.day = today
    room_id = Room.select().first().id

    # A profile for every account, started on the day the account was made.
    accounts = {a.id: a for a in Account.select()}
    profiles = {v.id: v for v in Volunteer.select()}
    by_account = {v.account_id: v for v in profiles.values()}
    assert set(by_account) == set(accounts)
    assert (small.volunteer_profiles, small.shifts, small.shift_assignments) == (
        len(profiles), Shift.select().count(), ShiftAssignment.select().count())
    known_skills = dict(roster_volunteers.skills())
    for v in profiles.values():
        assert v.room_id == room_id
        assert v.started_on == to_local(accounts[v.account_id].created_at).date()
        assert parse_availability(v.availability) and v.languages
        assert set(v.skills.split(",")) <= set(known_skills)
        assert v.hourly_allowance_cents is None or 250 <= v.hourly_allowance_cents <= 500
        assert v.active <= accounts[v.account_id].active
    volunteers = [v for v in profiles.values() if accounts[v.account_id].role == "volunteer"]
    assert 0.3 <= sum(v.hourly_allowance_cents is not None for v in volunteers) / len(volunteers) <= 0.7
    linked = [v for v in volunteers if v.person_id is not None]
    assert 0.1 <= len(linked) / len(volunteers) <= 0.3
    for v in linked:  # the resident's own record: same name, and mostly came in before they started
        person = Person.get_by_id(v.person_id)
        assert accounts[v.account_id].name.startswith(person.first_name)
        assert v.languages == person.languages
    assert sum(to_local(Person.get_by_id(v.person_id).created_at).date() < v.started_on for v in linked) >= \
        len(linked) / 2

    # Templates: ochtend and middag on weekdays, one taalcafé evening, the Saturday ochtend.
    templates = {(t.weekday, t.dagdeel): t for t in ShiftTemplate.select().where(ShiftTemplate.room == room_id)}
    assert {k for k in templates if k[1] in "om" and k[0] < 5} == {(d, p) for d in range(5) for p in "om"}
    assert [t.skill for k, t in templates.items() if k[1] == "a"] == ["taal"]
    assert (5, "o") in templates and all(t.active and 1 <= t.needed <= 20 for t in templates.values())

    # Closed days: the holidays ahead (with their name), and no shifts on any closed day.
    closed = {c.day: c.reason for c in ClosedDay.select()}
    assert "kerst" in closed[dt.date(2026, 12, 25)].lower() and dt.date(2027, 1, 1) in closed
    assert all(d.weekday() != 6 for d in closed)

    # Shifts: made from the templates, on open days that are not closed, up to the horizon.
    shifts = {s.id: s for s in Shift.select()}
    visit_days = {v.visit_date for v in Visit.select(Visit.visit_date).distinct()}
    have = set()
    for s in shifts.values():
        template = templates[(s.shift_date.weekday(), s.dagdeel)]
        assert (s.template_id, s.starts_min, s.ends_min, s.needed, s.skill) == (
            template.id, template.starts_min, template.ends_min, template.needed, template.skill)
        assert s.shift_date not in closed and s.shift_date.weekday() != 6
        assert s.shift_date not in demo._holidays(s.shift_date.year)
        assert s.shift_date.weekday() != 5 or demo._saturday_open(0, s.shift_date)
        assert today - dt.timedelta(days=366) <= s.shift_date <= horizon
        if s.shift_date < today:
            assert s.shift_date in visit_days  # the room was open: people came in
        have.add((s.shift_date, s.dagdeel))
    assert all((day, "o") in have for day in visit_days)
    assert roster_templates.generate(today, horizon, room_id) == 0  # nothing missing that the week view would add

    # Who was on them: the people at the desk, with hours; nobody twice at the same time.
    assignments = list(ShiftAssignment.select())
    planned: dict[int, list] = {}
    times: dict[tuple, list] = {}
    for a in assignments:
        s = shifts[a.shift_id]
        assert a.assigned_at <= NOW
        if a.status == PLANNED:
            planned.setdefault(s.id, []).append(a)
            for starts, ends in times.get((a.volunteer_id, s.shift_date), []):
                assert ends <= s.starts_min or s.ends_min <= starts, "overlapping shifts"
            times.setdefault((a.volunteer_id, s.shift_date), []).append((s.starts_min, s.ends_min))
            if s.shift_date < today:
                assert a.minutes is not None and abs(a.minutes - (s.ends_min - s.starts_min)) <= 90
            elif s.shift_date > today:
                assert a.minutes is None and a.signed_in_at is None
        else:
            assert a.minutes is None
    statuses = {a.status for a in assignments}
    assert {PLANNED, CANT_COME, ABSENT} <= statuses
    assert sum(a.status == CANT_COME and shifts[a.shift_id].shift_date >= today for a in assignments) >= 1
    for s in shifts.values():
        assert len(planned.get(s.id, [])) <= s.needed + 3
        if s.shift_date < today and s.dagdeel != "a":
            assert planned.get(s.id), f"nobody on {s.shift_date} {s.dagdeel}"
    on_duty = {(Volunteer.get_by_id(a.volunteer_id).account_id, shifts[a.shift_id].shift_date)
               for a in assignments if a.status == PLANNED}
    for visit in Visit.select(Visit.recorded_by, Visit.visit_date):
        assert (visit.recorded_by_id, visit.visit_date) in on_duty

    # The allowance: mostly under the legal monthly maximum.
    cents: dict[tuple, int] = {}
    for a in assignments:
        rate = profiles[a.volunteer_id].hourly_allowance_cents
        if a.minutes and rate:
            day = shifts[a.shift_id].shift_date
            key = (a.volunteer_id, day.year, day.month)
            cents[key] = cents.get(key, 0) + allowance.amount(a.minutes, rate)
    month_max = {year: allowance.limits(year) for _, year, _ in cents}
    over = [k for k, v in cents.items() if month_max[k[1]] and v > month_max[k[1]][0]]
    assert cents and len(over) <= max(2, len(cents) // 20)

    # The week on screen: filled in the past, signed up ahead, with at least one gap ahead.
    week = roster_shifts.week(monday, room_id)
    assert week.gaps >= 1 and any(s.short for s in week.shifts() if s.shift_date >= today)
    assert sum(len(s.planned) for s in week.shifts()) >= len(week.shifts())
    # The three weeks after it: people have signed up, fewer further ahead; gaps remain.
    later = [s for s in shifts.values() if s.shift_date > monday + dt.timedelta(days=6)]
    places = sum(s.needed for s in later)
    filled = sum(min(s.needed, len(planned.get(s.id, []))) for s in later)
    assert later and places / 3 <= filled < places
