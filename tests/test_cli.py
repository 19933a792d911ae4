"""The `bwk` command through its real entry point: exit codes, messages, no tracebacks."""
from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import rawdb
from bwk_tui.cli import main


def bwk(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m bwk_tui` as a user would run `bwk`."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    result = subprocess.run([sys.executable, "-m", "bwk_tui", *args], input=stdin, capture_output=True,
                            text=True, env=full_env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def dbfile(tmp_path) -> str:
    return str(tmp_path / "room.sqlite3")


def init(dbfile: str, name: str = "Coby", pin: str = "246813") -> subprocess.CompletedProcess:
    return bwk("--db", dbfile, "init", "--coordinator", name, "--pin-stdin", "--room", "De Kameleon",
               stdin=pin + "\n")


def test_init_creates_the_database_and_the_coordinator(dbfile):
    result = init(dbfile)
    assert result.returncode == 0
    assert "Coördinator Coby aangemaakt" in result.stdout
    con = rawdb.connect(dbfile)
    row = con.execute("SELECT name, role, pin_hash FROM account").fetchone()
    assert row[:2] == ("Coby", "coordinator") and row[2].startswith("$argon2id$")
    assert "246813" not in row[2]
    assert con.execute("SELECT value FROM setting WHERE key='room_name'").fetchone() == ("De Kameleon",)


def test_init_twice_changes_nothing(dbfile):
    init(dbfile)
    # The database is encrypted now: opening it again takes a coordinator's PIN.
    again = bwk("--db", dbfile, "init", "--as", "Coby", "--pin-stdin", "--coordinator", "Other",
                stdin="246813\n")
    assert again.returncode == 0, again.stderr
    assert "al een coördinator" in again.stdout
    assert rawdb.connect(dbfile).execute("SELECT count(*) FROM account").fetchone() == (1,)


def test_init_refuses_a_pin_with_letters_and_saves_nothing(dbfile):
    result = init(dbfile, pin="12ab")
    assert result.returncode == 1
    assert result.stderr.strip() == "Een PIN bestaat alleen uit cijfers."
    assert "12ab" not in result.stdout + result.stderr
    assert rawdb.connect(dbfile).execute("SELECT count(*) FROM account").fetchone() == (0,)


def test_init_with_half_the_flags_is_bad_usage(dbfile):
    result = bwk("--db", dbfile, "init", "--coordinator", "Coby")
    assert result.returncode == 2
    assert "--pin-stdin" in result.stderr


AS = ("--as", "Coby", "--pin-stdin")  # Coby's PIN (246813) is the first line on stdin


def test_user_add_and_its_refusals(dbfile):
    init(dbfile)
    # Two lines on stdin: the coordinator's PIN, then the new account's.
    ok = bwk("--db", dbfile, "user", "add", "Vera", "--role", "volunteer", *AS, stdin="246813\n135724\n")
    assert ok.returncode == 0 and "Vera (vrijwilliger)" in ok.stdout
    again = bwk("--db", dbfile, "user", "add", "vera", "--role", "volunteer", *AS, stdin="246813\n135724\n")
    assert again.returncode == 1 and "al een account" in again.stderr
    bad_role = bwk("--db", dbfile, "user", "add", "Bob", "--role", "boss", *AS, stdin="246813\n135724\n")
    assert bad_role.returncode == 2
    no_pin = bwk("--db", dbfile, "user", "add", "Bob", "--role", "volunteer", *AS, stdin="246813\n")
    assert no_pin.returncode == 1 and "Geen PIN" in no_pin.stderr
    long_pin = bwk("--db", dbfile, "user", "add", "Bob", "--role", "volunteer", *AS, stdin="246813\n123456789\n")
    assert long_pin.returncode == 1 and "6 tot 8" in long_pin.stderr
    names = [r[0] for r in rawdb.connect(dbfile).execute("SELECT name FROM account ORDER BY id")]
    assert names == ["Coby", "Vera"]


def test_user_unlock(dbfile):
    init(dbfile)
    bwk("--db", dbfile, "user", "add", "Vera", "--role", "volunteer", *AS, stdin="246813\n135724\n")
    con = rawdb.connect(dbfile)
    con.execute("UPDATE account SET failed_pins=5, lockouts=1, locked_until='2999-01-01 00:00:00' WHERE name='Vera'")
    con.commit()
    result = bwk("--db", dbfile, "user", "unlock", "vera", *AS, stdin="246813\n")
    assert result.returncode == 0 and "ontgrendeld" in result.stdout
    assert con.execute("SELECT failed_pins, locked_until FROM account WHERE name='Vera'").fetchone() == (0, None)
    unknown = bwk("--db", dbfile, "user", "unlock", "nobody", *AS, stdin="246813\n")
    assert unknown.returncode == 1 and "geen account" in unknown.stderr


def test_bwk_db_environment_variable_is_used(dbfile):
    result = bwk("init", "--coordinator", "Coby", "--pin-stdin", stdin="246813\n", env={"BWK_DB": dbfile})
    assert result.returncode == 0
    assert Path(dbfile).exists()


def test_check_passes_then_finds_a_removed_guard(dbfile):
    init(dbfile)
    good = bwk("--db", dbfile, "check", *AS, stdin="246813\n")
    assert good.returncode == 0 and "Alles in orde." in good.stdout
    con = rawdb.connect(dbfile)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.commit()
    bad = bwk("--db", dbfile, "check", *AS, stdin="246813\n")
    assert bad.returncode == 1
    assert "[FOUT] Logboek kan niet worden gewijzigd of gewist" in bad.stdout


def test_backup_then_restore_brings_the_data_back(dbfile, tmp_path):
    init(dbfile)
    backups = tmp_path / "kopie"
    made = bwk("--db", dbfile, "backup", "--to", str(backups), *AS, stdin="246813\n")
    assert made.returncode == 0 and "gecontroleerd" in made.stdout
    [copy] = list(backups.glob("bwk-2*.sqlite3"))
    bwk("--db", dbfile, "user", "add", "Vera", "--role", "volunteer", *AS, stdin="246813\n135724\n")
    restored = bwk("--db", dbfile, "restore", str(copy), *AS, stdin="246813\n")
    assert restored.returncode == 0, restored.stderr
    names = [r[0] for r in rawdb.connect(dbfile).execute("SELECT name FROM account")]
    assert names == ["Coby"]
    safety = list((Path(dbfile).parent / "backups").glob("bwk-voor-herstel-*.sqlite3"))
    assert len(safety) == 1
    kept = [r[0] for r in rawdb.connect(safety[0]).execute("SELECT name FROM account ORDER BY id")]
    assert kept == ["Coby", "Vera"]


def test_restore_refuses_a_damaged_file_and_keeps_the_live_data(dbfile, tmp_path):
    init(dbfile)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    result = bwk("--db", dbfile, "restore", str(junk), *AS, stdin="246813\n")
    assert result.returncode == 1 and "geen bwk-database" in result.stderr
    missing = bwk("--db", dbfile, "restore", str(tmp_path / "nothere.sqlite3"), *AS, stdin="246813\n")
    assert missing.returncode == 1 and "bestaat niet" in missing.stderr
    assert rawdb.connect(dbfile).execute("SELECT count(*) FROM account").fetchone() == (1,)


@pytest.mark.parametrize("url, words", [
    ("ftp://server/x", "geen bekende database"),
    ("sqlite://", "geen bestandsnaam"),
    ("postgresql://127.0.0.1:1/", "geen databasenaam"),
])
def test_bad_database_urls_get_plain_words(url, words):
    result = bwk("--db", url, "check")
    assert result.returncode == 1
    assert words in result.stderr


def test_a_folder_or_a_non_database_file(tmp_path):
    folder = bwk("--db", str(tmp_path), "check")
    assert folder.returncode == 1 and "is een map" in folder.stderr
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("hello" * 1000)
    result = bwk("--db", str(junk), "check")
    assert result.returncode == 1 and "kan niet worden geopend" in result.stderr


def test_unreachable_postgres_server_is_a_plain_message():
    result = bwk("--db", "postgresql://nobody@127.0.0.1:1/bwk", "check")
    assert result.returncode == 1
    assert result.stderr.strip() == ("Op 127.0.0.1:1 antwoordt geen databaseserver. Staat de server aan, "
                                     "en kloppen het adres en de poort?")


def test_bad_usage_exits_2():
    assert bwk("--nonsense").returncode == 2
    assert bwk("demo", "--scale", "huge").returncode == 2


def test_messages_in_english_on_request(dbfile):
    result = bwk("--db", dbfile, "init", "--coordinator", "Coby", "--pin-stdin", stdin="12\n", env={"BWK_LANG": "en"})
    assert result.returncode == 1
    assert result.stderr.strip() == "A PIN has 6 to 8 digits."


def test_main_in_process_returns_exit_codes(dbfile, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("246813\n246813\n"))
    assert main(["--db", dbfile, "init", "--coordinator", "Coby", "--pin-stdin"]) == 0
    assert main(["--db", dbfile, "user", "unlock", "Nobody", *AS]) == 1
    assert "geen account" in capsys.readouterr().err


def test_demo_prints_a_coordinator_who_can_log_in(tmp_path):
    target = str(tmp_path / "demo.sqlite3")
    result = bwk("--db", target, "demo", "--seed", "5")
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("Log in als coördinator"))
    name, pin = line.split("coördinator ")[1].split(" met PIN ")
    pin = pin.rstrip(":")
    from bwk_tui.services.room import auth
    from bwk_tui.services.room import open_ready

    volunteer = next(l for l in result.stdout.splitlines() if l.startswith("Of als vrijwilliger"))
    v_name, v_pin = volunteer.removeprefix("Of als vrijwilliger ").rstrip(".").split(" met PIN ")
    from bwk_tui.services.room import vault

    opened = vault.unlock(vault.door(target), name, pin)  # the demo is encrypted: its keyslot opens it
    try:
        assert auth.login(name, pin).is_coordinator
        assert auth.login(v_name, v_pin).role == "volunteer"
        from db.models import Account

        hashes = [a.pin_hash for a in Account.select()]
        assert len(set(hashes)) == len(hashes)  # every account its own PIN
    finally:
        opened.db.close()
    again = bwk("--db", target, "demo")
    assert again.returncode == 1 and "bestaat al" in again.stderr
    replaced = bwk("--db", target, "demo", "--force", "--seed", "6")
    assert replaced.returncode == 0, replaced.stderr


def test_demo_force_never_replaces_a_real_database(dbfile):
    init(dbfile)
    result = bwk("--db", dbfile, "demo", "--force")
    assert result.returncode == 1 and "bevat al gegevens" in result.stderr
    assert rawdb.connect(dbfile).execute("SELECT name FROM account").fetchall() == [("Coby",)]


def test_settings_are_listed_checked_and_changed(dbfile):
    init(dbfile)
    listed = bwk("--db", dbfile, "settings", *AS, stdin="246813\n")
    assert listed.returncode == 0 and "idle_lock_minutes = 3" in listed.stdout
    changed = bwk("--db", dbfile, "settings", "idle_lock_minutes", "5", *AS, stdin="246813\n")
    assert changed.returncode == 0 and "idle_lock_minutes is nu: 5" in changed.stdout
    refused = bwk("--db", dbfile, "settings", "idle_lock_minutes", "0", *AS, stdin="246813\n")
    assert refused.returncode == 1 and "0.5 tot 60" in refused.stderr
    unknown = bwk("--db", dbfile, "settings", "is_demo", "1", *AS, stdin="246813\n")
    assert unknown.returncode == 1 and "Onbekende instelling" in unknown.stderr
    lists = bwk("--db", dbfile, "settings", "housing_corporations", "Ymere; Eigen Haard ;Ymere", *AS, stdin="246813\n")
    assert lists.returncode == 0
    con = rawdb.connect(dbfile)
    values = dict(con.execute("SELECT key, value FROM setting").fetchall())
    assert values["idle_lock_minutes"] == "5"
    assert values["housing_corporations"] == "Ymere\nEigen Haard"
    assert "is_demo" not in values


def test_a_bug_of_ours_is_plain_words_and_a_log_not_a_traceback(dbfile, monkeypatch, capsys):
    init(dbfile)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("bwk_tui.services.room.check.run_check", broken)
    monkeypatch.setattr("sys.stdin", io.StringIO("246813\n"))
    assert main(["--db", dbfile, "check", *AS]) == 1
    err = capsys.readouterr().err
    assert "Er ging iets mis" in err and "ZeroDivisionError" in err and "Traceback" not in err
