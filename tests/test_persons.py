"""Persons and households (issue 3): search, registering with the least data, editing, merging.

Every test runs on SQLite and on PostgreSQL (the ``room`` fixture).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from db.models import AuditLog, Household, Person, Visit

from bwk_tui.services.visitors import codes
from bwk_tui.services.kernel import clock as kernel_clock
from bwk_tui.services.visitors import persons
from bwk_tui.services.room import settings
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed
from bwk_tui.services.visitors.persons import DuplicateWarning, PersonForm

TODAY = dt.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def _fixed_day(clock):
    """A fixed calendar day for every service that asks for it."""
    clock.day = TODAY


def _form(first="Anna", pc4="1103", **fields) -> PersonForm:
    return PersonForm(first_name=first, pc4=pc4, consent=fields.pop("consent", True), **fields)


def _register(session, first="Anna", pc4="1103", allow_duplicate=True, **fields):
    return persons.register(session, _form(first, pc4, **fields), allow_duplicate=allow_duplicate)


def _rows() -> tuple[int, int, int]:
    return Person.select().count(), Household.select().count(), AuditLog.select().count()


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def _coffee() -> list[int]:
    return [d.id for d in visits.domains() if d.code == "koffie"]


def _visit_on(monkeypatch, session, person_id: int, day: dt.date) -> int:
    """A visit on ``day`` (checked out again, so that later check-ins are free)."""
    test_clock = kernel_clock.now_utc  # the shared test clock (conftest) stands in for now_utc
    test_clock.day = day
    try:
        visit_id = visits.check_in(session, person_id, visits.VisitForm(domain_ids=_coffee()))
        visits.check_out(session, visit_id)
    finally:
        test_clock.day = TODAY
    return visit_id


def _names(hits) -> list[str]:
    return [hit.name for hit in hits]


@pytest.fixture
def letterless_codes(monkeypatch):
    """New household codes of digits only: a random code can then never match a searched name."""
    monkeypatch.setattr(codes, "random_code", lambda rng, length=codes.CODE_LENGTH: "".join(
        rng.choice("3479") for _ in range(length)))


def _household(code: str, pc4: int = 1103) -> Household:
    return Household.create(code=code, pc4=pc4, created_at=dt.datetime(2026, 1, 1))


# --- search ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("letterless_codes")
@pytest.mark.parametrize("typed", ["jose", "JOSE", "José", "jOsÉ", "gonz", "GONZÁLEZ"])
def test_search_ignores_case_and_accents(room, typed):
    _register(room["volunteer"], "José", last_name="González")
    _register(room["volunteer"], "Johan")
    assert _names(persons.search(typed)) == ["José González"]


@pytest.mark.usefixtures("letterless_codes")
def test_search_finds_zoe_inside_the_name(room):
    _register(room["volunteer"], "Zoë")
    _register(room["volunteer"], "Anna")
    assert _names(persons.search("oe")) == ["Zoë"]
    assert _names(persons.search("zoe")) == ["Zoë"]
    assert _names(persons.search("ZOË")) == ["Zoë"]


@pytest.mark.usefixtures("letterless_codes")
def test_an_accent_typed_finds_a_name_written_without(room):
    _register(room["volunteer"], "Jose")
    assert _names(persons.search("josé")) == ["Jose"]


@pytest.mark.usefixtures("letterless_codes")
@pytest.mark.parametrize("typed", ["k3p9a", "K3P9A", "k3p-9a", "K3P-9A", "k3p", "K3P 9A"])
def test_search_finds_a_household_code_typed_in_any_case_or_with_a_dash(room, typed):
    _household("K3P9A")
    _register(room["volunteer"], "Fatima", household_code="K3P9A")
    _register(room["volunteer"], "Kees")
    hits = persons.search(typed)
    assert _names(hits) == ["Fatima"]
    assert hits[0].household_code == "K3P9A"


@pytest.mark.usefixtures("letterless_codes")
def test_search_ranks_starts_of_names_first_then_recent_visitors_then_never_visited(room, monkeypatch):
    desk = room["volunteer"]
    marco = _register(desk, "Marco")
    kees = _register(desk, "Kees", last_name="Marsman")  # last name starts with the text
    maria = _register(desk, "Maria")
    _register(desk, "Martin")  # never visited
    omar = _register(desk, "Omar")  # "mar" inside a word, visited today
    _register(desk, "Tamara")  # inside a word, never visited
    _visit_on(monkeypatch, desk, maria.id, TODAY - dt.timedelta(days=5))
    _visit_on(monkeypatch, desk, kees.id, TODAY - dt.timedelta(days=2))
    _visit_on(monkeypatch, desk, marco.id, TODAY)
    _visit_on(monkeypatch, desk, omar.id, TODAY)

    assert _names(persons.search("mar")) == [
        "Marco", "Kees Marsman", "Maria", "Martin", "Omar", "Tamara"]


@pytest.mark.usefixtures("letterless_codes")
def test_a_household_code_that_starts_with_the_text_ranks_before_a_match_inside_a_word(room, monkeypatch):
    desk = room["volunteer"]
    _household("DEK33")
    inside = _register(desk, "Adek")  # "dek" inside the first name
    by_code = _register(desk, "Priya", household_code="dek33")
    _visit_on(monkeypatch, desk, inside.id, TODAY)  # more recent, still after the code match
    _visit_on(monkeypatch, desk, by_code.id, TODAY - dt.timedelta(days=30))
    assert _names(persons.search("dek")) == ["Priya", "Adek"]


@pytest.mark.usefixtures("letterless_codes")
def test_among_equals_the_most_recent_visitor_comes_first(room, monkeypatch):
    desk = room["volunteer"]
    old, new, never = (_register(desk, "Piet", pc4=pc4) for pc4 in ("1101", "1102", "1103"))
    _visit_on(monkeypatch, desk, old.id, TODAY - dt.timedelta(days=40))
    _visit_on(monkeypatch, desk, new.id, TODAY - dt.timedelta(days=1))
    assert [hit.id for hit in persons.search("piet")] == [new.id, old.id, never.id]
    assert [hit.last_visit for hit in persons.search("piet")] == [
        TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=40), None]
    # an empty search box shows the most recent visitors
    assert [hit.id for hit in persons.search("")][:2] == [new.id, old.id]


@pytest.mark.usefixtures("letterless_codes")
def test_search_respects_its_limit(room):
    desk = room["volunteer"]
    for n in range(4):
        _register(desk, "Sam", pc4=str(1100 + n))
    for n in range(4):
        _register(desk, "Busam", pc4=str(1200 + n))  # "sam" inside a word
    assert len(persons.search("sam")) == 8
    assert len(persons.search("sam", limit=3)) == 3
    assert [hit.name for hit in persons.search("sam", limit=6)] == ["Sam"] * 4 + ["Busam"] * 2
    assert len(persons.search("", limit=5)) == 5


@pytest.mark.usefixtures("letterless_codes")
def test_search_default_limit(room):
    for n in range(persons.SEARCH_LIMIT + 3):
        _register(room["volunteer"], "Noor", pc4=str(1000 + n))
    assert len(persons.search("noor")) == persons.SEARCH_LIMIT


@pytest.mark.usefixtures("letterless_codes")
@pytest.mark.parametrize("typed", ["%", "_", "%%", "__", "%_%", "\\", "_%\\"])
def test_wildcards_alone_match_nobody(room, typed):
    for name in ("Anna", "Bram", "Chris", "Dewi"):
        _register(room["volunteer"], name)
    assert _names(persons.search(typed)) == []


@pytest.mark.usefixtures("letterless_codes")
@pytest.mark.parametrize("typed, found", [
    ("i%", ["Ilse", "Bilal"]), ("%i%", ["Ilse", "Bilal"]), ("_g_", ["Guus", "Olga"]), ("o_ga", []), ("il%e", []),
])
def test_wildcards_in_a_query_are_not_wildcards(room, typed, found):
    for name in ("Olga", "Guus", "Bilal", "Ilse"):
        _register(room["volunteer"], name)
    assert _names(persons.search(typed)) == found


@pytest.mark.usefixtures("letterless_codes")
def test_merged_persons_never_appear_in_search(room):
    keep = _register(room["volunteer"], "Henk", pc4="1101")
    other = _register(room["volunteer"], "Henk", pc4="1102")
    persons.merge(room["coordinator"], keep.id, other.id)
    assert [hit.id for hit in persons.search("henk")] == [keep.id]
    assert other.id not in [hit.id for hit in persons.search("")]
    assert other.id not in [hit.id for hit in persons.search("enk")]  # the "inside" query too


# --- registering ---------------------------------------------------------------------------


@pytest.mark.parametrize("fields, field", [
    ({"first": ""}, "first_name"),
    ({"first": "   "}, "first_name"),
    ({"first": "x" * 61}, "first_name"),
    ({"pc4": "110"}, "pc4"),
    ({"pc4": "11034"}, "pc4"),
    ({"pc4": "0999"}, "pc4"),
    ({"pc4": "11a3"}, "pc4"),
    ({"pc4": "1103AB"}, "pc4"),
    ({"pc4": "١١٠٣"}, "pc4"),  # Arabic-Indic digits are digits, not a PC4
    ({"household_code": "ACDEF"}, "household_code"),  # well-formed, does not exist
    ({"household_code": "XYZ"}, "household_code"),  # not a code at all
    ({"household_code": "OOOOO"}, "household_code"),  # O is not in the alphabet
    ({"consent": False}, "consent"),
    ({"birth_year": "1890"}, "birth_year"),
    ({"birth_year": str(TODAY.year - 111)}, "birth_year"),
    ({"birth_year": str(TODAY.year + 1)}, "birth_year"),
    ({"birth_year": "negentig"}, "birth_year"),
    ({"housing_corporation": "Woonbedrijf Nergens"}, "housing_corporation"),
    ({"household_size": "0"}, "household_size"),
    ({"household_size": "31"}, "household_size"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(room, fields, field):
    _household("K3P9A")
    _register(room["volunteer"], "Bestaand")
    before = _rows()
    with pytest.raises(InvalidInput) as info:
        _register(room["volunteer"], allow_duplicate=False, **fields)
    assert info.value.field == field
    assert info.value.message()  # a clear message, in words
    assert _rows() == before


def test_the_limits_of_pc4_and_birth_year_are_accepted(room):
    low = _register(room["volunteer"], "Een", pc4="1000", birth_year=str(TODAY.year - 110))
    high = _register(room["volunteer"], "Twee", pc4="9999", birth_year=str(TODAY.year))
    assert (low.pc4, low.birth_year) == (1000, TODAY.year - 110)
    assert (high.pc4, high.birth_year) == (9999, TODAY.year)


def test_least_data_is_a_first_name_and_consent(room):
    found = persons.register(room["volunteer"], PersonForm(first_name="  Moes  ", consent=True))
    assert found.name == "Moes"
    assert found.last_name is None and found.pc4 is None and found.birth_year is None
    assert codes.is_valid_code(found.household_code)


def test_a_new_person_gets_a_new_household_with_a_valid_code_and_the_pc4(room):
    found = _register(room["volunteer"], "Anna", pc4="1103", last_name="de Vries", languages="NL, en; tr",
                      housing_corporation="Ymere", birth_year="1970", household_size="3")
    assert codes.is_valid_code(found.household_code)
    assert found.household_code == codes.normalise_code(found.household_code)
    household = Household.get(Household.code == found.household_code)
    assert (household.pc4, household.size) == (1103, 3)
    assert (found.pc4, found.languages, found.housing_corporation, found.birth_year) == (
        1103, "nl,en,tr", "Ymere", 1970)
    assert found.household_members == 1
    other = _register(room["volunteer"], "Bob", pc4="1103")
    assert other.household_code != found.household_code


def test_joining_an_existing_household_by_code(room):
    first = _register(room["volunteer"], "Anna", pc4="1104")
    typed = first.household_code.lower()[:2] + "-" + first.household_code.lower()[2:]
    second = persons.register(room["volunteer"], PersonForm(first_name="Ben", household_code=typed, consent=True))
    assert second.household_id == first.household_id
    assert second.household_code == first.household_code
    assert second.pc4 == 1104  # taken from the household when none is typed
    assert second.household_members == 2
    assert Household.select().count() == 1
    assert persons.household_exists(typed)
    assert not persons.household_exists("ACDEF")


def test_same_first_name_and_pc4_gives_a_duplicate_warning(room):
    first = _register(room["volunteer"], "Émile", pc4="1103", last_name="Dubois")
    before = _rows()
    with pytest.raises(DuplicateWarning) as info:
        _register(room["volunteer"], "emile", pc4="1103", allow_duplicate=False)
    assert info.value.field == "first_name"
    assert info.value.names == [f"Émile Dubois ({first.household_code})"]
    assert _rows() == before
    # another PC4 or another first name is no duplicate
    _register(room["volunteer"], "Emile", pc4="1104", allow_duplicate=False)
    _register(room["volunteer"], "Emiel", pc4="1103", allow_duplicate=False)
    assert persons.find_duplicates("EMILE", 1103) == [f"Émile Dubois ({first.household_code})"]
    assert persons.find_duplicates("Emile", None) == []


def test_a_duplicate_can_be_saved_anyway(room):
    _register(room["volunteer"], "Emile", pc4="1103")
    before = _rows()
    second = _register(room["volunteer"], "Emile", pc4="1103", allow_duplicate=True)
    assert second.name == "Emile"
    assert _rows()[0] == before[0] + 1
    assert "duplicate confirmed" in _audit("person.create")[-1].detail


def test_consent_date_scope_and_who_are_recorded(room):
    found = _register(room["volunteer"], "Anna")
    assert found.consent_date == TODAY
    assert found.consent_scope == settings.get("consent_scope") and found.consent_scope
    assert found.consent_by == "Vera"
    assert Person.get_by_id(found.id).consent_by_id == room["volunteer"].account_id


def test_registering_writes_an_audit_line_without_the_name(room):
    found = _register(room["volunteer"], "Geheimnaam", last_name="Achternaamx")
    lines = _audit("person.create")
    assert len(lines) == 1
    line = lines[0]
    assert (line.account_id, line.entity, line.entity_id) == (room["volunteer"].account_id, "person", found.id)
    assert "geheimnaam" not in line.detail.lower() and "achternaamx" not in line.detail.lower()


def test_registering_needs_a_login(room):
    with pytest.raises(NotAllowed):
        persons.register(None, _form())
    assert Person.select().count() == 0


# --- editing and the person's page ---------------------------------------------------------


def test_update_records_old_and_new_values_but_never_a_name(room):
    found = _register(room["volunteer"], "Anna", pc4="1103", languages="nl")
    form = found.form()
    form.first_name, form.pc4 = "Annie", "1104"
    changed = persons.update(room["volunteer"], found.id, form)
    assert (changed.first_name, changed.pc4, changed.household_id) == ("Annie", 1104, found.household_id)
    line = _audit("person.edit")[-1]
    assert (line.entity, line.entity_id, line.account_id) == ("person", found.id, room["volunteer"].account_id)
    assert json.loads(line.detail) == {"changed": {"first_name": "gewijzigd", "pc4": [1103, 1104]}}
    assert "Annie" not in line.detail and "Anna" not in line.detail
    assert _names(persons.search("annie")) == ["Annie"]


def test_update_without_changes_records_no_fields(room):
    found = _register(room["volunteer"], "Anna")
    persons.update(room["volunteer"], found.id, found.form())
    assert json.loads(_audit("person.edit")[-1].detail) == {"changed": {}}


def test_update_with_bad_input_saves_nothing(room):
    found = _register(room["volunteer"], "Anna")
    form = found.form()
    form.first_name, form.pc4 = "Annie", "99"
    before = _rows()
    with pytest.raises(InvalidInput) as info:
        persons.update(room["volunteer"], found.id, form)
    assert info.value.field == "pc4"
    assert _rows() == before
    assert persons.detail(found.id).first_name == "Anna"


def test_update_warns_for_a_duplicate(room):
    _register(room["volunteer"], "Anna", pc4="1103")
    bob = _register(room["volunteer"], "Bob", pc4="1103")
    form = bob.form()
    form.first_name = "anna"
    with pytest.raises(DuplicateWarning):
        persons.update(room["volunteer"], bob.id, form)
    assert persons.detail(bob.id).first_name == "Bob"
    assert persons.update(room["volunteer"], bob.id, form, allow_duplicate=True).first_name == "anna"


def test_opening_a_page_is_recorded(room):
    found = _register(room["volunteer"], "Anna")
    page = persons.open_page(room["volunteer"], found.id)
    assert page.id == found.id
    line = _audit("person.view")[-1]
    assert (line.account_id, line.entity, line.entity_id) == (room["volunteer"].account_id, "person", found.id)
    with pytest.raises(BwkError):
        persons.open_page(room["volunteer"], 999999)


# --- merging -------------------------------------------------------------------------------


def test_a_volunteer_may_not_merge(room):
    a = _register(room["volunteer"], "Anna", pc4="1101")
    b = _register(room["volunteer"], "Anna", pc4="1102")
    with pytest.raises(NotAllowed):
        persons.merge(room["volunteer"], a.id, b.id)
    assert Person.get_by_id(b.id).merged_into_id is None
    assert _audit("person.merge") == []


def test_merge_moves_all_visits_and_deletes_nothing(room, monkeypatch):
    desk, boss = room["volunteer"], room["coordinator"]
    keep = _register(desk, "Anna", pc4="1101")
    other = _register(desk, "Anna", pc4="1102", last_name="Bakker", birth_year="1980", languages="tr")
    v1 = _visit_on(monkeypatch, desk, other.id, TODAY - dt.timedelta(days=9))
    v2 = _visit_on(monkeypatch, desk, other.id, TODAY - dt.timedelta(days=3))
    v3 = _visit_on(monkeypatch, desk, keep.id, TODAY - dt.timedelta(days=20))
    persons_before, visits_before = Person.select().count(), Visit.select().count()

    merged = persons.merge(boss, keep.id, other.id)

    assert Person.select().count() == persons_before
    assert Visit.select().count() == visits_before
    assert {v.id for v in Visit.select().where(Visit.person == keep.id)} == {v1, v2, v3}
    assert not Visit.select().where(Visit.person == other.id).exists()
    assert Person.get_by_id(other.id).merged_into_id == keep.id
    assert persons.detail(other.id).merged_into == keep.id
    assert merged.last_visit == TODAY - dt.timedelta(days=3)
    assert (merged.last_name, merged.birth_year) == ("Bakker", 1980)  # filled in, not lost
    assert "tr" in merged.languages.split(",")
    assert [hit.id for hit in persons.search("anna")] == [keep.id]
    line = _audit("person.merge")[-1]
    assert (line.account_id, line.entity_id) == (boss.account_id, keep.id)
    assert line.detail == f"from={other.id}; visits=2"


def test_merge_is_refused_when_both_are_checked_in_today(room):
    desk, boss = room["volunteer"], room["coordinator"]
    a = _register(desk, "Anna", pc4="1101")
    b = _register(desk, "Anna", pc4="1102")
    visits.check_in(desk, a.id, visits.VisitForm(domain_ids=_coffee()))
    visits.check_in(desk, b.id, visits.VisitForm(domain_ids=_coffee()))
    with pytest.raises(BwkError) as info:
        persons.merge(boss, a.id, b.id)
    assert info.value.key == "error.merge_both_in"
    assert Person.get_by_id(b.id).merged_into_id is None
    assert Visit.select().where(Visit.person == b.id).count() == 1
    assert _audit("person.merge") == []


def test_merge_works_when_only_one_is_in(room):
    desk, boss = room["volunteer"], room["coordinator"]
    a = _register(desk, "Anna", pc4="1101")
    b = _register(desk, "Anna", pc4="1102")
    visit_id = visits.check_in(desk, b.id, visits.VisitForm(domain_ids=_coffee()))
    persons.merge(boss, a.id, b.id)
    assert [row.person_id for row in visits.who_is_in()] == [a.id]
    assert Visit.get_by_id(visit_id).person_id == a.id


def test_merging_twice_or_with_itself_is_refused(room):
    desk, boss = room["volunteer"], room["coordinator"]
    a = _register(desk, "Anna", pc4="1101")
    b = _register(desk, "Anna", pc4="1102")
    c = _register(desk, "Anna", pc4="1103")
    persons.merge(boss, a.id, b.id)
    with pytest.raises(BwkError) as info:
        persons.merge(boss, a.id, b.id)
    assert info.value.key == "error.merge_already"
    with pytest.raises(BwkError):
        persons.merge(boss, b.id, c.id)  # b is merged already: it cannot be kept either
    with pytest.raises(InvalidInput):
        persons.merge(boss, c.id, c.id)
    assert len(_audit("person.merge")) == 1
    assert Person.get_by_id(c.id).merged_into_id is None


def test_a_merged_person_cannot_be_checked_in(room):
    desk, boss = room["volunteer"], room["coordinator"]
    a = _register(desk, "Anna", pc4="1101")
    b = _register(desk, "Anna", pc4="1102")
    persons.merge(boss, a.id, b.id)
    with pytest.raises(BwkError):
        visits.check_in(desk, b.id, visits.VisitForm(domain_ids=_coffee()))
    assert Visit.select().count() == 0
