"""The demo's volunteer roster: profiles, weekly templates, closed days, shifts and sign-ups.

A profile for every account (some are residents who became volunteers), the weekly shift
templates, every open day's shifts with who was on them and the hours they worked (the same
people who recorded that day's visits; paid volunteers mostly under the legal allowance
maximum), the holidays marked closed (the period's and the next eight weeks') and the Saturdays
ahead that the room does not open, and the sign-ups of this week and the three after it, with
gaps and "kan niet".
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from db.models import ABSENT, CANT_COME, PLANNED, ClosedDay, Shift, ShiftAssignment, ShiftTemplate, Volunteer

from bwk_tui.services.roster import allowance
from bwk_tui.services.room import settings
from bwk_tui.services.kernel.availability import availability_text, slot
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.roster.templates import DEFAULT_TIMES
from bwk_tui.services.roster.volunteers import PRACTICAL_SKILLS

from bwk_tui.demo.base import _Base, _choice, _insert, _Volunteer
from bwk_tui.demo.calendar import _holiday_names, _open_on, _saturday_open


# --- the roster: weekly templates --------------------------------------------------------------

_EVENING_DAY = (3, 1, 2)  # the taalcafé evening of the first, second and third room: Thu, Tue, Wed
_ROSTER_WEEKS = 3  # sign-ups up to the end of the third week after this one
_CLOSED_AHEAD = 56  # closed days are marked this many days ahead
_CLOSED_SATURDAY = "Zaterdag gesloten (geen inloop)"
_SIGNED_UP = (0.8, 0.65, 0.5, 0.35)  # chance that a shift is fully signed up, this week and the next three
_PRACTICAL = tuple(s for s in PRACTICAL_SKILLS if s != "taal")  # "taal" comes with the taalcafé


def _room_templates(room: int) -> list[tuple[int, str, int, str | None]]:
    """(weekday, dagdeel, needed, skill): ochtend and middag Monday to Friday, one taalcafé evening
    and the Saturday ochtend (on the Saturdays the room opens)."""
    rows = [(weekday, dagdeel, 2, None) for weekday in range(5) for dagdeel in ("o", "m")]
    rows.append((_EVENING_DAY[room % 3], "a", 2, "taal"))
    rows.append((5, "o", 2, None))
    return sorted(rows)


class _Roster(_Base):
    """The roster part of the builder: volunteer profiles, shift templates, closed days, the shifts
    worked on every open day (the crews at the desk, who also record the visits and book the cash)
    and the sign-ups ahead. Reads ``room_ids``, what the accounts part set (``coordinator_id``,
    ``room_coordinator``) and the residents the accounts took their names from."""

    def crews(self, accounts: list[_Volunteer]) -> list[dict[int, tuple[int, ...]]]:
        """Per room, per open day: the 2-4 accounts at the desk who record the visits.

        They are the people on that day's shifts: planned once, with the roster (``plan_roster``),
        so that visits, cash and shifts tell the same story.
        """
        if self._crews is None:  # ``accounts`` are in self.people, with their roster profiles
            self._crews = self.plan_roster()
        return self._crews

    def make_profiles(self, accounts: list[_Volunteer], coordinator_name: str) -> None:
        """A volunteer profile for every account (the demo coordinator too): their usual weekdays and
        dagdelen, skills, languages, allowance; some are residents who became volunteers."""
        rng = self.rng("profiles")
        cal = self.calendar
        boss = _Volunteer(0, coordinator_name, "coordinator", -400, cal.today, "nl", id=self.coordinator_id)
        people = sorted([boss, *accounts], key=lambda v: v.id)
        self.people = people
        self.by_account = {v.id: v for v in people}
        codes_ = [self.domain_code[d] for d in self.concern_ids]
        cover: dict[tuple[int, int, str], int] = {}  # (room, weekday, dagdeel) -> volunteers who usually come
        for number, v in enumerate(people, 1):
            v.profile = number
            own = sorted({_choice(rng, codes_, self.concern_cum) for _ in range(rng.randint(0, 2))})
            if v.role == "coordinator":
                v.days, v.parts = (0, 1, 2, 3, 4), "om"
                practical = ["administratie", "gastvrouw"]
            else:
                # Their own days and dagdelen, mostly where the room has fewest people (people
                # arrange it so among themselves); a quarter also does Saturdays.
                weekdays = list(range(6 if rng.random() < 0.25 else 5))
                weekdays.sort(key=lambda d: cover.get((v.room, d, "o"), 0) + cover.get((v.room, d, "m"), 0)
                              + rng.random() * 3)
                v.days = tuple(sorted(weekdays[:rng.choice((1, 2, 2, 2, 3, 3, 4))]))
                mornings, afternoons = (sum(cover.get((v.room, d, p), 0) for d in v.days) for p in "om")
                if rng.random() < 0.25:
                    v.parts = "om"
                else:
                    v.parts = "o" if mornings + rng.random() * 2 < afternoons + rng.random() * 2 else "m"
                for day in v.days:
                    for part in v.parts:
                        cover[(v.room, day, part)] = cover.get((v.room, day, part), 0) + 1
                # The taalcafé evening needs a few people who can teach; the rest take Dutch lessons.
                few = sum(w.evening and w.room == v.room for w in people[:number]) < 3
                taal = rng.random() < (0.6 if few else 0.22)
                v.evening = taal and rng.random() < 0.8
                practical = rng.sample(_PRACTICAL, rng.randint(1, 2)) + (["taal"] if taal else [])
            v.skills = list(dict.fromkeys(practical + own))
        # About half of each room's volunteers get an hourly allowance (the rest do not want one).
        for room in range(self.scale.rooms):
            mine = [v for v in people if v.room == room and v.role == "volunteer"]
            for v in rng.sample(mine, round(len(mine) * rng.uniform(0.42, 0.58))):
                v.rate = rng.randrange(250, 501, 25)
        # Residents who became volunteers: the resident whose name the account has is the
        # volunteer themself, preferably someone who came in as a visitor before they started.
        volunteers = [v for v in people if v.role == "volunteer"]
        eligible = [v for v in volunteers if v.person is not None and v.person.consent]
        before = [v for v in eligible if v.person.day < v.start]
        after = [v for v in eligible if v.person.day >= v.start]
        rng.shuffle(before)
        rng.shuffle(after)
        target = round(len(volunteers) * rng.uniform(0.16, 0.24))
        linked: set[int] = set()
        for v in before + after:
            if len(linked) >= target:
                break
            if v.person.id not in linked:
                linked.add(v.person.id)
                v.linked = True
        for v in people:
            spoken = [x for x in (v.person.languages if v.person else "").split(",") if x]
            if not v.linked and "nl" not in spoken:
                spoken.insert(0, "nl")  # not their own record: at least the desk's language
            if not v.linked and v.language == "en" and "en" not in spoken:
                spoken.append("en")  # uses the desk in English
            v.speaks = ",".join(spoken) or "nl"
        self.plan_templates()

    def plan_templates(self) -> None:
        """The weekly templates of each room, the allowance maximums and the closed days to mark."""
        cal = self.calendar
        self.templates: dict[tuple[int, int, str], tuple[int, int, int, int, str | None]] = {}
        for room in range(self.scale.rooms):
            for weekday, dagdeel, needed, skill in _room_templates(room):
                starts, ends = DEFAULT_TIMES[dagdeel]
                self.templates[(room, weekday, dagdeel)] = (len(self.templates) + 1, starts, ends, needed, skill)
        try:
            table = allowance.parse_limits(settings.get("allowance_limits"))
        except BwkError:
            table = allowance.parse_limits(settings.default("allowance_limits"))
        self.limits = table
        # Holidays of the whole period and the weeks ahead; Saturdays the room does not open, ahead.
        today = cal.dates[cal.today]
        until = today + dt.timedelta(days=_CLOSED_AHEAD)
        self.closed: dict[tuple[int, dt.date], str] = {}
        for year in range(cal.dates[0].year, until.year + 1):
            for day, name in sorted(_holiday_names(year).items()):
                if cal.dates[0] <= day <= until and day.weekday() != 6:
                    for room in range(self.scale.rooms):
                        self.closed[(room, day)] = name
        for offset in range(_CLOSED_AHEAD + 1):
            day = today + dt.timedelta(days=offset)
            for room in range(self.scale.rooms):
                if day.weekday() == 5 and not _saturday_open(room, day):
                    self.closed.setdefault((room, day), _CLOSED_SATURDAY)

    def limit(self, year: int) -> tuple[int, int]:
        """The allowance maximums (month, year, in cents) of ``year``; the earliest line for earlier years."""
        earlier = [y for y in self.limits if y <= year]
        return self.limits[max(earlier) if earlier else min(self.limits)]

    def plan_roster(self) -> list[dict[int, tuple[int, ...]]]:
        """The shifts worked on every open day (the crews at the desk), and the sign-ups ahead.

        Volunteers mostly come on their own weekdays and dagdelen, now and then as a stand-in;
        a paid volunteer is mostly kept under the legal maximums of the allowance. Today's
        shifts are planned (some have signed in); from tomorrow to the end of the third week
        ahead people have signed up, with gaps, more of them further ahead. Fills
        ``self.shift_rows`` and ``self.assignment_rows``; returns the crews per room and day.
        """
        rng = self.rng("crews")
        cal, rooms, tpl = self.calendar, range(self.scale.rooms), self.templates
        dates, today, now_sec = cal.dates, cal.today, self.now_sec
        room_ids = self.room_ids
        shift_rows: list[tuple] = []
        rows: list[tuple] = []  # (shift, volunteer, status, by, at, signed in, signed out, minutes, confirmed by)
        earned: dict[tuple, int] = {}  # (profile, year, month) and (profile, year) -> cents
        busy: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (profile, day) -> planned/worked times
        limits: dict[int, tuple[int, int]] = {}

        def date_of(day: int) -> dt.date:
            return dates[day] if 0 <= day < len(dates) else cal.date(day)

        def fits(v: _Volunteer, day: int, minutes: int) -> bool:
            """Under the allowance maximums with ``minutes`` more (now and then someone goes over)."""
            if not v.rate:
                return True
            date = date_of(day)
            if date.year not in limits:
                limits[date.year] = self.limit(date.year)
            month_max, year_max = limits[date.year]
            cents = allowance.amount(minutes + 45, v.rate)  # room for a shift that runs late
            if (earned.get((v.profile, date.year, date.month), 0) + cents <= month_max
                    and earned.get((v.profile, date.year), 0) + cents <= year_max):
                return True
            return rng.random() < 0.003

        def free(v: _Volunteer, day: int, starts: int, ends: int) -> bool:
            return not any(s < ends and e > starts for s, e in busy.get((v.profile, day), ()))

        def take(v: _Volunteer, day: int, starts: int, ends: int, minutes: int) -> None:
            busy.setdefault((v.profile, day), []).append((starts, ends))
            if v.rate and minutes:
                date = date_of(day)
                cents = allowance.amount(minutes, v.rate)
                for key in ((v.profile, date.year, date.month), (v.profile, date.year)):
                    earned[key] = earned.get(key, 0) + cents

        def add_shift(room: int, day: int, dagdeel: str) -> tuple[int, int, int, int]:
            template, starts, ends, needed, skill = tpl[(room, date_of(day).weekday(), dagdeel)]
            shift_id = len(shift_rows) + 1
            shift_rows.append((shift_id, room_ids[room], template, date_of(day), dagdeel, starts, ends, needed,
                               skill))
            return shift_id, starts, ends, needed

        def signed_up(v: _Volunteer, room: int, day: int) -> tuple[int, dt.datetime]:
            """Who put them on (themselves, mostly) and when: days or weeks before, never after now."""
            by = v.id if v.role == "volunteer" and rng.random() < 0.65 else self.room_coordinator[room]
            when = day - rng.randint(1, 27) if day <= today else today - rng.randint(0, 20)
            sec = rng.randint(9 * 3600 + 1800, 17 * 3600)
            if when == today:
                sec = min(sec, max(now_sec - 60, 0))
            return by, cal.utc(when, sec)

        def worked(shift: tuple[int, int, int, int], v: _Volunteer, room: int, day: int) -> None:
            shift_id, starts, ends, _needed = shift
            by, at = signed_up(v, room, day)
            signed_in = signed_out = confirmed = minutes = None
            planned = ends - starts
            if day < today:
                if rng.random() < 0.35:  # signed in and out at the desk
                    start = starts * 60 + max(-15 * 60, min(30 * 60, int(rng.gauss(0, 7 * 60))))
                    end = ends * 60 + max(-45 * 60, min(40 * 60, int(rng.gauss(0, 10 * 60))))
                    signed_in, signed_out = cal.utc(day, start), cal.utc(day, end)
                    minutes = round((end - start) / 60)
                else:  # the coordinator confirmed the planned times, or corrected them
                    r = rng.random()
                    minutes = (planned if r < 0.8 else planned - rng.choice((15, 30, 45, 60)) if r < 0.9
                               else planned + rng.choice((15, 30, 45)))
                    confirmed = self.room_coordinator[room]
            elif day == today and starts * 60 <= now_sec and rng.random() < 0.7:  # signed in, maybe out already
                start = min(now_sec - 30, starts * 60 + max(-15 * 60, min(20 * 60, int(rng.gauss(0, 6 * 60)))))
                signed_in = cal.utc(day, start)
                if (ends + 10) * 60 <= now_sec and rng.random() < 0.6:
                    end = min(now_sec - 10, ends * 60 + max(-30 * 60, min(30 * 60, int(rng.gauss(0, 8 * 60)))))
                    signed_out = cal.utc(day, end)
                    minutes = round((end - start) / 60)
            rows.append((shift_id, v.profile, PLANNED, by, at, signed_in, signed_out, minutes, confirmed))
            take(v, day, starts, ends, planned if minutes is None else minutes)

        def not_there(shift: tuple[int, int, int, int], v: _Volunteer, room: int, day: int, status: str) -> None:
            by, at = signed_up(v, room, day)
            confirmed = self.room_coordinator[room] if status == ABSENT else None
            rows.append((shift[0], v.profile, status, by, at, None, None, None, confirmed))
            busy.setdefault((v.profile, day), [])

        result = []
        for room in rooms:
            people = [v for v in self.people if v.room == room and v.role == "volunteer"]
            first = self.by_account[self.room_coordinator[room]]
            coordinators = [first] + [v for v in self.people if v.room == room and v.role == "coordinator"
                                      and v is not first]
            per_day: dict[int, tuple[int, ...]] = {}
            for day in cal.open[room]:
                weekday = dates[day].weekday()
                slots = [p for p in ("o", "m") if (room, weekday, p) in tpl]
                length = {p: tpl[(room, weekday, p)][2] - tpl[(room, weekday, p)][1] for p in slots}
                active = [v for v in people if v.start <= day <= v.end]
                wanted = rng.randint(2, 4)
                regular = [v for v in active if weekday in v.days
                           and fits(v, day, sum(length[p] for p in slots if p in v.parts) or length[slots[0]])]
                crew = rng.sample(regular, min(len(regular), wanted))
                if len(crew) < wanted and rng.random() < 0.6:  # stand-ins from other days
                    chosen = {id(v) for v in crew}
                    others = [v for v in active if id(v) not in chosen and weekday not in v.days
                              and fits(v, day, length[slots[0]])]
                    if others:
                        crew += rng.sample(others, min(len(others), wanted - len(crew)))
                if not crew or rng.random() < 0.15:
                    crew.append(coordinators[int(rng.random() * len(coordinators))])
                per_day[day] = tuple(v.id for v in crew)
                # Who is on the ochtend and who on the middag.
                on: dict[str, list[_Volunteer]] = {p: [] for p in slots}
                if len(slots) == 1:
                    on[slots[0]] = list(crew)
                else:
                    for v in crew:
                        if v.role == "volunteer":
                            own = [p for p in slots if p in v.parts] if weekday in v.days else []
                            for p in own or [min(slots, key=lambda p: len(on[p]))]:
                                on[p].append(v)
                    for v in crew:
                        if v.role == "coordinator":
                            on[min(slots, key=lambda p: len(on[p]))].append(v)
                    for p in slots:  # nobody on a dagdeel: someone moves, or stays the whole day
                        if not on[p]:
                            other = on[slots[1 - slots.index(p)]]
                            can = [v for v in other if fits(v, day, sum(length.values()))]
                            if len(other) > 1 and (not can or rng.random() < 0.5):
                                v = other.pop(int(rng.random() * len(other)))
                            else:
                                can = can or other
                                v = can[int(rng.random() * len(can))]
                            on[p].append(v)
                    for p in slots:  # short: now and then someone of the other dagdeel stays longer
                        needed = tpl[(room, weekday, p)][3]
                        if len(on[p]) < needed and rng.random() < 0.3:
                            extra = [v for v in crew if v.role == "volunteer" and v not in on[p]
                                     and fits(v, day, sum(length.values()))]
                            if extra:
                                on[p].append(extra[int(rng.random() * len(extra))])
                made = {p: add_shift(room, day, p) for p in slots}
                for p in slots:
                    for v in on[p]:
                        worked(made[p], v, room, day)
                if day == today:
                    continue  # today's evening and the days ahead: sign-ups (below)
                # Someone who said they could not come, or did not turn up.
                for status, chance in ((CANT_COME, 0.07), (ABSENT, 0.03)):
                    if rng.random() < chance:
                        others = [v for v in active if weekday in v.days and (v.profile, day) not in busy]
                        if others:
                            p = slots[int(rng.random() * len(slots))]
                            not_there(made[p], others[int(rng.random() * len(others))], room, day, status)
                if (room, weekday, "a") in tpl:  # the taalcafé evening
                    shift = add_shift(room, day, "a")
                    evening = [v for v in active if v.evening and fits(v, day, shift[2] - shift[1])]
                    wanted = rng.choice((1, 2, 2, 2, 2, 3))  # mostly as many as needed
                    chosen = rng.sample(evening, min(len(evening), wanted))
                    for v in chosen:
                        worked(shift, v, room, day)
            result.append(per_day)

        # Ahead: this week (from today's evening) to the end of the third week after it.
        today_date = dates[today]
        monday = today_date - dt.timedelta(days=today_date.weekday())
        last = monday + dt.timedelta(days=7 * (_ROSTER_WEEKS + 1) - 1)
        for room in rooms:
            staying = [v for v in self.people if v.room == room and v.role == "volunteer"
                       and v.start <= today <= v.end]
            gap_this_week, cant_ahead = False, 0
            for offset in range((last - today_date).days + 1):
                day, date = today + offset, today_date + dt.timedelta(days=offset)
                weekday = date.weekday()
                if (room, date) in self.closed or not _open_on(room, date):
                    continue
                week = (date - monday).days // 7
                for p in ("o", "m", "a"):
                    if (room, weekday, p) not in tpl or (offset == 0 and p != "a"):
                        continue
                    shift = add_shift(room, day, p)
                    shift_id, starts, ends, needed = shift
                    if p == "a":
                        wanting = [v for v in staying if v.evening]
                    else:
                        wanting = [v for v in staying if weekday in v.days and (p in v.parts or weekday == 5)]
                    wanting = [v for v in wanting if free(v, day, starts, ends) and fits(v, day, ends - starts)]
                    full = _SIGNED_UP[week]
                    r = rng.random()
                    target = needed if r < full else needed - 1 if r < full + (1 - full) * 0.7 else needed - 2
                    if week == 0 and not gap_this_week:
                        target = min(target, needed - 1)  # the week on screen shows a gap
                    chosen = rng.sample(wanting, min(len(wanting), max(0, target)))
                    if len(chosen) < target and rng.random() < 0.4:  # someone from another day helps out
                        others = [v for v in staying if v not in wanting and (p != "a" or "taal" in v.skills)
                                  and free(v, day, starts, ends) and fits(v, day, ends - starts)]
                        if others:
                            chosen.append(others[int(rng.random() * len(others))])
                    rest = [v for v in wanting if v not in chosen]
                    planned = 0
                    for v in chosen:
                        if rng.random() < 0.07 or (week >= 1 and not cant_ahead):
                            # "kan niet komen": the place is free again (there is always one or so)
                            not_there(shift, v, room, day, CANT_COME)
                            cant_ahead += 1
                            if rest and rng.random() < 0.4:  # and a stand-in took it
                                worked(shift, rest.pop(int(rng.random() * len(rest))), room, day)
                                planned += 1
                        else:
                            worked(shift, v, room, day)
                            planned += 1
                    if week == 0 and planned < needed:
                        gap_this_week = True
        self.shift_rows, self.assignment_rows = shift_rows, rows
        return result

    def insert_roster(self) -> tuple[int, int, int]:
        """Volunteer profiles, templates, closed days, shifts and who was (or is) on them."""
        cal = self.calendar
        people = self.people
        if self._crews is None:  # no visits were made: plan the roster now
            self._crews = self.plan_roster()
        code_of = self.domain_code

        def profile_rows() -> Iterator[tuple]:
            for v in people:
                skills = list(dict.fromkeys(v.skills + [code_of[d] for d in v.offer_domains if d in code_of]))
                slots = {slot(day, "o" if day == 5 else p) for day in v.days for p in v.parts}
                if v.evening:
                    slots.add(slot(_EVENING_DAY[v.room % 3], "a"))
                yield (v.profile, v.id, self.room_ids[v.room], v.person.id if v.linked else None,
                       ",".join(skills)[:300], v.speaks[:120], availability_text(frozenset(slots)), v.rate,
                       cal.date(v.start), v.end >= cal.today, cal.utc(v.start, 10 * 3600 + 600))

        _insert(Volunteer, [Volunteer.id, Volunteer.account, Volunteer.room, Volunteer.person, Volunteer.skills,
                            Volunteer.languages, Volunteer.availability, Volunteer.hourly_allowance_cents,
                            Volunteer.started_on, Volunteer.active, Volunteer.created_at], profile_rows())
        made = cal.utc(-30, 9 * 3600)
        _insert(ShiftTemplate, [ShiftTemplate.id, ShiftTemplate.room, ShiftTemplate.weekday, ShiftTemplate.dagdeel,
                                ShiftTemplate.starts_min, ShiftTemplate.ends_min, ShiftTemplate.needed,
                                ShiftTemplate.skill, ShiftTemplate.active, ShiftTemplate.created_at],
                [(tid, self.room_ids[room], weekday, dagdeel, starts, ends, needed, skill, True, made)
                 for (room, weekday, dagdeel), (tid, starts, ends, needed, skill) in self.templates.items()])
        _insert(ClosedDay, [ClosedDay.id, ClosedDay.room, ClosedDay.day, ClosedDay.reason, ClosedDay.created_by],
                [(number, self.room_ids[room], day, reason, self.room_coordinator[room])
                 for number, ((room, day), reason) in enumerate(sorted(self.closed.items()), 1)])
        _insert(Shift, [Shift.id, Shift.room, Shift.template, Shift.shift_date, Shift.dagdeel, Shift.starts_min,
                        Shift.ends_min, Shift.needed, Shift.skill], self.shift_rows)
        _insert(ShiftAssignment, [ShiftAssignment.id, ShiftAssignment.shift, ShiftAssignment.volunteer,
                                  ShiftAssignment.status, ShiftAssignment.assigned_by, ShiftAssignment.assigned_at,
                                  ShiftAssignment.signed_in_at, ShiftAssignment.signed_out_at,
                                  ShiftAssignment.minutes, ShiftAssignment.confirmed_by],
                ((number, *row) for number, row in enumerate(self.assignment_rows, 1)))
        linked = sum(v.linked for v in people)
        self.progress(f"demo: {len(people)} volunteer profiles ({linked} residents who became volunteers), "
                      f"{len(self.templates)} shift templates, {len(self.closed)} closed days, "
                      f"{len(self.shift_rows)} shifts, {len(self.assignment_rows)} people on shifts")
        return len(people), len(self.shift_rows), len(self.assignment_rows)
