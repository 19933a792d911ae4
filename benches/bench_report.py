"""The funders' report on the large demo database: the year report (the year and the year before)
through the service, beside the raw SQL for the same figures, measured in the same run."""
from __future__ import annotations

import datetime as dt
import sqlite3
import time

from common import coordinator, large_demo_db, median, report

from bwk_tui.services.reports import reports
from bwk_tui.services.kernel import clock
from bwk_tui.services.room import current_room_id, open_ready

RUNS = 7

RAW_TOTALS = ("SELECT COUNT(id), COUNT(DISTINCT person_id), COUNT(DISTINCT recorded_by_id) FROM visit "
              "WHERE room_id = :room AND visit_date >= :start AND visit_date <= :end")
RAW_WALK_INS = "SELECT COUNT(*) FROM walk_in WHERE room_id = :room AND visit_date >= :start AND visit_date <= :end"
RAW_VISITORS = """
SELECT p.id, p.household_id, COALESCE(h.pc4, p.pc4), NULLIF(p.housing_corporation, ''),
       EXISTS (SELECT 1 FROM visit e WHERE e.person_id = p.id AND e.visit_date < :start)
FROM person p LEFT JOIN household h ON h.id = p.household_id
WHERE p.id IN (SELECT person_id FROM visit WHERE room_id = :room AND visit_date >= :start AND visit_date <= :end)
"""
RAW_DOMAINS = """
SELECT vd.domain_id, v.person_id, COUNT(v.id) FROM visit v JOIN visit_domain vd ON vd.visit_id = v.id
WHERE v.room_id = :room AND v.visit_date >= :start AND v.visit_date <= :end GROUP BY vd.domain_id, v.person_id
"""
RAW_REFERRALS = """
SELECT NULLIF(referral, ''), COUNT(id) FROM visit
WHERE room_id = :room AND visit_date >= :start AND visit_date <= :end AND NULLIF(referral, '') IS NOT NULL
GROUP BY NULLIF(referral, '')
"""
RAW_DONE = ("SELECT COUNT(*) FROM visit WHERE room_id = :room AND follow_up_done >= :start "
            "AND follow_up_done <= :end")
RAW_OVERDUE = ("SELECT COUNT(*) FROM visit WHERE room_id = :room AND follow_up_date IS NOT NULL "
               "AND follow_up_done IS NULL AND follow_up_date >= :start AND follow_up_date <= :until")
RAW_CASH = ("SELECT category_id, direction, SUM(amount_cents) FROM cash_entry WHERE room_id = :room "
            "AND entry_date >= :start AND entry_date <= :end GROUP BY category_id, direction")


def raw_figures(con: sqlite3.Connection, room: int, start: dt.date, end: dt.date) -> dict:
    """The same figures as reports._figures, by hand-written SQL and the same small aggregation."""
    args = {"room": room, "start": start.isoformat(), "end": end.isoformat(),
            "until": min(end, clock.today() - dt.timedelta(days=1)).isoformat()}
    visits, persons, volunteers = con.execute(RAW_TOTALS, args).fetchone()
    walk_ins = con.execute(RAW_WALK_INS, args).fetchone()[0]
    household_of, pc4, corporations, new = {}, {}, {}, 0
    for person_id, household_id, code, corporation, returning in con.execute(RAW_VISITORS, args):
        key = household_id if household_id is not None else -person_id
        household_of[person_id] = key
        pc4.setdefault(code, set()).add(key)
        corporations.setdefault(corporation, set()).add(key)
        new += not returning
    domains = {}
    for domain_id, person_id, count in con.execute(RAW_DOMAINS, args):
        households, total = domains.get(domain_id, (set(), 0))
        households.add(household_of[person_id])
        domains[domain_id] = (households, total + count)
    return {
        "visits": visits, "persons": persons, "volunteers": volunteers, "walk_ins": walk_ins, "new": new,
        "households": len(set(household_of.values())),
        "pc4": {k: len(v) for k, v in pc4.items()},
        "corporations": {k: len(v) for k, v in corporations.items()},
        "domains": {k: (len(h), n) for k, (h, n) in domains.items()},
        "referrals": dict(con.execute(RAW_REFERRALS, args).fetchall()),
        "done": con.execute(RAW_DONE, args).fetchone()[0],
        "overdue": con.execute(RAW_OVERDUE, args).fetchone()[0],
        "cash": {(c, d): s for c, d, s in con.execute(RAW_CASH, args)},
    }


def raw_report(con: sqlite3.Connection, room: int, period: clock.Period) -> tuple[dict, dict]:
    previous = period.year_earlier()
    # the labels the service looks up (domain and category names, the room's name)
    con.execute("SELECT id, name_nl FROM help_domain").fetchall()
    con.execute("SELECT id, name_nl FROM cash_category").fetchall()
    con.execute("SELECT name FROM room WHERE id = ?", (room,)).fetchone()
    return (raw_figures(con, room, period.start, period.end),
            raw_figures(con, room, previous.start, previous.end))


def main() -> None:
    path = large_demo_db()
    open_ready(str(path))
    room = current_room_id()
    boss = coordinator()
    con = sqlite3.connect(str(path))
    period = clock.parse_period(str(clock.today().year - 1))  # the last whole year

    now, before = raw_report(con, room, period)  # warm both caches once
    built = reports.build_report(boss, period)
    reach = {r.label: r for r in built.sections[0].rows}
    assert list(reach.values())[2].value == now["visits"] and list(reach.values())[1].value == now["households"]

    raw, service = [], []
    for _ in range(RUNS):  # interleaved, so both see the same cache state
        start = time.perf_counter()
        raw_report(con, room, period)
        raw.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        reports.build_report(boss, period)
        service.append((time.perf_counter() - start) * 1000)

    print(f"report {period.label} beside {period.year_earlier().label} on {path}: room {room}, "
          f"{now['visits']} + {before['visits']} visits, {now['households']} households")
    report(f"year report (median of {RUNS})", median(service), median(raw), "ms", goal=1.5)
    print(f"{'':44} goal: <= 1000 ms: {'ok' if median(service) <= 1000 else 'OVER'}; "
          f"slowest service run {max(service):.1f} ms")


if __name__ == "__main__":
    main()
