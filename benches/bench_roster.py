"""F3 Rooster on the large demo database: the week (roster.week(): the week's shifts, who is on
them and the closed days, after making any shift still missing) beside the raw SQL for the same
rows, and opening the F3 week screen with its key after login, measured in the same run.

The screen part runs when ``bwk_tui.ui.screens.roster`` can be imported; until then only the
service is measured (and the bench says so).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time

from common import large_demo_db, median, report

from bwk_tui.services.roster import shifts as roster_shifts
from bwk_tui.services.roster import templates
from bwk_tui.services.kernel import clock
from bwk_tui.services.room import current_room_id, open_ready

RUNS = 25
OPENS = 15

RAW_SHIFTS = ("SELECT id, shift_date, dagdeel, starts_min, ends_min, needed, skill FROM shift "
              "WHERE room_id = ? AND shift_date BETWEEN ? AND ? ORDER BY shift_date, starts_min")
RAW_PEOPLE = """
SELECT a.shift_id, a.id, a.volunteer_id, v.account_id, ac.name, a.status, a.minutes, a.signed_in_at, a.signed_out_at
FROM shift_assignment a JOIN volunteer v ON v.id = a.volunteer_id JOIN account ac ON ac.id = v.account_id
WHERE a.shift_id IN (SELECT id FROM shift WHERE room_id = ? AND shift_date BETWEEN ? AND ?)
ORDER BY a.assigned_at, a.id
"""
RAW_CLOSED = "SELECT day, reason FROM closed_day WHERE room_id = ? AND day BETWEEN ? AND ?"


def raw_week(con: sqlite3.Connection, room: int, monday: dt.date) -> tuple[list, dict]:
    """The week's shifts with who is on them (by name) and the closed days, in plain SQL."""
    args = (room, monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())
    shifts = con.execute(RAW_SHIFTS, args).fetchall()
    people: dict[int, list] = {row[0]: [] for row in shifts}
    for row in con.execute(RAW_PEOPLE, args):
        people[row[0]].append(row[1:])
    closed = dict(con.execute(RAW_CLOSED, args).fetchall())
    return [(shift, people[shift[0]]) for shift in shifts], closed


def timed(call, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def screen_importable() -> bool:
    """Is the F3 screen there (``bwk_tui.ui.screens.roster.RosterScreen``)?"""
    import importlib

    try:
        module = importlib.import_module("bwk_tui.ui.screens.roster")
    except ImportError:
        return False
    return hasattr(module, "RosterScreen")


async def measure_screen() -> tuple[list[float], list[float], list[float]]:
    """Log in as the demo coordinator, then F3 (and back to the home screen) ``OPENS`` times.

    Returns the milliseconds from the key (through the app's bindings, as typed) until the
    week's table is filled, as bench_visitors times F2; then the same through Pilot.press,
    which also waits until the app is idle and painted; and Pilot.press of a key that does
    nothing, the part of the latter that is Pilot's own waiting.
    """
    from textual.widgets import DataTable

    from bwk_tui.services.room import auth
    from bwk_tui.ui.app import BwkApp
    from bwk_tui.ui.screens.roster import RosterScreen
    from db.models import Account

    coordinator = Account.select().where(Account.role == "coordinator").order_by(Account.id).first()
    app = BwkApp()

    def filled() -> bool:
        screen = app.screen
        return (isinstance(screen, RosterScreen) and screen.view is not None
                and bool(screen.query_one("#week", DataTable).row_count))

    keyed, pressed, idle = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.logged_in(auth.Session(coordinator.id, coordinator.name, "coordinator", "nl"))
        await pilot.pause()
        for times, press in ((keyed, False), (pressed, True)):
            for _ in range(OPENS):
                start = time.perf_counter()
                if press:
                    await pilot.press("f3")
                else:
                    app.simulate_key("f3")
                while not filled():  # until the week is in the table, not just mounted
                    await asyncio.sleep(0)
                times.append((time.perf_counter() - start) * 1000)
                await pilot.pause()
                app.pop_screen()
                await pilot.pause()
        for _ in range(OPENS):
            start = time.perf_counter()
            await pilot.press("x")  # nothing on the home screen
            idle.append((time.perf_counter() - start) * 1000)
    return keyed, pressed, idle


def main() -> None:
    path = large_demo_db()
    open_ready(str(path))
    room = current_room_id()
    monday = clock.week_start(clock.today())
    con = sqlite3.connect(str(path))

    made = templates.generate(monday, monday + dt.timedelta(days=6), room)  # once: what the first look makes
    view = roster_shifts.week(monday, room)
    rows, closed = raw_week(con, room, monday)
    assert len(rows) == len(view.shifts()), (len(rows), len(view.shifts()))
    assert sum(len(p) for _, p in rows) == sum(len(s.people) for s in view.shifts())

    raw, service, generate = [], [], []
    for _ in range(RUNS):  # interleaved, so both see the same cache state
        raw += timed(lambda: raw_week(con, room, monday), 1)
        service += timed(lambda: roster_shifts.week(monday, room), 1)
        generate += timed(lambda: templates.generate(monday, monday + dt.timedelta(days=6), room), 1)
    shifts = con.execute("SELECT COUNT(*) FROM shift").fetchone()[0]
    assignments = con.execute("SELECT COUNT(*) FROM shift_assignment").fetchone()[0]
    print(f"F3 week {view.label} on {path}: room {room}, {len(rows)} shifts with "
          f"{sum(len(p) for _, p in rows)} people, {view.gaps} places open, {len(closed)} closed days "
          f"(of {shifts} shifts, {assignments} people on shifts){'' if not made else f'; {made} shifts made first'}")
    report(f"roster.week() (median of {RUNS})", median(service), median(raw), "ms")
    print(f"{'':44} of which generate() (nothing to make): {median(generate):.1f} ms; "
          f"goal: <= 50 ms (no worker): {'ok' if median(service) <= 50 else 'OVER'}")

    if not screen_importable():
        print("F3 screen: bwk_tui.ui.screens.roster is not there yet; only the service was measured")
        return
    keyed, pressed, idle = asyncio.run(measure_screen())
    report(f"F3 key -> week filled (median of {OPENS})", median(keyed), median(raw), "ms")
    print(f"{'':44} goal: <= 100 ms: {'ok' if median(keyed) <= 100 else 'OVER'}; slowest {max(keyed):.1f} ms")
    report("F3 by Pilot.press, idle and painted (median)", median(pressed), median(raw), "ms")
    print(f"{'':44} of which Pilot's own wait (a key that does nothing): {median(idle):.1f} ms")


if __name__ == "__main__":
    main()
