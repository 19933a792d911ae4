"""Issue 11, the command line needs a coordinator: every command that shows or changes the room's
data, run without credentials, as a volunteer or with a wrong PIN, exits 1 and changes nothing;
with a coordinator's PIN it works and its audit line names the coordinator. Through the real
entry point (`python -m bwk_tui`). Also: no password of a database URL in a message."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from test_cli import bwk


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A room with coordinator Coby (246813), volunteer Vera (135724) with a roster profile, and a cash
    entry whose description a spreadsheet would run."""
    from bwk_tui.services import load_desks, room
    from bwk_tui.services.cash import cash
    from bwk_tui.services.room import auth, open_ready
    from bwk_tui.services.roster import volunteers

    path = tmp_path_factory.mktemp("slot") / "template.sqlite3"
    load_desks()
    opened = open_ready(str(path))
    try:
        room.set_up("De Kameleon", "Coby", "246813")
        vera = auth.create_account_as_admin("Vera", "volunteer", "135724")
        boss = auth.login("Coby", "246813")
        volunteers.save_profile(boss, volunteers.ProfileForm(account_id=vera.id))
        koffie = next(c.id for c in cash.categories("in"))
        cash.add_entry(boss, "in", "5", koffie, '=HYPERLINK("http://x","klik")')
    finally:
        opened.db.close()
    return path


@pytest.fixture
def live(template, tmp_path) -> str:
    target = tmp_path / "room.sqlite3"
    shutil.copy(template, target)
    return str(target)


def snapshot(path: str) -> dict:
    """Everything but the audit log and the wrong-PIN counters (which count by design)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for table in tables:
            if table == "audit_log":
                continue
            rows = con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            if table == "account":
                names = [d[1] for d in con.execute("PRAGMA table_info(account)")]
                rows = [tuple(v for n, v in zip(names, r) if n not in ("failed_pins", "lockouts", "locked_until"))
                        for r in rows]
            out[table] = rows
        return out
    finally:
        con.close()


def audit_rows(path: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT a.action, acc.name, a.detail FROM audit_log a "
                           "LEFT JOIN account acc ON acc.id = a.account_id ORDER BY a.id").fetchall()
    finally:
        con.close()


# command, extra stdin lines after the coordinator's PIN, the audit action it leaves, a part of its detail
COMMANDS = {
    "report": (["report", "--period", "2026-Q1", "--format", "csv"], "", "cli.report", "format=csv"),
    "match propose": (["match", "propose", "--format", "csv"], "", "cli.match_propose", "format=csv"),
    "match scores": (["match", "scores"], "", "cli.match_scores", "format=csv"),
    "roster week": (["roster", "week", "--week", "2026-W48"], "", "cli.roster_week", "week=2026-11-23"),
    "roster hours": (["roster", "hours", "--month", "2026-11"], "", "cli.roster_hours", "month=2026-11"),
    "roster statement": (["roster", "statement", "Vera", "--month", "2026-11"], "", "cli.roster_statement",
                         "month=2026-11"),
    "cash export": (["cash", "export", "--out", "{tmp}/kas.csv"], "", "cli.cash_export", "out=kas.csv"),
    "user add": (["user", "add", "Bob", "--role", "coordinator"], "864290\n", "account.create", "role=coordinator"),
    "user unlock": (["user", "unlock", "Vera"], "", "account.unlock", ""),
    "settings": (["settings"], "", "cli.settings", "all"),
    "settings key": (["settings", "idle_lock_minutes"], "", "cli.settings", "key=idle_lock_minutes"),
    "settings change": (["settings", "report_suppress_small", "6"], "", "setting.change", "report_suppress_small"),
    "backup": (["backup", "--to", "{tmp}/kopie"], "", "backup", "bwk-"),
    "restore": (["restore", "{tmp}/old.sqlite3"], "", "cli.restore", "file=old.sqlite3"),
}


def argv(name: str, tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[name][0]]


@pytest.fixture
def old_copy(template, tmp_path):
    shutil.copy(template, tmp_path / "old.sqlite3")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_refused_without_a_coordinator_and_nothing_changes(name, live, tmp_path, old_copy):
    before = snapshot(live)
    extra = COMMANDS[name][1]
    refusals = {
        "no credentials": ([], ""),
        "a volunteer": (["--as", "Vera", "--pin-stdin"], "135724\n" + extra),
        "a wrong PIN": (["--as", "Coby", "--pin-stdin"], "9999\n" + extra),
        "a PIN but no name": (["--pin-stdin"], "246813\n" + extra),
    }
    for why, (flags, stdin) in refusals.items():
        result = bwk("--db", live, *argv(name, tmp_path), *flags, stdin=stdin)
        assert result.returncode == 1, (why, result.stdout, result.stderr)
        assert result.stderr.strip() and result.stdout == "", why
        assert "coördinator" in result.stderr or "PIN klopt niet" in result.stderr, (why, result.stderr)
        assert snapshot(live) == before, why
    assert not (tmp_path / "kas.csv").exists() and not (tmp_path / "kopie").exists()
    assert ("cli.refused", "Vera", name.replace(" key", "").replace(" change", "")) in audit_rows(live)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_coordinator_passes_and_the_audit_line_names_her(name, live, tmp_path, old_copy):
    _, extra, action, detail = COMMANDS[name]
    result = bwk("--db", live, *argv(name, tmp_path), "--as", "Coby", "--pin-stdin", stdin="246813\n" + extra)
    assert result.returncode == 0, result.stderr
    if name == "restore":  # its line went with the replaced data into the kept copy
        [kept] = (Path(live).parent / "backups").glob("bwk-voor-herstel-*.sqlite3")
        rows = audit_rows(str(kept))
    else:
        rows = audit_rows(live)
    assert any(a == action and who == "Coby" and detail in (d or "") for a, who, d in rows), rows


def test_wrong_pins_on_the_command_line_lock_the_account_like_the_login_screen(live):
    for _ in range(5):
        bwk("--db", live, "settings", "--as", "Coby", "--pin-stdin", stdin="9999\n")
    con = sqlite3.connect(live)
    failed, locked_until = con.execute("SELECT failed_pins, locked_until FROM account WHERE name='Coby'").fetchone()
    con.close()
    assert failed == 5 and locked_until is not None
    right = bwk("--db", live, "settings", "--as", "Coby", "--pin-stdin", stdin="246813\n")
    # Locked, even the right PIN is refused, with the same words as a wrong one (they tell nobody
    # that the name exists and is locked).
    assert right.returncode == 1 and "Naam of PIN klopt niet" in right.stderr and right.stdout == ""


def test_exempt_commands_need_no_coordinator(live, tmp_path):
    assert bwk("--db", live, "check").returncode in (0, 1)  # its outcome is the books', not a refusal
    assert bwk("--help").returncode == 0
    assert bwk("--db", str(tmp_path / "new.sqlite3"), "init").returncode == 0
    help_text = bwk("user", "add", "--help").stdout
    assert "regel 1" in help_text and "regel 2" in help_text


def test_no_coordinator_yet_is_said_plainly(tmp_path):
    fresh = str(tmp_path / "fresh.sqlite3")
    bwk("--db", fresh, "init")
    result = bwk("--db", fresh, "settings", "--as", "Coby", "--pin-stdin", stdin="246813\n")
    assert result.returncode == 1 and "PIN klopt niet" in result.stderr
    result = bwk("--db", fresh, "settings")
    assert result.returncode == 1 and "bwk init" in result.stderr


def test_the_cash_export_does_not_hand_a_spreadsheet_a_formula(live, tmp_path):
    result = bwk("--db", live, "cash", "export", "--as", "Coby", "--pin-stdin", stdin="246813\n")
    assert result.returncode == 0, result.stderr
    assert "'=HYPERLINK(" in result.stdout and ",=HYPERLINK(" not in result.stdout.replace('"', "")


@pytest.mark.parametrize("url", ["postgresql://bwk:s3cretpw@127.0.0.1:1/bwk",
                                 "postgresql://bwk:s3cretpw@127.0.0.1:1/"])
def test_a_database_password_is_never_shown(url):
    result = bwk("--db", url, "check")
    assert result.returncode == 1
    assert "s3cretpw" not in result.stdout + result.stderr
    assert "127.0.0.1" in result.stderr  # where it tried is said, without the password
