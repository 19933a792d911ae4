"""The room the reliability tests write to, the writers they start, and what they check after."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

WRITER = Path(__file__).with_name("writer.py")
SOAK = bool(os.environ.get("BWK_SOAK"))


def set_up_room(path: Path, clock) -> None:
    """A room with a coordinator, six volunteers with profiles, shifts for a year and 20 persons."""
    from bwk_tui.services import room
    from bwk_tui.services.room import auth, open_ready
    from bwk_tui.services.roster import templates, volunteers
    from bwk_tui.services.visitors import persons
    from writer import COORDINATOR, PIN, START_DAY

    clock.at(START_DAY, 8)
    opened = open_ready(str(path))
    try:
        room.set_up("De Kameleon", COORDINATOR, PIN)
        boss = auth.login(COORDINATOR, PIN)
        for n in range(6):
            account = auth.create_account_as_admin(f"Vrijwilliger{n}", "volunteer", "135724")
            volunteers.save_profile(boss, volunteers.ProfileForm(account.id))
        for weekday in range(5):
            templates.add_template(boss, templates.TemplateForm(weekday, "o", needed=3))
            templates.add_template(boss, templates.TemplateForm(weekday, "m", needed=2))
        templates.generate(START_DAY, START_DAY + dt.timedelta(days=400))
        for n in range(20):
            persons.register(boss, persons.PersonForm(first_name=f"Vaste{n}", pc4="1102", consent=True),
                             allow_duplicate=True)
    finally:
        opened.db.close()


def start_writer(path: Path, acks: Path, seed: int, seconds: float, closings: bool = False) -> subprocess.Popen:
    args = [sys.executable, str(WRITER), str(path), str(acks), str(seed), str(seconds)]
    if closings:
        args.append("--closings")
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(Path(__file__).parents[2]))


def read_acks(acks: Path) -> list[dict]:
    """The acknowledged writes; a last line cut short by a kill is not one."""
    rows = []
    if acks.exists():
        for line in acks.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows


@dataclasses.dataclass
class Figures:
    rows: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.rows.items()))


def check_database(path: Path, acks: list[dict]) -> list[str]:
    """Everything that must hold after a kill or a race; returns what does not (empty: all well)."""
    problems = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            return [f"integrity_check: {integrity[:5]}"]
        q = lambda sql, *a: con.execute(sql, a).fetchall()  # noqa: E731
        persons = dict(q("SELECT id, first_name FROM person"))
        visit_ids = {r[0] for r in q("SELECT id FROM visit")}
        open_ids = {r[0] for r in q("SELECT id FROM visit WHERE left_at IS NULL")}
        receipts = {r[0]: f"{r[1]}-{r[2]:04d}" for r in q("SELECT id, receipt_year, receipt_no FROM cash_entry")}
        assignments = set(q("SELECT shift_id, volunteer_id FROM shift_assignment"))
        closings = dict(q("SELECT id, day FROM cash_closing"))
        for row in acks:
            kind = row.get("kind")
            if "error" in row:
                problems.append(f"a caller got {row['error']} ({row['action']})")
            elif kind == "person" and persons.get(row["id"]) != row["first_name"]:
                problems.append(f"acknowledged person {row} is missing")
            elif kind == "visit" and row["id"] not in visit_ids:
                problems.append(f"acknowledged visit {row} is missing")
            elif kind == "check_out" and row["id"] in open_ids:
                problems.append(f"acknowledged check-out {row} is undone")
            elif kind == "cash" and receipts.get(row["id"]) != row["receipt"]:
                problems.append(f"acknowledged cash entry {row} is missing")
            elif kind == "sign_up" and (row["shift"], row["volunteer"]) not in assignments:
                problems.append(f"acknowledged sign-up {row} is missing")
            elif kind == "closing" and str(closings.get(row["id"]))[:10] != row["day"]:
                problems.append(f"acknowledged closing {row} is missing")
        # No half-made entity: each write is one transaction with its audit line (and a visit its domain).
        for sql, what in [
            ("SELECT id FROM person WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'person.create')",
             "person without its audit line"),
            ("SELECT id FROM person WHERE household_id NOT IN (SELECT id FROM household)", "person without household"),
            ("SELECT id FROM visit WHERE id NOT IN (SELECT visit_id FROM visit_domain)", "visit without its domain"),
            ("SELECT id FROM visit WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'visit.create')",
             "visit without its audit line"),
            ("SELECT id FROM cash_entry WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE entity = 'cash_entry')",
             "cash entry without its audit line"),
            ("SELECT id FROM cash_closing WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'closing')",
             "closing without its audit line"),
            ("SELECT person_id, visit_date FROM visit WHERE left_at IS NULL GROUP BY person_id, visit_date "
             "HAVING COUNT(*) > 1", "a second open visit for one person"),
            ("SELECT room_id, receipt_year, receipt_no FROM cash_entry GROUP BY 1, 2, 3 HAVING COUNT(*) > 1",
             "a duplicate receipt number"),
        ]:
            found = q(sql)
            if found:
                problems.append(f"{what}: {found[:5]}")
        # Receipts without gaps: 1..n in each room and year.
        for room_id, year, low, high, count in q(
                "SELECT room_id, receipt_year, MIN(receipt_no), MAX(receipt_no), COUNT(*) FROM cash_entry GROUP BY 1, 2"):
            if (low, high) != (1, count):
                problems.append(f"receipts of room {room_id} in {year} run {low}..{high} with {count} entries")
    finally:
        con.close()
    return problems


def bwk_check(path: Path) -> int:
    """`bwk --db PATH check`, in this process (the same code as the command, without the start-up)."""
    import contextlib
    import io

    from bwk_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--db", str(path), "check"])
    from db import database

    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
    if status != 0:
        print(out.getvalue(), err.getvalue(), file=sys.stderr)
    return status
