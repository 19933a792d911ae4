"""Hours on the day (attendance service) and the volunteer allowance against its legal maximums
(allowance service), on hand-made examples whose figures are worked out in the comments.

Every database test runs on SQLite and on PostgreSQL (the ``room`` fixture). The room's clock is
fixed on Wednesday 25 November 2026, 09:00 in Amsterdam (08:00 UTC); tests move it with
``clock.at(day, hour, minute)`` (local time).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from db.models import ABSENT, PLANNED, Setting, ShiftAssignment

from bwk_tui.services.roster import allowance
from bwk_tui.services.roster import attendance
from bwk_tui.services.room import auth
from bwk_tui.services.closing import closing
from bwk_tui.services import room
from bwk_tui.services.roster import shifts
from bwk_tui.services.roster import stand_ins
from bwk_tui.services.roster import holidays
from bwk_tui.services.roster import templates
from bwk_tui.services.roster import volunteers
from bwk_tui.services.room import settings
from bwk_tui.services.roster.allowance import AllowanceWarning, Excess
from bwk_tui.services.kernel.scoring import Reason
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed

WED = dt.date(2026, 11, 25)  # "today": a Wednesday
NEXT_WED = dt.date(2026, 12, 2)
DAY = dt.timedelta(days=1)


@pytest.fixture
def clock(roster_clock):
    return roster_clock


@pytest.fixture
def boss(room, clock):
    return room["coordinator"]


@pytest.fixture
def vera(room, clock):
    return room["volunteer"]


def template(boss, weekday: int, dagdeel: str, starts: str = "", ends: str = "", needed=1, skill=None):
    return templates.add_template(boss, templates.TemplateForm(weekday, dagdeel, starts, ends, needed, skill))


def volunteer(boss, name: str, **profile) -> volunteers.VolunteerInfo:
    account = auth.create_account_as_admin(name, "volunteer", "826419")
    return volunteers.save_profile(boss, volunteers.ProfileForm(account.id, **profile))


def shift_on(day: dt.date, dagdeel: str) -> shifts.ShiftInfo:
    view = shifts.week(day)
    return next(d for d in view.days if d.day == day).shifts[dagdeel]


def assignment_of(shift_id: int, volunteer_id: int) -> int:
    return ShiftAssignment.get((ShiftAssignment.shift == shift_id)
                               & (ShiftAssignment.volunteer == volunteer_id)).id


def minutes_of(assignment_id: int) -> int | None:
    return ShiftAssignment.get_by_id(assignment_id).minutes


# --- attendance ----------------------------------------------------------------------------


@pytest.fixture
def today_shift(boss, vera):
    """Today, Wednesday morning 9:00-12:30 (210 minutes), needs 3: Vera, Ans and Bram are on it.
    Returns (shift id, {name: assignment id})."""
    template(boss, 2, "o", needed=3)
    ans, bram = volunteer(boss, "Ans"), volunteer(boss, "Bram")
    morning = shift_on(WED, "o")
    shifts.sign_up(vera, morning.id)
    shifts.assign(boss, morning.id, ans.id)
    shifts.assign(boss, morning.id, bram.id)
    on = {p.name: p.assignment_id for p in shifts.shift(morning.id).planned}
    assert set(on) == {"Vera", "Ans", "Bram"}
    return morning.id, on


def test_sign_in_and_out_records_the_minutes_between(vera, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 9, 2)
    signed_in = attendance.sign_in(vera, on["Vera"])
    assert signed_in.signed_in_at == clock.now and signed_in.minutes is None
    with pytest.raises(BwkError) as caught:
        attendance.sign_in(vera, on["Vera"])
    assert caught.value.key == "error.roster_signed_in"

    clock.at(WED, 12, 47)  # 3 h 45 min later
    out = attendance.sign_out(vera, on["Vera"])
    assert out.minutes == 225 and minutes_of(on["Vera"]) == 225
    assert out.signed_out_at == clock.now and out.signed_in_at == dt.datetime(2026, 11, 25, 8, 2)
    with pytest.raises(BwkError) as caught:
        attendance.sign_out(vera, on["Vera"])
    assert caught.value.key == "error.roster_signed_out"
    assert minutes_of(on["Vera"]) == 225


def test_sign_in_only_on_the_day_and_sign_out_only_after_it(boss, vera, clock, today_shift):
    _, on = today_shift
    with pytest.raises(BwkError) as caught:
        attendance.sign_out(vera, on["Vera"])
    assert caught.value.key == "error.roster_not_signed_in"
    later = shifts.sign_up(vera, shift_on(NEXT_WED, "o").id)
    with pytest.raises(BwkError) as caught:
        attendance.sign_in(vera, later.people[0].assignment_id)
    assert caught.value.key == "error.roster_not_today"
    clock.at(WED + DAY, 9)
    with pytest.raises(BwkError) as caught:
        attendance.sign_in(vera, on["Vera"])
    assert caught.value.key == "error.roster_not_today"
    assert ShiftAssignment.select().where(ShiftAssignment.signed_in_at.is_null(False)).count() == 0


def test_sign_out_only_on_the_day_and_not_over_confirmed_hours(boss, vera, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 9, 0)
    attendance.sign_in(vera, on["Vera"])
    attendance.sign_in(boss, on["Bram"])
    # Bram's hours are confirmed by the coordinator (from signing in to the planned end) ...
    clock.at(WED, 12, 30)
    attendance.confirm_planned(boss, WED, assignment_ids=[on["Bram"]])
    assert minutes_of(on["Bram"]) == 210
    # ... so his own sign-out cannot overwrite them.
    with pytest.raises(BwkError) as caught:
        attendance.sign_out(boss, on["Bram"])
    assert caught.value.key == "error.roster_already_worked" and minutes_of(on["Bram"]) == 210
    # Vera forgot to sign out and tries the next morning: 24 hours would be counted. Refused.
    clock.at(WED + DAY, 9, 0)
    with pytest.raises(BwkError) as caught:
        attendance.sign_out(vera, on["Vera"])
    assert caught.value.key == "error.roster_not_today" and minutes_of(on["Vera"]) is None


def test_a_day_with_someone_signed_in_cannot_be_closed(boss, vera, clock, today_shift):
    _, on = today_shift
    attendance.sign_in(vera, on["Vera"])
    with pytest.raises(BwkError) as caught:
        holidays.close_day(boss, WED, "storing")
    assert caught.value.key == "error.roster_close_worked"
    assert holidays.holidays(WED, WED) == {} and len(shifts.shift(shift_on(WED, "o").id).planned) == 3


def test_a_past_shift_without_hours_is_not_counted_as_planned(boss, vera, clock):
    """Vera was planned on Monday 23 Nov (past, never confirmed) and Thursday 26 Nov (to come)."""
    template(boss, 0, "o")
    template(boss, 3, "o")
    clock.at(WED - 2 * DAY, 8)
    shifts.sign_up(vera, shift_on(WED - 2 * DAY, "o").id)
    clock.at(WED, 9)
    shifts.sign_up(vera, shift_on(WED + DAY, "o").id)
    vera_id = volunteers.profile_for_account(vera.account_id).id
    [line] = [h for h in allowance.hours(boss, 2026, 11) if h.volunteer_id == vera_id]
    assert (line.month_minutes, line.planned_minutes) == (0, 210)  # only Thursday is still planned
    assert allowance.month_minutes([vera_id], 2026, 11) == {vera_id: 210}


def test_a_volunteer_signs_in_only_herself(boss, vera, clock, today_shift):
    _, on = today_shift
    with pytest.raises(NotAllowed):
        attendance.sign_in(vera, on["Ans"])
    assert attendance.line(on["Ans"]).signed_in_at is None
    assert attendance.sign_in(boss, on["Ans"]).signed_in_at == clock.now  # a coordinator may, for her


def test_confirm_planned_records_the_planned_minutes_of_those_without_hours(boss, vera, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 9, 2)
    attendance.sign_in(vera, on["Vera"])
    clock.at(WED, 9, 15)
    attendance.sign_in(boss, on["Bram"])  # came at 9:15 and forgot to sign out
    clock.at(WED, 12, 47)
    attendance.sign_out(vera, on["Vera"])
    clock.at(WED, 13, 0)
    assert attendance.open_count() == 2

    assert attendance.confirm_planned(boss) == 2

    assert minutes_of(on["Vera"]) == 225  # her own hours stay
    assert minutes_of(on["Ans"]) == 210  # 9:00-12:30
    assert minutes_of(on["Bram"]) == 210  # the planned times, as the button says (not 9:15-12:30)
    assert ShiftAssignment.get_by_id(on["Ans"]).confirmed_by_id == boss.account_id
    assert [(x.name, x.minutes) for x in attendance.day_lines()] == [("Ans", 210), ("Bram", 210), ("Vera", 225)]
    assert attendance.open_count() == 0 and attendance.confirm_planned(boss) == 0


def test_confirm_planned_only_for_the_given_people_past_days_and_coordinators(boss, vera, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 12, 30)  # the morning shift has just ended
    with pytest.raises(NotAllowed):
        attendance.confirm_planned(vera)
    shifts.sign_up(vera, shift_on(NEXT_WED, "o").id)
    with pytest.raises(BwkError) as caught:
        attendance.confirm_planned(boss, NEXT_WED)
    assert caught.value.key == "error.roster_future_hours"
    assert attendance.confirm_planned(boss, assignment_ids=[on["Ans"]]) == 1
    assert [minutes_of(on[n]) for n in ("Vera", "Ans", "Bram")] == [None, 210, None]


def test_correct_sets_the_minutes_worked(boss, vera, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 13, 0)  # after the morning shift
    attendance.confirm_planned(boss)
    fixed = attendance.correct(boss, on["Ans"], "9:30", "12:00")
    assert fixed.minutes == 150 and minutes_of(on["Ans"]) == 150
    assert attendance.correct(boss, on["Bram"], "8.45", "1300").minutes == 255
    for starts, ends, field in [("12:00", "9:30", "ends"), ("9:00", "9:00", "ends"), ("25:00", "12:00", "starts")]:
        with pytest.raises(InvalidInput) as caught:
            attendance.correct(boss, on["Ans"], starts, ends)
        assert caught.value.field == field
    with pytest.raises(NotAllowed):
        attendance.correct(vera, on["Vera"], "9:00", "17:00")  # not even her own
    assert [minutes_of(on[n]) for n in ("Vera", "Ans", "Bram")] == [210, 150, 255]
    later = shifts.sign_up(vera, shift_on(NEXT_WED, "o").id)
    with pytest.raises(BwkError) as caught:
        attendance.correct(boss, later.people[0].assignment_id, "9:00", "12:00")
    assert caught.value.key == "error.roster_future_hours"


def test_mark_absent_clears_the_minutes(boss, clock, today_shift):
    _, on = today_shift
    clock.at(WED, 13, 0)  # after the morning shift
    attendance.confirm_planned(boss)
    absent = attendance.mark_absent(boss, on["Bram"])
    assert (absent.status, absent.minutes, absent.signed_in_at) == (ABSENT, None, None)
    assert [(x.name, x.status, x.minutes) for x in attendance.day_lines()] == [
        ("Ans", PLANNED, 210), ("Bram", ABSENT, None), ("Vera", PLANNED, 210)]
    assert attendance.open_count() == 0 and attendance.confirm_planned(boss) == 0  # absent is not open
    # came after all: a correction puts her back with the hours
    assert attendance.correct(boss, on["Bram"], "10:00", "12:30").status == PLANNED
    assert minutes_of(on["Bram"]) == 150


def test_a_day_whose_cash_is_closed_refuses_changes(boss, vera, clock, today_shift):
    """The morning shift ended before the closing at 17:00: its hours are fixed with the day."""
    _, on = today_shift
    clock.at(WED, 9, 5)
    attendance.sign_in(vera, on["Vera"])
    attendance.correct(boss, on["Ans"], "9:00", "12:00")
    clock.at(WED, 17, 0)
    closing.close(boss, {}, "", "246813")  # an empty cash box, counted as empty: the day is closed
    before = [(a.id, a.status, a.minutes, a.signed_in_at, a.signed_out_at) for a in ShiftAssignment.select()]
    for attempt in (lambda: attendance.sign_in(boss, on["Bram"]),
                    lambda: attendance.sign_out(vera, on["Vera"]),
                    lambda: attendance.confirm_planned(boss),
                    lambda: attendance.correct(boss, on["Ans"], "9:00", "12:30"),
                    lambda: attendance.mark_absent(boss, on["Bram"])):
        with pytest.raises(BwkError) as caught:
            attempt()
        assert caught.value.key == "error.roster_day_closed"
    after = [(a.id, a.status, a.minutes, a.signed_in_at, a.signed_out_at) for a in ShiftAssignment.select()]
    assert sorted(after) == sorted(before)


def evening(boss, vera):
    """Today's 18:00-21:00 evening shift (Wednesday 'a'), with Vera on it, and Ans on the morning."""
    template(boss, 2, "o", needed=2)
    template(boss, 2, "a", "18:00", "21:00", needed=2)
    ans = volunteer(boss, "Ans")
    shifts.assign(boss, shift_on(WED, "o").id, ans.id)
    night = shift_on(WED, "a")
    shifts.sign_up(vera, night.id)
    return {"morning": assignment_of(shift_on(WED, "o").id, ans.id),
            "evening": shifts.shift(night.id).planned[0].assignment_id, "night_shift": night.id}


def test_a_closing_at_half_past_twelve_confirms_only_the_ended_morning_not_the_evening(boss, vera, clock):
    """Issue 14 by hand: at 12:30 the morning (9:00-12:30 = 210 min) is over, the evening
    (18:00-21:00) is still to come: confirming gives Ans 210 minutes and Vera nothing."""
    on = evening(boss, vera)
    clock.at(WED, 12, 30)
    assert attendance.still_to_come() == 1 and attendance.open_count() == 2
    assert attendance.confirm_planned(boss) == 1
    assert (minutes_of(on["morning"]), minutes_of(on["evening"])) == (210, None)
    closed = closing.close(boss, {}, "", "246813")
    assert closing.summary(WED, room.current_room_id()).volunteer_minutes == 210
    # The roster of the signed day is closed: nobody on or off, not even on the evening shift.
    stand_in = volunteer(boss, "Bram")
    for attempt in (lambda: shifts.assign(boss, on["night_shift"], stand_in.id),
                    lambda: shifts.remove(boss, on["night_shift"], vera.account_id and
                                          ShiftAssignment.get_by_id(on["evening"]).volunteer_id),
                    lambda: shifts.cant_come(vera, on["night_shift"],
                                             ShiftAssignment.get_by_id(on["evening"]).volunteer_id)):
        with pytest.raises(BwkError) as caught:
            attempt()
        assert caught.value.key == "error.roster_signed"
    assert [p.name for p in shifts.shift(on["night_shift"]).planned] == ["Vera"]
    # The morning's hours are fixed; the evening's stay open until it has run.
    with pytest.raises(BwkError) as caught:
        attendance.correct(boss, on["morning"], "9:00", "12:00")
    assert caught.value.key == "error.roster_day_closed"
    assert [x.assignment_id for x in attendance.late_open_lines()] == [on["evening"]]
    assert closed.closing_id and attendance.confirm_planned(boss) == 0  # not over yet: no hours
    clock.at(WED + DAY, 10, 0)  # the next open day
    assert [x.assignment_id for x in attendance.late_open_lines()] == [on["evening"]]
    assert attendance.confirm_planned(boss, WED) == 1
    assert minutes_of(on["evening"]) == 180  # 18:00-21:00, confirmed on Thursday
    assert attendance.late_open_lines() == []
    with pytest.raises(BwkError) as caught:  # and now those are fixed too
        attendance.correct(boss, on["evening"], "18:00", "20:00")
    assert caught.value.key == "error.roster_day_closed"


def test_the_evening_volunteer_signs_in_and_out_after_the_closing(boss, vera, clock):
    on = evening(boss, vera)
    clock.at(WED, 17, 0)
    closing.close(boss, {}, "", "246813")
    clock.at(WED, 17, 55)
    attendance.sign_in(vera, on["evening"])
    clock.at(WED, 21, 10)
    assert attendance.sign_out(vera, on["evening"]).minutes == 195  # 17:55-21:10


# --- the allowance: the legal maximums -----------------------------------------------------


@pytest.mark.parametrize("minutes, rate, cents", [
    (2400, 500, 20000),  # 40 h at EUR 5.00 = EUR 200.00
    (130, 500, 1083),  # 2 h 10 min: EUR 10.8333..
    (1, 500, 8),  # EUR 0.0833..
    (3, 10, 1),  # half a cent rounds up
    (2, 10, 0),  # a third of a cent does not
    (90, 250, 375),
    (600, None, 0), (600, 0, 0),
])
def test_amount_is_hours_times_the_rate_rounded_half_up_to_the_cent(minutes, rate, cents):
    assert allowance.amount(minutes, rate) == cents


def test_parse_limits_reads_a_line_per_year():
    assert allowance.parse_limits("2026: 210 / 2100") == {2026: (21000, 210000)}
    assert allowance.parse_limits("2025:200/2000; 2026: € 210,50 / €2.100\n\n") == {
        2025: (20000, 200000), 2026: (21050, 210000)}


@pytest.mark.parametrize("text, key", [
    ("", "error.setting_empty"), ("  \n ", "error.setting_empty"),
    ("twee honderd", "error.allowance_limits"), ("2026: 210", "error.allowance_limits"),
    ("26: 210 / 2100", "error.allowance_limits"), ("2026: 210 / 2100 / 5", "error.allowance_limits"),
    ("2026: 2100 / 210", "error.allowance_limits"),  # a month above the year
    ("2026: 210 / 2100\n2027: abc / 2200", "error.allowance_limits"),
    ("2026: 2,1,0 / 2100", "error.allowance_limits"),
])
def test_parse_limits_refuses_garbage_and_a_month_above_the_year(text, key):
    with pytest.raises(InvalidInput) as caught:
        allowance.parse_limits(text)
    assert caught.value.key == key and caught.value.field == "value"
    caught.value.message()  # the message can be shown


def test_the_setting_is_checked_and_a_year_without_a_line_uses_the_one_before(boss):
    stored = settings.change("allowance_limits", "2027:220,50/2200 ; 2026: 210 / 2100", boss.account_id)
    assert stored == "2026: 210 / 2100\n2027: 220,50 / 2200"
    assert allowance.limits(2026) == (21000, 210000)
    assert allowance.limits(2027) == (22050, 220000)
    assert allowance.limits(2031) == (22050, 220000)
    assert allowance.limits(2025) is None
    for bad in ("2026: 2100 / 210", "maximaal 210", ""):
        with pytest.raises(InvalidInput):
            settings.change("allowance_limits", bad, boss.account_id)
    assert settings.get("allowance_limits") == stored


def test_a_broken_stored_setting_falls_back_to_the_defaults(room):
    Setting.insert(key="allowance_limits", value="kapot").execute()
    assert allowance.limits(2026) == (21000, 210000)


@pytest.fixture
def ans(boss):
    """Ans, at EUR 5.00 an hour, with the 2026 maximums of EUR 210 a month and EUR 2100 a year."""
    settings.change("allowance_limits", "2026: 210 / 2100", boss.account_id)
    return volunteer(boss, "Ans", hourly_allowance="5,00",
                     availability="ma-o,di-o,wo-o,do-o,vr-o,wo-m", skills=["gastvrouw"])


NOV_2 = dt.date(2026, 11, 2)  # a Monday


def test_the_month_maximum_warns_before_an_assignment_goes_over_it(boss, clock, ans):
    """Mornings 9:00-14:00 (5 h = EUR 25) on eight weekdays: 40 h = EUR 200, under EUR 210.
    A Wednesday afternoon 14:00-17:00 (3 h = EUR 15) on top would make EUR 215."""
    clock.at(NOV_2, 8)
    for weekday in range(5):
        template(boss, weekday, "o", "9:00", "14:00")
    template(boss, 2, "m", "14:00", "17:00")
    templates.generate(NOV_2, dt.date(2026, 11, 30))
    mornings = [NOV_2 + n * DAY for n in (0, 1, 2, 3, 4, 7, 8, 9)]
    for day in mornings:
        shifts.assign(boss, shift_on(day, "o").id, ans.id)
    assert allowance.would_exceed(ans.id, NOV_2, 0) is None
    assert allowance.would_exceed(ans.id, dt.date(2026, 11, 30), 120) is None  # EUR 210: at, not over
    assert allowance.would_exceed(ans.id, dt.date(2026, 11, 30), 121) == Excess("november 2026", 21008, 21000)
    assert allowance.would_exceed(ans.id, dt.date(2026, 12, 1), 180) is None  # another month

    afternoon = shift_on(NOV_2 + 2 * DAY, "m")
    before = ShiftAssignment.select().count()
    with pytest.raises(AllowanceWarning) as caught:
        shifts.assign(boss, afternoon.id, ans.id)
    assert caught.value.key == "roster.allowance_warning"
    assert caught.value.params["name"] == "Ans" and caught.value.params["period"] == "november 2026"
    assert "215,00" in caught.value.params["amount"] and "210,00" in caught.value.params["limit"]
    assert "Ans" in caught.value.message()
    assert ShiftAssignment.select().count() == before
    # she signs up herself: the same warning
    own = auth.login("Ans", "826419")
    with pytest.raises(AllowanceWarning):
        shifts.sign_up(own, afternoon.id)
    assert ShiftAssignment.select().count() == before
    # asked and accepted: it goes through
    assert shifts.sign_up(own, afternoon.id, accept_over_allowance=True).has(own.account_id)
    assert allowance.month_minutes([ans.id], 2026, 11) == {ans.id: 43 * 60}


def test_stand_ins_put_whoever_would_go_over_last(boss, clock, ans):
    clock.at(NOV_2, 8)
    template(boss, 2, "o", "9:00", "14:00", needed=1)
    bram = volunteer(boss, "Bram")  # no availability, no skill, no allowance
    templates.generate(NOV_2, dt.date(2026, 11, 30))
    wednesdays = [NOV_2 + 2 * DAY + n * 7 * DAY for n in range(4)]  # 4, 11, 18, 25 November
    for day in wednesdays[:3]:
        shifts.assign(boss, shift_on(day, "o").id, ans.id)
    # 15 h = EUR 75 so far: the fourth (EUR 25) is fine
    first = stand_ins.stand_ins(shift_on(wednesdays[3], "o").id)
    assert [(s.name, s.over_allowance) for s in first] == [("Ans", False), ("Bram", False)]
    settings.change("allowance_limits", "2026: 90 / 2100", boss.account_id)  # now EUR 100 > EUR 90
    ranked = stand_ins.stand_ins(shift_on(wednesdays[3], "o").id)
    assert [(s.name, s.over_allowance) for s in ranked] == [("Bram", False), ("Ans", True)]
    assert ranked[1].score > ranked[0].score  # better on points, but last
    assert ranked[1].reasons[-1] == Reason("zou boven de maximale vergoeding komen", 0)
    assert ranked[1].score == sum(r.points for r in ranked[1].reasons)
    assert bram.hourly_allowance_cents is None


def test_the_year_maximum_warns_too(boss, clock, ans):
    """Two Monday shifts of 21 h a month, January to October: EUR 210 a month (the month maximum,
    not over it) and EUR 2100 by the end of October (the year maximum, not over it). Any more
    in November takes the year over, while November itself stays under EUR 210."""
    clock.at(dt.date(2026, 1, 1), 0, 0)
    template(boss, 0, "o", "0:00", "21:00")
    templates.generate(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
    mondays = [dt.date(2026, month, 1) + DAY * ((7 - dt.date(2026, month, 1).weekday()) % 7)
               for month in range(1, 11)]
    worked = [m for first in mondays for m in (first, first + 7 * DAY)]
    for day in worked:
        shifts.assign(boss, shift_on(day, "o").id, ans.id)  # never a warning: at the maximum is allowed
    clock.at(NOV_2, 22)
    for day in worked:
        assert attendance.confirm_planned(boss, day) == 1
    assert allowance.would_exceed(ans.id, NOV_2, 0) is None
    assert allowance.would_exceed(ans.id, NOV_2, 60) == Excess("2026", 210500, 210000)
    before = ShiftAssignment.select().count()
    with pytest.raises(AllowanceWarning) as caught:
        shifts.assign(boss, shift_on(NOV_2, "o").id, ans.id)  # 21 h = EUR 105: November EUR 105, 2026 EUR 2205
    assert caught.value.params["period"] == "2026" and "2.205,00" in caught.value.params["amount"]
    assert ShiftAssignment.select().count() == before
    # the figures per volunteer, for October
    (line,) = allowance.hours(boss, 2026, 10)
    assert (line.name, line.month_minutes, line.year_minutes, line.planned_minutes) == ("Ans", 2520, 25200, 0)
    assert (line.month_cents, line.year_cents, line.over_month, line.over_year) == (21000, 210000, False, False)
    # a next year starts from nothing
    assert allowance.would_exceed(ans.id, dt.date(2027, 1, 4), 60) is None


def test_confirming_or_correcting_over_the_maximum_warns(boss, clock, ans):
    """40 h worked in November (EUR 200); a 3 h afternoon confirmed would make EUR 215."""
    clock.at(NOV_2, 8)
    template(boss, 0, "o", "0:00", "20:00")
    template(boss, 2, "m", "14:00", "17:00")
    templates.generate(NOV_2, dt.date(2026, 11, 30))
    monday = shifts.assign(boss, shift_on(NOV_2, "o").id, ans.id)
    second = shifts.assign(boss, shift_on(NOV_2 + 7 * DAY, "o").id, ans.id)
    afternoon = shifts.assign(boss, shift_on(NOV_2 + 9 * DAY, "m").id, ans.id, accept_over_allowance=True)
    clock.at(NOV_2 + 9 * DAY, 18)
    attendance.confirm_planned(boss, NOV_2)
    attendance.confirm_planned(boss, NOV_2 + 7 * DAY)
    with pytest.raises(AllowanceWarning):
        attendance.confirm_planned(boss, NOV_2 + 9 * DAY)
    assert minutes_of(afternoon.people[0].assignment_id) is None
    # correcting one of the long days to 19 h makes room (EUR 195 + EUR 15 = EUR 210)
    attendance.correct(boss, second.people[0].assignment_id, "0:00", "19:00")
    assert attendance.confirm_planned(boss, NOV_2 + 9 * DAY) == 1
    # and correcting it back up warns (the corrected one counted once, at its new length)
    with pytest.raises(AllowanceWarning):
        attendance.correct(boss, second.people[0].assignment_id, "0:00", "19:30")
    assert minutes_of(second.people[0].assignment_id) == 19 * 60
    fixed = attendance.correct(boss, second.people[0].assignment_id, "0:00", "19:30", accept_over_allowance=True)
    assert fixed.minutes == 19 * 60 + 30 and minutes_of(monday.people[0].assignment_id) == 1200


# --- hours and the month statement ---------------------------------------------------------


@pytest.fixture
def worked(boss, clock, ans):
    """Ans at EUR 5.00: 26 October 9:00-14:00 (300 min, EUR 25.00); 2 November the same (EUR 25.00);
    4 November corrected to 9:00-11:10 (130 min, EUR 10.83); 30 November still planned.
    Bram (no allowance): 28 October 300 min worked; 9 November absent."""
    clock.at(dt.date(2026, 10, 26), 8)
    template(boss, 0, "o", "9:00", "14:00")
    template(boss, 2, "o", "9:00", "14:00")
    bram = volunteer(boss, "Bram")
    templates.generate(dt.date(2026, 10, 26), dt.date(2026, 11, 30))
    for day, who in [(dt.date(2026, 10, 26), ans.id), (dt.date(2026, 10, 28), bram.id), (NOV_2, ans.id),
                     (dt.date(2026, 11, 4), ans.id), (dt.date(2026, 11, 9), bram.id), (dt.date(2026, 11, 30), ans.id)]:
        shifts.assign(boss, shift_on(day, "o").id, who)
    clock.at(WED, 9)
    for day in (dt.date(2026, 10, 26), dt.date(2026, 10, 28), NOV_2):
        assert attendance.confirm_planned(boss, day) == 1
    nov_4 = assignment_of(shift_on(dt.date(2026, 11, 4), "o").id, ans.id)
    attendance.correct(boss, nov_4, "9:00", "11:10")
    attendance.mark_absent(boss, assignment_of(shift_on(dt.date(2026, 11, 9), "o").id, bram.id))
    return ans, bram


def test_hours_per_volunteer_per_month_and_year(worked, boss):
    ans, bram = worked
    november = {h.name: h for h in allowance.hours(boss, 2026, 11)}
    assert set(november) == {"Ans", "Bram"}  # Vera has no profile
    a, b = november["Ans"], november["Bram"]
    assert (a.month_minutes, a.year_minutes, a.planned_minutes) == (430, 730, 300)
    assert (a.rate_cents, a.month_cents, a.year_cents) == (500, 3583, 6083)
    assert (b.month_minutes, b.year_minutes, b.planned_minutes) == (0, 300, 0)
    assert (b.rate_cents, b.month_cents, b.year_cents) == (None, 0, 0)
    assert not (a.over_month or a.over_year)
    october = {h.name: h for h in allowance.hours(boss, 2026, 10)}
    assert (october["Ans"].month_minutes, october["Ans"].year_minutes, october["Ans"].month_cents) == (300, 300, 2500)
    # worked in the room: 300 + 300 (Bram) + 300 + 130 minutes, by two people
    assert allowance.total_minutes(dt.date(2026, 10, 1), dt.date(2026, 11, 30), room.current_room_id()) == (1030, 2)
    # worked plus still planned (spreading the work): 300 + 130 + 300; Bram's absence counts nothing
    assert allowance.month_minutes([ans.id, bram.id], 2026, 11) == {ans.id: 730}


def test_the_month_statement_lines_and_totals(worked, boss):
    ans, _ = worked
    st = allowance.statement(boss, ans.id, 2026, 11)
    assert (st.name, st.year, st.month, st.rate_cents, st.limits) == ("Ans", 2026, 11, 500, (21000, 210000))
    assert [(x.day, x.dagdeel, x.starts_min, x.ends_min, x.minutes, x.cents) for x in st.lines] == [
        (NOV_2, "o", 540, 840, 300, 2500), (dt.date(2026, 11, 4), "o", 540, 840, 130, 1083)]
    assert (st.total_minutes, st.total_cents, st.year_to_date_cents) == (430, 3583, 6083)
    assert allowance.statement(boss, ans.id, 2026, 12).lines == []
    with pytest.raises(BwkError):
        allowance.statement(boss, 999999, 2026, 11)
    assert allowance.find_volunteer(" ANS ") == ans.id
    with pytest.raises(BwkError) as caught:
        allowance.find_volunteer("Niemand")
    assert caught.value.key == "error.roster_no_volunteer_named"


def test_the_statement_as_csv_adds_up(worked, boss):
    ans, _ = worked
    text = allowance.render_statement(allowance.statement(boss, ans.id, 2026, 11), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["vrijwilliger", "datum", "dagdeel", "begin", "eind", "minuten", "bedrag"]  # Dutch
    assert rows[1:] == [["Ans", "2026-11-02", "o", "09:00", "14:00", "300", "25.00"],
                        ["Ans", "2026-11-04", "o", "09:00", "14:00", "130", "10.83"],
                        ["Ans", "totaal", "", "", "", "430", "35.83"]]
    *lines, total = rows[1:]
    assert sum(Decimal(r[6]) for r in lines) == Decimal(total[6])
    assert sum(int(r[5]) for r in lines) == int(total[5])


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_the_statement_as_text(worked, boss, fmt):
    ans, _ = worked
    text = allowance.render_statement(allowance.statement(boss, ans.id, 2026, 11), fmt).replace("\xa0", " ")
    assert "Vrijwilligersvergoeding Ans, november 2026" in text
    assert "€ 25,00" in text and "€ 10,83" in text and "€ 35,83" in text and "7,2" in text  # 430 min: hours with one decimal
    assert "€ 60,83" in text and "€ 210,00" in text and "€ 5,00" in text
    assert text.startswith("# ") == (fmt == "md")
    with pytest.raises(ValueError):
        allowance.render_statement(allowance.statement(boss, ans.id, 2026, 11), "xlsx")


def test_write_statement_writes_the_file_or_nothing(worked, boss, tmp_path):
    ans, _ = worked
    st = allowance.statement(boss, ans.id, 2026, 11)
    target = allowance.statement_path(st, tmp_path)
    assert target == tmp_path / "2026-11-ans.csv"
    assert allowance.write_statement(st, "csv", target) == target
    assert target.read_text(encoding="utf-8") == allowance.render_statement(st, "csv")

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    for bad in (blocker / "statement.csv", folder):  # no folder to write in; a folder in the way
        with pytest.raises(BwkError) as caught:
            allowance.write_statement(st, "csv", bad)
        # no folder to write in: it cannot be written; a folder in the way: it is not a file
        assert caught.value.key == ("error.out_write" if bad.name == "statement.csv" else "error.not_regular")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no half-written file left
    assert list(folder.iterdir()) == [] and blocker.read_text(encoding="utf-8").startswith("a file")


# --- issue 14: the allowance by the law (hour, month and year) ----------------------------------


def test_the_default_limits_are_the_belastingdienst_figures(boss):
    Law = allowance.Law
    assert allowance.law(2023) == Law(2023, 19000, 190000, 500, 275)
    assert allowance.law(2024) == Law(2024, 21000, 210000, 550, 325)
    assert allowance.law(2025) == Law(2025, 21000, 210000, 560, 330)
    assert allowance.law(2026) == Law(2025, 21000, 210000, 560, 330)  # no line yet: the newest earlier one
    assert allowance.law(2022) is None
    assert allowance.limits(2024) == (21000, 210000)  # not the 190 / 1900 of before


def test_the_limits_setting_takes_hourly_maxima_and_refuses_nonsense(boss):
    assert allowance.parse_law("2025: 210 / 2100 / 5,60 / 3,30") == {2025: allowance.Law(2025, 21000, 210000, 560, 330)}
    assert allowance.parse_law("2025: 210 / 2100")[2025].hourly_cents is None
    for bad in ("2025: 210 / 2100 / 5,60", "2025: 210 / 2100 / 3,30 / 5,60"):  # one hour; under 21 above 21
        with pytest.raises(InvalidInput):
            allowance.parse_law(bad)
    stored = settings.change("allowance_limits", "2025:210/2100/5,6/3,3", boss.account_id)
    assert stored == "2025: 210 / 2100 / 5,60 / 3,30"


@pytest.mark.parametrize("rate, under_21, refused", [
    ("5,60", False, False), ("5,61", False, True),  # 2025 (used for 2026): EUR 5.60 from 21
    ("3,30", True, False), ("3,31", True, True), ("4,00", True, True),  # EUR 3.30 under 21
])
def test_a_rate_above_the_hourly_maximum_is_refused_with_the_figure(boss, rate, under_21, refused):
    account = auth.create_account_as_admin("Sem", "volunteer", "826419")
    form = volunteers.ProfileForm(account.id, hourly_allowance=rate, under_21=under_21)
    if not refused:
        saved = volunteers.save_profile(boss, form)
        assert saved.under_21 is under_21 and volunteers.volunteer(saved.id).under_21 is under_21
        return
    with pytest.raises(InvalidInput) as caught:
        volunteers.save_profile(boss, form)
    assert caught.value.field == "hourly_allowance"
    message = caught.value.message().replace("\u00a0", " ")
    assert ("€ 3,30" if under_21 else "€ 5,60") in message and "2025" in message
    assert volunteers.volunteers(active_only=False) == []


def test_the_month_maximum_by_hand(boss, clock):
    """At EUR 5.60 an hour the EUR 210 of a month is 37 h 30 min (2250 min x 560 / 60 = 21000)."""
    person = volunteer(boss, "Sem", hourly_allowance="5,60")
    day = dt.date(2026, 11, 30)
    assert allowance.would_exceed(person.id, day, 2250) is None
    over = allowance.would_exceed(person.id, day, 2251)  # 2251 x 560 / 60 = 21009.3 -> 21009 cents
    assert over is not None and (over.amount_cents, over.limit_cents) == (21009, 21000)
