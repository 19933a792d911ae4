"""The funders' report: a hand-made dataset with answers worked out by hand, and a cross-check
of every figure against a plain Python computation over the small demo database."""
from __future__ import annotations

import datetime as dt

import pytest

from bwk_tui.i18n import t
from bwk_tui.services.reports import reports
from bwk_tui.services.kernel.clock import Period, parse_period

NOON = dt.time(12, 0)


def _figures(report: reports.Report) -> dict[tuple[str, str], tuple[int, int]]:
    return {(s.title, r.label): (r.value, r.previous) for s in report.sections for r in s.rows}


# --- the hand-made dataset -----------------------------------------------------------------
#
# Households H1 (PC4 1102, size 2) and H2 (PC4 1103, size 4). Ann and Ben live in H1 (Ymere), Cas
# in H2 (Rochdale), Dee has no household (PC4 1104, no corporation), Eve neither household, PC4 nor
# corporation. Born: Ann 1959, Ben 2009, Cas 2000, Eve 1998, Dee unknown. Period 2026-Q1 beside
# 2025-Q1; "today" is 1 June 2026.
#
# 2025-Q1   Ann 10 Feb (koffie, by Coby); Eve 1 Mar (koffie + wonen, referral Wijkteam, by Coby)
# 2025-12   Cas 15 Dec (outside both periods: makes Cas a returning visitor in 2026)
# 2026-Q1   Ann  5 Jan koffie, by Vera, referral Wijkteam, follow-up 1 Feb done 3 Feb
#           Ann 10 Feb koffie + wonen, by Coby
#           Ben  5 Jan wonen, by Coby, referral Voedselbank, follow-up 15 Mar not done (overdue)
#           Cas 31 Mar koffie, by Coby
#           Dee  1 Jan koffie, by Coby, follow-up 10 Apr not done (after the period: not overdue)
#           Ann 20 Jan in another room (not counted)
# walk-ins  two in 2026-Q1, one in 2025-Q1, one in 2026-Q1 of the other room
# cash      koffie in 50.00 + 3.00 and boodschappen out 45.99 in 2026-Q1; koffie in 7.00 in 2025-Q1
#
# By hand, 2026-Q1 (2025-Q1): persons 4 (2); households H1, H2, Dee = 3 (H1, Eve = 2); visits 5 (2);
# walk-ins 2 (1); new: Ben and Dee = 2 (Ann and Eve = 2); returning: Ann and Cas = 2 (0).
# koffie: visits 4 (2), households H1, H2, Dee = 3 (H1, Eve = 2); wonen: visits 2 (1), households 1 (1).
# PC4: 1102: 1 (1), 1103: 1 (0), 1104: 1 (0), unknown 0 (1). Corporations: Ymere 1 (1), Rochdale 1 (0),
# unknown 1 (1). Household sizes: 2: H1 = 1 (H1 = 1), 3-4: H2 = 1 (0), unknown: Dee = 1 (Eve = 1).
# Age in the period's last year, 2026 (2025): Ann 67 = 67+ (66 = 27-66), Ben 17 = <18, Cas 26 =
# 18-26, Dee unknown; Eve 27 = 27-66 in 2025. Ages: <18 1 (0), 18-26 1 (0), 27-66 0 (2), 67+ 1 (0),
# unknown 1 (0). Referrals: Wijkteam 1 (1), Voedselbank 1 (0). Follow-ups done 1 (0), overdue 1 (0).
# Volunteers active: Vera and Coby = 2 (Coby = 1). Cash: koffie in 5300 (700), boodschappen out 4599 (0).
#
# roster    Vera's profile is Ann (first visit 10 Feb 2025), started 15 Jan 2026; Coby's has no person,
#           started 1 Jun 2024. Worked here: Vera 20 Jan 2026 210 min, 10 Feb 2026 240 min; Coby 10 Feb
#           2026 270 min, 3 Mar 2025 180 min. Not counted: Vera 100 min in the other room, Coby planned
#           on 5 Mar 2026 without hours, Coby "kan niet" on 20 Jan 2026.
# By hand: on the roster 2 (1); hours 720 min = 12 (180 min = 3); new volunteers Vera = 1 (0);
# visitor first, now volunteer: Vera = 1 (0).


@pytest.fixture
def hand_made(room, clock):
    from db.models import (Account, CashCategory, CashEntry, HelpDomain, Household, Person, Room, Visit,
                           VisitDomain, WalkIn)

    from bwk_tui.services import room as room_service

    clock.day = dt.date(2026, 6, 1)
    here = room_service.current_room_id()
    other = Room.create(name="Elders", created_at=dt.datetime(2024, 1, 1)).id
    coby = Account.get(Account.name == "Coby").id
    vera = Account.get(Account.name == "Vera").id
    created = dt.datetime(2024, 1, 1)
    h1 = Household.create(code="H1AAA", pc4=1102, size=2, created_at=created)
    h2 = Household.create(code="H2BBB", pc4=1103, size=4, created_at=created)

    def person(name, household=None, pc4=None, corporation=None, born=None):
        return Person.create(first_name=name, search_key=name.lower(), household=household, pc4=pc4,
                             housing_corporation=corporation, birth_year=born, created_at=created).id

    ann = person("Ann", h1, 1102, "Ymere", 1959)
    ben = person("Ben", h1, 1102, "Ymere", 2009)
    cas = person("Cas", h2, 1103, "Rochdale", 2000)
    dee = person("Dee", None, 1104)
    eve = person("Eve", born=1998)
    koffie = HelpDomain.get(HelpDomain.code == "koffie").id
    wonen = HelpDomain.get(HelpDomain.code == "wonen").id

    def visit(who, day, domains, by=coby, where=here, referral=None, due=None, done=None):
        v = Visit.create(person=who, room=where, visit_date=day, arrived_at=dt.datetime.combine(day, NOON),
                         left_at=dt.datetime.combine(day, dt.time(13)), referral=referral,
                         follow_up_date=due, follow_up_done=done, recorded_by=by)
        for d in domains:
            VisitDomain.create(visit=v.id, domain=d)

    D = dt.date
    visit(ann, D(2025, 2, 10), [koffie])
    visit(eve, D(2025, 3, 1), [koffie, wonen], referral="Wijkteam")
    visit(cas, D(2025, 12, 15), [koffie])
    visit(ann, D(2026, 1, 5), [koffie], by=vera, referral="Wijkteam", due=D(2026, 2, 1), done=D(2026, 2, 3))
    visit(ann, D(2026, 2, 10), [koffie, wonen])
    visit(ben, D(2026, 1, 5), [wonen], referral="Voedselbank", due=D(2026, 3, 15))
    visit(cas, D(2026, 3, 31), [koffie])
    visit(dee, D(2026, 1, 1), [koffie], due=D(2026, 4, 10))
    visit(ann, D(2026, 1, 20), [koffie], where=other)
    for day, where in ((D(2026, 1, 7), here), (D(2026, 3, 2), here), (D(2025, 1, 7), here), (D(2026, 2, 2), other)):
        WalkIn.create(room=where, visit_date=day, at=dt.datetime.combine(day, NOON), recorded_by=coby)
    coffee = CashCategory.get(CashCategory.code == "koffie").id
    groceries = CashCategory.get(CashCategory.code == "boodschappen").id
    for n, (day, direction, cents, category) in enumerate(
            ((D(2025, 2, 1), "in", 700, coffee), (D(2026, 1, 2), "in", 5000, coffee),
             (D(2026, 2, 2), "in", 300, coffee), (D(2026, 3, 3), "out", 4599, groceries)), start=1):
        CashEntry.create(room=here, entry_date=day, direction=direction, amount_cents=cents, category=category,
                         description="", receipt_year=day.year, receipt_no=n, entered_by=coby,
                         entered_at=dt.datetime.combine(day, NOON))
    from db.models import Shift, ShiftAssignment, Volunteer

    vera_p = Volunteer.create(account=vera, room=here, person=ann, started_on=D(2026, 1, 15), created_at=created).id
    coby_p = Volunteer.create(account=coby, room=here, started_on=D(2024, 6, 1), created_at=created).id

    def worked(where, day, dagdeel, who, minutes, status="ingepland"):
        shift = Shift.get_or_none(Shift.room == where, Shift.shift_date == day, Shift.dagdeel == dagdeel)
        if shift is None:
            shift = Shift.create(room=where, shift_date=day, dagdeel=dagdeel, starts_min=540, ends_min=1020, needed=2)
        ShiftAssignment.create(shift=shift.id, volunteer=who, status=status, assigned_by=coby, assigned_at=created,
                               minutes=minutes)

    worked(here, D(2026, 1, 20), "o", vera_p, 210)
    worked(here, D(2026, 2, 10), "m", vera_p, 240)
    worked(here, D(2026, 2, 10), "m", coby_p, 270)
    worked(here, D(2025, 3, 3), "o", coby_p, 180)
    worked(other, D(2026, 2, 11), "o", vera_p, 100)
    worked(here, D(2026, 3, 5), "o", coby_p, None)
    worked(here, D(2026, 1, 20), "o", coby_p, None, status="kan_niet")
    return here


def test_hand_made_report(hand_made, room):
    report = reports.build_report(room["coordinator"], parse_period("2026-Q1"))
    assert report.room == "De Kameleon"
    assert report.previous.label == "2025-Q1"
    got = _figures(report)
    reach, domains = t("reports.sec_reach"), t("reports.sec_domains")
    pc4, corps, refs = t("reports.sec_pc4"), t("reports.sec_corporations"), t("reports.sec_referrals")
    follow, vol, cash = t("reports.sec_follow_ups"), t("reports.sec_volunteers"), t("reports.sec_cash")
    koffie, wonen = "koffie/ontmoeting", "wonen"
    sizes, ages = "Huishoudens naar grootte", "Personen naar leeftijd"
    assert got == {
        (reach, "Unieke personen"): (4, 2),
        (reach, "Unieke huishoudens"): (3, 2),
        (reach, "Bezoeken"): (5, 2),
        (reach, "Koffiebezoekers (anoniem)"): (2, 1),
        (reach, "Nieuwe personen (eerste bezoek ooit)"): (2, 2),
        (reach, "Terugkerende personen"): (2, 0),
        (domains, f"{koffie} — huishoudens"): (3, 2),
        (domains, f"{koffie} — bezoeken"): (4, 2),
        (domains, f"{wonen} — huishoudens"): (1, 1),
        (domains, f"{wonen} — bezoeken"): (2, 1),
        (pc4, "1102"): (1, 1),
        (pc4, "1103"): (1, 0),
        (pc4, "1104"): (1, 0),
        (pc4, "onbekend"): (0, 1),
        (corps, "Ymere"): (1, 1),
        (corps, "Rochdale"): (1, 0),
        (corps, "onbekend"): (1, 1),
        (sizes, "1 persoon"): (0, 0),
        (sizes, "2 personen"): (1, 1),
        (sizes, "3-4 personen"): (1, 0),
        (sizes, "5 of meer personen"): (0, 0),
        (sizes, "onbekend"): (1, 1),
        (ages, "jonger dan 18"): (1, 0),
        (ages, "18-26 jaar"): (1, 0),
        (ages, "27-66 jaar"): (0, 2),
        (ages, "67 jaar en ouder"): (1, 0),
        (ages, "onbekend"): (1, 0),
        (refs, "Wijkteam"): (1, 1),
        (refs, "Voedselbank"): (1, 0),
        (follow, "Afgerond in de periode"): (1, 0),
        (follow, "Te laat (gepland in de periode, niet afgerond)"): (1, 0),
        (vol, "Actief (registreerden bezoeken)"): (2, 1),
        (vol, "Vrijwilligers op het rooster (werkten een dienst)"): (2, 1),
        (vol, "Vrijwilligersuren"): (12, 3),
        (vol, "Nieuwe vrijwilligers"): (1, 0),
        (vol, "Eerst bezoeker, nu vrijwilliger"): (1, 0),
        (t("reports.sec_matches"), "Koppelingen gestart"): (0, 0),  # no peer support in this dataset
        (t("reports.sec_matches"), "Koppelingen actief aan het eind"): (0, 0),
        (t("reports.sec_matches"), "Koppelingen beëindigd"): (0, 0),
        (t("reports.sec_matches"), "Eerst geholpen, nu zelf helper"): (0, 0),
        (cash, "bijdrage koffie/thee — ontvangen"): (5300, 700),
        (cash, "boodschappen — uitgegeven"): (4599, 0),
        (cash, "Totaal ontvangen"): (5300, 700),
        (cash, "Totaal uitgegeven"): (4599, 0),
    }
    sections = {s.title: s for s in report.sections}
    assert [r.label for r in sections[pc4].rows] == ["1102", "1103", "1104", "onbekend"]
    assert [r.label for r in sections[sizes].rows] == ["1 persoon", "2 personen", "3-4 personen",
                                                       "5 of meer personen", "onbekend"]
    assert [r.label for r in sections[ages].rows] == ["jonger dan 18", "18-26 jaar", "27-66 jaar",
                                                      "67 jaar en ouder", "onbekend"]
    assert sections[vol].note == t("reports.note_hours")
    hours = next(r for r in sections[vol].rows if r.label == t("reports.volunteer_hours"))
    assert not hours.count  # hours are not people: never hidden as "<5"
    assert all(r.money and not r.count for r in sections[cash].rows)
    assert all(isinstance(r.value, int) and isinstance(r.previous, int) for s in report.sections for r in s.rows)


def test_hand_made_other_room_and_english(hand_made, room):
    from db.models import Room

    from bwk_tui.i18n import set_language

    other = Room.get(Room.name == "Elders").id
    set_language("en")
    got = _figures(reports.build_report(room["coordinator"], parse_period("2026-Q1"), room_id=other))
    assert got[("Reach", "Visits")] == (1, 0)
    assert got[("Reach", "Unique households")] == (1, 0)
    assert got[("Reach", "Coffee visitors (anonymous)")] == (1, 0)
    assert got[("Reach", "New persons (first visit ever)")] == (0, 0)  # Ann came before, elsewhere
    assert got[("Reach", "Returning persons")] == (1, 0)


def test_a_month_and_free_dates(hand_made, room):
    jan = _figures(reports.build_report(room["coordinator"], parse_period("2026-01")))
    reach = t("reports.sec_reach")
    assert jan[(reach, "Bezoeken")] == (3, 0)  # Dee 1 Jan, Ann and Ben 5 Jan
    free = reports.build_report(room["coordinator"], parse_period(date_from="2026-01-05", date_to="2026-02-10"))
    assert _figures(free)[(reach, "Bezoeken")] == (3, 1)  # Ann twice, Ben; a year earlier Ann 10 Feb 2025


def test_empty_database_period(room):
    report = reports.build_report(room["coordinator"], parse_period("2026-Q3"))
    got = _figures(report)
    assert got[(t("reports.sec_reach"), "Bezoeken")] == (0, 0)
    assert got[(t("reports.sec_cash"), "Totaal ontvangen")] == (0, 0)


# --- the cross-check ----------------------------------------------------------------------


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _expected(period: Period, room_id: int, today: dt.date) -> dict:
    """Every figure by plain Python over all rows in memory."""
    from db.models import CashCategory, CashEntry, HelpDomain, Household, Person, Visit, VisitDomain, WalkIn

    visits = [(v.id, v.person_id, v.room_id, _day(v.visit_date), v.referral, _day(v.follow_up_date),
               _day(v.follow_up_done), v.recorded_by_id) for v in Visit.select()]
    persons = {p.id: p for p in Person.select()}
    households = {h.id: h for h in Household.select()}
    domains_of: dict[int, list[int]] = {}
    for vd in VisitDomain.select():
        domains_of.setdefault(vd.visit_id, []).append(vd.domain_id)
    first_visit: dict[int, dt.date] = {}
    for _, pid, _, day, *_ in visits:
        first_visit[pid] = min(day, first_visit.get(pid, day))

    def hh(pid):
        p = persons[pid]
        return p.household_id if p.household_id is not None else -pid

    def within(day):
        return day is not None and period.start <= day <= period.end

    mine = [v for v in visits if v[2] == room_id and within(v[3])]
    who = {v[1] for v in mine}
    out = {
        "persons": len(who),
        "households": len({hh(p) for p in who}),
        "visits": len(mine),
        "walk_ins": sum(1 for w in WalkIn.select() if w.room_id == room_id and within(_day(w.visit_date))),
        "new": sum(1 for p in who if first_visit[p] >= period.start),
        "volunteers": len({v[7] for v in mine}),
        "done": sum(1 for v in visits if v[2] == room_id and within(v[6])),
        "overdue": sum(1 for v in visits if v[2] == room_id and v[6] is None and within(v[5])
                       and v[5] < today),
    }
    out["returning"] = out["persons"] - out["new"]
    size_of = {}
    for p in who:
        size = households[persons[p].household_id].size if persons[p].household_id is not None else None
        size_of[hh(p)] = ("onbekend" if not size else "1 persoon" if size == 1 else "2 personen" if size == 2
                          else "3-4 personen" if size <= 4 else "5 of meer personen")
    out["sizes"] = {band: list(size_of.values()).count(band) for band in set(size_of.values())}
    ages: dict[str, int] = {}
    for p in who:
        born = persons[p].birth_year
        age = None if born is None else period.end.year - born
        band = ("onbekend" if age is None or age < 0 else "jonger dan 18" if age < 18 else "18-26 jaar"
                if age < 27 else "27-66 jaar" if age < 67 else "67 jaar en ouder")
        ages[band] = ages.get(band, 0) + 1
    out["ages"] = ages
    names = {d.id: d.name_nl for d in HelpDomain.select()}
    per_domain: dict = {}
    for v in mine:
        for d in domains_of.get(v[0], []):
            entry = per_domain.setdefault(names[d], [set(), 0])
            entry[0].add(hh(v[1]))
            entry[1] += 1
    out["domains"] = {k: (len(h), n) for k, (h, n) in per_domain.items()}
    pc4, corps = {}, {}
    for p in who:
        person = persons[p]
        household = households.get(person.household_id)
        code = household.pc4 if household is not None and household.pc4 is not None else person.pc4
        pc4.setdefault(str(code) if code is not None else "onbekend", set()).add(hh(p))
        corps.setdefault(person.housing_corporation or "onbekend", set()).add(hh(p))
    out["pc4"] = {k: len(v) for k, v in pc4.items()}
    out["corporations"] = {k: len(v) for k, v in corps.items()}
    refs: dict = {}
    for v in mine:
        if v[4]:
            refs[v[4]] = refs.get(v[4], 0) + 1
    out["referrals"] = refs
    categories = {c.id: c.name_nl for c in CashCategory.select()}
    transfer = {c.id for c in CashCategory.select() if c.code in ("storting", "opname")}
    cash: dict = {}
    transfers: dict = {}
    for e in CashEntry.select():
        if e.room_id == room_id and within(_day(e.entry_date)):
            # a reversal counts against its original's direction (netted), a transfer apart
            direction = e.direction if e.reverses_id is None else ("out" if e.direction == "in" else "in")
            sign = 1 if e.reverses_id is None else -1
            into = transfers if e.category_id in transfer else cash
            key = (categories[e.category_id], direction)
            into[key] = into.get(key, 0) + sign * e.amount_cents
    out["cash"] = cash
    out["transfers"] = transfers
    # The roster: who worked a shift of this room in the period, for how long, and who came as a visitor first.
    from db.models import Shift, ShiftAssignment, Volunteer

    shifts = {s.id: s for s in Shift.select()}
    worked: dict[int, int] = {}
    for a in ShiftAssignment.select():
        shift = shifts[a.shift_id]
        if shift.room_id == room_id and within(_day(shift.shift_date)) and (a.minutes or 0) > 0:
            worked[a.volunteer_id] = worked.get(a.volunteer_id, 0) + a.minutes
    profiles = {v.id: v for v in Volunteer.select()}
    out["on_roster"] = len(worked)
    out["hours"] = (sum(worked.values()) + 30) // 60
    out["new_volunteers"] = sum(1 for v in profiles.values() if v.room_id == room_id and within(_day(v.started_on)))
    out["from_residents"] = sum(1 for vid in worked if profiles[vid].person_id is not None
                                and profiles[vid].person_id in first_visit
                                and first_visit[profiles[vid].person_id] < _day(profiles[vid].started_on))
    # Peer support, from the match rows (times are UTC; the room counts Amsterdam days).
    from bwk_tui.services.kernel.clock import to_local
    from db.models import HelpOffer, HelpRequest, Match

    def local(moment):
        return to_local(moment).date() if moment else None

    request_room = {r.id: (r.room_id, r.person_id) for r in HelpRequest.select()}
    started = active = ended = 0
    helped = set()
    for m in Match.select():
        begin, finish = local(m.started_at), local(m.ended_at)
        if begin is not None and begin <= period.end:
            helped.add(request_room[m.request_id][1])
        if request_room[m.request_id][0] != room_id or begin is None:
            continue
        started += within(begin)
        active += begin <= period.end and (finish is None or finish > period.end)
        ended += finish is not None and within(finish)
    out["matches"] = (started, active, ended)
    out["reciprocity"] = len({o.person_id for o in HelpOffer.select()
                              if o.room_id == room_id and o.person_id in helped
                              and local(o.created_at) <= period.end
                              and (o.active or local(o.created_at) >= period.start)})
    return out


def _as_rows(x: dict) -> dict[tuple[str, str], int]:
    reach, domains = t("reports.sec_reach"), t("reports.sec_domains")
    rows = {
        (reach, t("reports.persons")): x["persons"], (reach, t("reports.households")): x["households"],
        (reach, t("reports.visits")): x["visits"], (reach, t("reports.walk_ins")): x["walk_ins"],
        (reach, t("reports.new_persons")): x["new"], (reach, t("reports.returning_persons")): x["returning"],
        (t("reports.sec_follow_ups"), t("reports.follow_ups_done")): x["done"],
        (t("reports.sec_follow_ups"), t("reports.follow_ups_overdue")): x["overdue"],
        (t("reports.sec_volunteers"), t("reports.volunteers_active")): x["volunteers"],
        (t("reports.sec_volunteers"), t("reports.volunteers_on_roster")): x["on_roster"],
        (t("reports.sec_volunteers"), t("reports.volunteer_hours")): x["hours"],
        (t("reports.sec_volunteers"), t("reports.volunteers_new")): x["new_volunteers"],
        (t("reports.sec_volunteers"), t("reports.volunteers_from_residents")): x["from_residents"],
        (t("reports.sec_matches"), t("reports.matches_started")): x["matches"][0],
        (t("reports.sec_matches"), t("reports.matches_active")): x["matches"][1],
        (t("reports.sec_matches"), t("reports.matches_ended")): x["matches"][2],
        (t("reports.sec_matches"), t("reports.reciprocity")): x["reciprocity"],
    }
    for name, (h, n) in x["domains"].items():
        rows[(domains, t("reports.domain_households", domain=name))] = h
        rows[(domains, t("reports.domain_visits", domain=name))] = n
    rows.update({(t("reports.sec_pc4"), k): v for k, v in x["pc4"].items()})
    rows.update({(t("reports.sec_corporations"), k): v for k, v in x["corporations"].items()})
    rows.update({(t("reports.sec_referrals"), k): v for k, v in x["referrals"].items()})
    rows.update({(t("reports.sec_household_sizes"), k): v for k, v in x["sizes"].items()})
    rows.update({(t("reports.sec_age_bands"), k): v for k, v in x["ages"].items()})
    cash = t("reports.sec_cash")
    for (name, direction), cents in x["cash"].items():
        rows[(cash, t("reports.cash_in" if direction == "in" else "reports.cash_out", category=name))] = cents
    rows[(cash, t("reports.cash_in_total"))] = sum(c for (_, d), c in x["cash"].items() if d == "in")
    rows[(cash, t("reports.cash_out_total"))] = sum(c for (_, d), c in x["cash"].items() if d == "out")
    for (name, _direction), cents in x.get("transfers", {}).items():
        rows[(t("reports.sec_transfers"), name)] = cents
    return rows


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from bwk_tui import demo
    from bwk_tui.services.room import open_ready

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    opened = open_ready(str(path))
    demo.build_demo(seed=1, scale="small", now=dt.datetime(2026, 11, 20, 15, 0))
    opened.db.close()
    return path


@pytest.mark.parametrize("text", ["2026-Q3", "2026", "2026-11"])
def test_cross_check_against_plain_python(demo_db, text, clock, coordinator_of):
    from bwk_tui.services import room as room_service
    from bwk_tui.services.room import open_ready

    opened = open_ready(str(demo_db))
    try:
        today = dt.date(2026, 11, 20)
        clock.day = today
        period = parse_period(text)
        room_id = room_service.current_room_id()
        report = reports.build_report(coordinator_of(), period)
        if period.start <= today < period.end:  # not over yet: up to today, beside the same days of 2025
            period = Period(period.start, today, period.label)
            assert t("reports.note_until", day="20 november 2026") in report.notes
        got = _figures(report)
        now, before = _as_rows(_expected(period, room_id, today)), _as_rows(_expected(period.year_earlier(),
                                                                                      room_id, today))
        expected = {key: (now.get(key, 0), before.get(key, 0)) for key in set(now) | set(before)}
        # rows that are zero in both periods may or may not be shown (reach, totals, follow-ups are always)
        assert {k: v for k, v in got.items() if v != (0, 0)} == {k: v for k, v in expected.items() if v != (0, 0)}
        assert got[(t("reports.sec_reach"), t("reports.visits"))][0] > 100  # the check is not vacuous
        if text == "2026":
            # The demo starts late in 2025, after 20 November: 1 January - 20 November 2025 has
            # no data, and the report says so instead of comparing with nothing.
            first = reports.first_data_day(room_id)
            assert first > dt.date(2025, 1, 1)
            assert t("reports.note_no_data_before", day=first.strftime("%d-%m-%Y")) in report.notes
    finally:
        opened.db.close()


def test_matching_figures_in_the_report(room):
    """By hand: one match started and still running, one started and ended, one helped person now helps."""
    from bwk_tui.services.matching import matches
    from bwk_tui.services.matching import requests
    from bwk_tui.services.visitors import visits
    from bwk_tui.services.visitors.persons import PersonForm, register

    coordinator = room["coordinator"]
    domain = visits.domains()[0].id
    asker = register(coordinator, PersonForm(first_name="Abena", pc4="1102", consent=True))
    other = register(coordinator, PersonForm(first_name="Kofi", pc4="1103", consent=True))
    helper = register(coordinator, PersonForm(first_name="Ama", pc4="1104", consent=True))
    offer = requests.create_offer(coordinator, requests.OfferForm([domain], 3, person_id=helper.id))
    first = requests.create_request(coordinator, requests.RequestForm(asker.id, [domain]))
    second = requests.create_request(coordinator, requests.RequestForm(other.id, [domain]))
    running = matches.confirm(coordinator, matches.propose(coordinator, first.id, offer.id).id)
    ended = matches.confirm(coordinator, matches.propose(coordinator, second.id, offer.id).id)
    matches.finish(coordinator, ended.id, "geholpen met de brief")
    requests.create_offer(coordinator, requests.OfferForm([domain], 1, person_id=asker.id))  # Abena now helps
    assert running.status == "actief"
    from bwk_tui.services.kernel import clock

    report = reports.build_report(room["coordinator"], parse_period(f"{clock.today().year}"))
    got = {(s.title, r.label): (r.value, r.previous) for s in report.sections for r in s.rows
           if s.title == t("reports.sec_matches")}
    section = t("reports.sec_matches")
    assert got == {(section, "Koppelingen gestart"): (2, 0), (section, "Koppelingen actief aan het eind"): (1, 0),
                   (section, "Koppelingen beëindigd"): (1, 0), (section, "Eerst geholpen, nu zelf helper"): (1, 0)}



def test_reversals_are_netted_and_transfers_kept_apart(room, clock):
    """By hand: koffie in 20,00 and 5,00, the 5,00 reversed; boodschappen out 7,50; a deposit of
    10,00 to the bank. Income 20,00 (not 25,00), spending 7,50 (not 12,50 or 17,50)."""
    from bwk_tui.services.cash import cash

    boss = room["coordinator"]
    codes = {c.code: c.id for c in cash.categories(active_only=False)}
    cash.add_entry(boss, "in", "20", codes["koffie"], "koffiepot")
    wrong = cash.add_entry(boss, "in", "5", codes["koffie"], "dubbel geteld")
    cash.add_entry(boss, "out", "7,50", codes["boodschappen"], "melk")
    cash.reverse(boss, wrong.id, "dubbel geboekt")
    cash.add_entry(boss, "out", "10", codes["storting"], "naar de bank")
    report = reports.build_report(boss, parse_period(str(clock.today().year)))
    got = _figures(report)
    money_section, transfers = t("reports.sec_cash"), t("reports.sec_transfers")
    assert got[(money_section, "bijdrage koffie/thee — ontvangen")] == (2000, 0)
    assert (money_section, "bijdrage koffie/thee — uitgegeven") not in got  # the reversal is no spending
    assert got[(money_section, "Totaal ontvangen")] == (2000, 0)
    assert got[(money_section, "Totaal uitgegeven")] == (750, 0)
    assert got[(transfers, "storting naar bank")] == (1000, 0)


def test_a_period_not_over_yet_is_compared_with_the_same_days_a_year_earlier(room, clock):
    period = parse_period(f"{clock.today().year}-Q{(clock.today().month - 1) // 3 + 1}")
    report = reports.build_report(room["coordinator"], period)
    assert report.period.end == clock.today() and report.previous.end == clock.today().replace(year=clock.today().year - 1)
    assert any(note.startswith("t/m ") for note in report.notes)


def test_size_and_age_bands_at_their_edges():
    assert [reports.size_band(n) for n in (None, 0, 1, 2, 3, 4, 5, 12)] == [
        "unknown", "unknown", "1", "2", "3-4", "3-4", "5+", "5+"]
    year = 2026
    assert [reports.age_band(born, year) for born in (None, 2027, 2026, 2009, 2008, 2000, 1999, 1960, 1959, 1920)] \
        == ["unknown", "unknown", "<18", "<18", "18-26", "18-26", "27-66", "27-66", "67+", "67+"]
