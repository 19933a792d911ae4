"""A desk that writes through the services until it is killed or its time is up.

    python tests/reliability/writer.py DB ACKS SEED SECONDS [--closings]

Opens the SQLite database DB (set up by tests/reliability/room.py), logs in as the
coordinator and, in a loop, registers persons, checks them in and out, books cash, puts
volunteers on shifts and (with --closings) closes the day. After each write that the service
acknowledged (it returned), one JSON line goes to ACKS, flushed: the row must survive a kill -9
from then on. Refusals the rules make (BwkError: already in, day closed, no balance) are part of
the game and not acknowledged. Anything else, a "database is locked" above all, is written to
ACKS as {"error": ...} and ends the process with status 3. Prints "ready" when it starts writing.

The clock is the room's (kernel.clock), set to 12:00 UTC on the day after the last closing, so
that a closing moves the desk to the next day, across kills.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time

START_DAY = dt.date(2026, 6, 10)
COORDINATOR, PIN = "Coby", "246813"


def main(argv: list[str]) -> int:
    path, acks_path, seed, seconds = argv[0], argv[1], int(argv[2]), float(argv[3])
    closings = "--closings" in argv
    rng = random.Random(seed)

    from bwk_tui.services.kernel import clock as kernel_clock
    from bwk_tui.services.room import auth, open_ready
    from bwk_tui.services.cash import cash
    from bwk_tui.services.closing import closing
    from bwk_tui.services.kernel.errors import BwkError
    from bwk_tui.services.roster import shifts
    from bwk_tui.services.visitors import persons, visits
    from db.models import CashCategory, CashClosing, Person, Shift, Visit, Volunteer

    opened = open_ready(path)
    last = CashClosing.select().order_by(CashClosing.day.desc()).first()
    day = last.day + dt.timedelta(days=1) if last else START_DAY
    now = [dt.datetime.combine(day, dt.time(10, 0)) + dt.timedelta(seconds=rng.randrange(3600))]
    kernel_clock.now_utc = lambda: now[0]
    kernel_clock.today = lambda: kernel_clock.to_local(now[0]).date()

    boss = auth.login(COORDINATOR, PIN)
    income = [c.id for c in CashCategory.select().where(CashCategory.direction.in_(["in", "both"]),
                                                          CashCategory.active == True,  # noqa: E712
                                                          CashCategory.code != cash.DIFFERENCE_CATEGORY)]
    volunteer_ids = [v.id for v in Volunteer.select()]
    domain_ids = [d.id for d in visits.domains()]
    acks = open(acks_path, "a", encoding="utf-8")

    def ack(**row) -> None:
        acks.write(json.dumps(row) + "\n")
        acks.flush()

    def new_person() -> None:
        form = persons.PersonForm(first_name=f"P{seed}x{rng.randrange(10**6)}", pc4=str(rng.randrange(1101, 1109)),
                                  languages="nl", consent=True)
        made = persons.register(boss, form, allow_duplicate=True)
        ack(kind="person", id=made.id, first_name=form.first_name)

    def check_in() -> None:
        ids = [p.id for p in Person.select(Person.id).order_by(Person.id.desc()).limit(30)]
        if ids:
            person_id = rng.choice(ids)
            visit_id = visits.check_in(boss, person_id, visits.VisitForm(domain_ids=[rng.choice(domain_ids)]))
            ack(kind="visit", id=visit_id, person=person_id)

    def check_out() -> None:
        open_ids = [v.id for v in Visit.select(Visit.id).where(Visit.left_at.is_null()).limit(20)]
        if open_ids:
            visit_id = rng.choice(open_ids)
            visits.check_out(boss, visit_id)
            ack(kind="check_out", id=visit_id)

    def cash_entry() -> None:
        entry = cash.add_entry(boss, "in", rng.randrange(50, 2000), rng.choice(income), "reliability")
        ack(kind="cash", id=entry.id, receipt=entry.receipt)

    def sign_up() -> None:
        today = kernel_clock.today()
        ahead = [s.id for s in Shift.select(Shift.id).where(Shift.shift_date >= today,
                                                            Shift.shift_date <= today + dt.timedelta(days=14))]
        if ahead and volunteer_ids:
            shift_id, volunteer_id = rng.choice(ahead), rng.choice(volunteer_ids)
            shifts.assign(boss, shift_id, volunteer_id, accept_over_allowance=True)
            ack(kind="sign_up", shift=shift_id, volunteer=volunteer_id)

    def close_day() -> None:
        today = kernel_clock.today()
        expected = cash.day_totals(today).expected_cents
        counts = {}
        for value in sorted(closing.DENOMINATIONS, reverse=True):
            counts[value], expected = divmod(expected, value)
        open_ids = [v.id for v in Visit.select(Visit.id).where(Visit.left_at.is_null(), Visit.visit_date == today)]
        done = closing.close(boss, counts, "telling", PIN, check_out_visit_ids=open_ids)
        ack(kind="closing", id=done.closing_id, day=today.isoformat())
        now[0] = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10, 0))

    actions = [(new_person, 2), (check_in, 4), (check_out, 1), (cash_entry, 3), (sign_up, 2)]
    if closings:
        actions.append((close_day, 0.4))
    funcs, weights = zip(*actions)
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        action = rng.choices(funcs, weights)[0]
        try:
            action()
        except BwkError:
            pass  # a refusal by the rules: nothing to acknowledge
        except Exception as exc:  # noqa: BLE001 - this is what the test is looking for
            ack(error=f"{type(exc).__name__}: {exc}", action=action.__name__)
            return 3
        now[0] += dt.timedelta(seconds=rng.randrange(1, 90))
    opened.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
