"""Versleuteld: the database, its WAL, every backup and the keyslot file reveal nothing; keys per
account; the recovery key; bwk encrypt / rekey / recover; 0600 and 0700 for everything bwk writes.

These tests run `bwk` as a person would (a subprocess), on files in a temporary folder.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import rawdb

PIN = "246813"
AS = ("--as", "Coby", "--pin-stdin")


def bwk(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    result = subprocess.run([sys.executable, "-m", "bwk_tui", *args], input=stdin, capture_output=True,
                            text=True, env=full_env, timeout=180)
    assert "Traceback" not in result.stderr, result.stderr
    assert "ERROR CORE" not in result.stderr, result.stderr  # SQLCipher's own log stays quiet
    return result


def recovery_key_in(text: str) -> str:
    import re

    found = re.findall(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5}\b", text)
    assert len(found) == 1, text
    return found[0]


@pytest.fixture
def room_db(tmp_path):
    """A new database made with `bwk init`: encrypted from the start. Returns (path, recovery key)."""
    path = tmp_path / "kamer" / "bwk.sqlite3"
    made = bwk("--db", str(path), "init", "--coordinator", "Coby", "--pin-stdin", "--room", "De Kameleon",
               stdin=PIN + "\n")
    assert made.returncode == 0, made.stderr
    assert "HERSTELSLEUTEL" in made.stdout and "kluis" in made.stdout
    return path, recovery_key_in(made.stdout)


def names(path: Path, pin: str = PIN) -> list[str]:
    return [r[0] for r in rawdb.connect(path, pin=pin).execute("SELECT name FROM account ORDER BY id")]


# --- the files reveal nothing ------------------------------------------------------------------


def test_a_demo_database_its_wal_backups_and_keyslots_hold_no_personal_text(tmp_path):
    target = tmp_path / "demo" / "bwk.sqlite3"
    made = bwk("--db", str(target), "demo", "--seed", "3")
    assert made.returncode == 0, made.stderr
    line = next(l for l in made.stdout.splitlines() if l.startswith("Log in als coördinator"))
    name, pin = line.split("coördinator ")[1].split(" met PIN ")
    pin = pin.rstrip(":")
    assert "HERSTELSLEUTEL" in made.stdout
    backup = bwk("--db", str(target), "backup", "--as", name, "--pin-stdin", stdin=pin + "\n")
    assert backup.returncode == 0, backup.stderr
    con = rawdb.connect(target, name=name, pin=pin)
    secrets = [r[0] for r in con.execute("SELECT first_name || ' ' || last_name FROM person LIMIT 40")]
    secrets += [r[0] for r in con.execute("SELECT note FROM visit WHERE note != '' LIMIT 40")]
    secrets += [r[0] for r in con.execute("SELECT description FROM help_request WHERE description != '' LIMIT 40")]
    # The WAL of a desk at work: a write that is not yet checkpointed.
    con.execute("UPDATE person SET first_name = 'Geheime Bijnaam Xyzzy' WHERE id = (SELECT min(id) FROM person)")
    con.commit()
    secrets.append("Geheime Bijnaam Xyzzy")
    secrets = [text for text in secrets if text]
    assert len(secrets) > 50
    folder = target.parent
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in written) and any(p.suffix == ".keys" for p in written)
    assert len([p for p in written if p.parent.name == "backups"]) == 2  # the backup and its keyslots
    for file in written:
        data = file.read_bytes()
        for text in secrets:
            assert text.encode("utf-8") not in data, (file.name, text)
    con.close()


def test_everything_bwk_writes_is_private_whatever_the_umask(room_db, tmp_path):
    path, _ = room_db
    out = tmp_path / "kamer" / "export"
    bwk("--db", str(path), "backup", *AS, stdin=PIN + "\n")
    bwk("--db", str(path), "cash", "export", "--out", str(out / "kas.csv"), *AS, stdin=PIN + "\n")
    os.makedirs(out, exist_ok=True)
    report = bwk("--db", str(path), "report", "--period", "2026", "--format", "xlsx",
                 "--out", str(out / "rapport.xlsx"), *AS, stdin=PIN + "\n", env={"UMASK_TEST": "1"})
    assert report.returncode == 0, report.stderr
    checked = 0
    for item in (tmp_path / "kamer").rglob("*"):
        if item == out:
            continue  # made by this test
        mode = stat.S_IMODE(item.stat().st_mode)
        assert mode == (0o700 if item.is_dir() else 0o600), (item, oct(mode))
        checked += 1
    assert checked >= 6  # the folder, the database, bwk.keys, backups/, a backup and its keys, exports


def test_the_keyslot_file_holds_names_and_roles_but_no_key(room_db):
    path, recovery = room_db
    keys = json.loads((path.parent / "bwk.keys").read_text())
    assert [(s["name"], s["role"]) for s in keys["slots"]] == [("Coby", "coordinator")]
    assert keys["pending_key"] is None and keys["room"] == "De Kameleon"
    text = (path.parent / "bwk.keys").read_text()
    key = rawdb.key_of(path)
    assert key.hex() not in text and recovery.replace("-", "") not in text and PIN not in text
    assert stat.S_IMODE((path.parent / "bwk.keys").stat().st_mode) == 0o600


# --- keys per account ------------------------------------------------------------------------


def test_every_account_has_its_own_slot_and_a_volunteer_opens_the_database_too(room_db):
    path, _ = room_db
    added = bwk("--db", str(path), "user", "add", "Vera", "--role", "volunteer", *AS, stdin=f"{PIN}\n135724\n")
    assert added.returncode == 0, added.stderr
    keys = json.loads((path.parent / "bwk.keys").read_text())
    assert sorted(s["name"] for s in keys["slots"]) == ["Coby", "Vera"]
    # Vera's PIN unwraps the same data key; she is refused only because the command is a coordinator's.
    assert rawdb.key_of(path, "Vera", "135724") == rawdb.key_of(path)
    refused = bwk("--db", str(path), "settings", "--as", "Vera", "--pin-stdin", stdin="135724\n")
    assert refused.returncode == 1 and "coördinator" in refused.stderr


def test_a_wrong_pin_unwraps_nothing_and_counts_toward_the_lockout(room_db):
    path, _ = room_db
    for _ in range(5):
        wrong = bwk("--db", str(path), "settings", *AS, stdin="999111\n")
        assert wrong.returncode == 1 and "klopt niet" in wrong.stderr
    keys = json.loads((path.parent / "bwk.keys").read_text())
    [slot] = keys["slots"]
    assert slot["failed"] == 5 and slot["locked_until"]
    locked = bwk("--db", str(path), "settings", *AS, stdin=PIN + "\n")
    assert locked.returncode == 1 and "klopt niet" in locked.stderr  # the right PIN during the lock
    assert len(json.loads((path.parent / "bwk.keys").read_text())["failures"]) == 6
    unknown = bwk("--db", str(path), "settings", "--as", "Niemand", "--pin-stdin", stdin=PIN + "\n")
    assert unknown.returncode == 1 and unknown.stderr == locked.stderr  # an unknown name looks the same


def test_pins_of_old_accounts_still_work_and_ask_to_change(room_db):
    """A 4-digit PIN from before the 6-digit rule keeps opening its own slot; new ones are refused."""
    path, _ = room_db
    short = bwk("--db", str(path), "user", "add", "Ans", "--role", "coordinator", *AS, stdin=f"{PIN}\n8264\n")
    assert short.returncode == 1 and "6 tot 8" in short.stderr


# --- the recovery key ------------------------------------------------------------------------


def test_recover_with_the_recovery_key_gives_a_coordinator_a_new_pin(room_db):
    path, recovery = room_db
    wrong = bwk("--db", str(path), "recover", "Coby", "--stdin", stdin="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF\n135724\n")
    assert wrong.returncode == 1 and "herstelsleutel past niet" in wrong.stderr
    assert rawdb.key_of(path) is not None  # nothing changed: the old PIN still opens
    typed = recovery.lower().replace("-", " ")  # as a person types it from paper
    ok = bwk("--db", str(path), "recover", "Coby", "--stdin", stdin=f"{typed}\n135724\n")
    assert ok.returncode == 0, ok.stderr
    assert "nieuwe PIN" in ok.stdout
    assert names(path, pin="135724") == ["Coby"]
    again = bwk("--db", str(path), "settings", "room_name", *AS, stdin="135724\n")
    assert again.returncode == 0 and again.stdout.strip() == "De Kameleon"
    old = bwk("--db", str(path), "settings", *AS, stdin=PIN + "\n")
    assert old.returncode == 1


def test_a_backup_restores_on_a_second_laptop_only_with_the_recovery_key(room_db, tmp_path):
    path, recovery = room_db
    made = bwk("--db", str(path), "backup", *AS, stdin=PIN + "\n")
    assert made.returncode == 0, made.stderr
    [copy] = (path.parent / "backups").glob("bwk-2*.sqlite3")
    stick = tmp_path / "usb"
    stick.mkdir()
    for file in (copy, copy.with_name(copy.name + ".keys")):
        (stick / file.name).write_bytes(file.read_bytes())
    laptop = tmp_path / "laptop2" / "bwk.sqlite3"
    refused = bwk("--db", str(laptop), "restore", str(stick / copy.name), "--recovery-stdin",
                  stdin="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF\n")
    assert refused.returncode == 1 and "past niet" in refused.stderr
    assert not laptop.exists()
    restored = bwk("--db", str(laptop), "restore", str(stick / copy.name), "--recovery-stdin",
                   stdin=recovery + "\n")
    assert restored.returncode == 0, restored.stderr
    got = bwk("--db", str(laptop), "settings", "room_name", *AS, stdin=PIN + "\n")
    assert got.returncode == 0 and got.stdout.strip() == "De Kameleon"


def test_restore_of_a_backup_under_another_key_asks_for_its_recovery_key(room_db, tmp_path):
    path, _ = room_db
    other = tmp_path / "andere" / "bwk.sqlite3"
    made = bwk("--db", str(other), "init", "--coordinator", "Coby", "--pin-stdin", "--room", "Elders", stdin=PIN + "\n")
    other_recovery = recovery_key_in(made.stdout)
    bwk("--db", str(other), "backup", *AS, stdin=PIN + "\n")
    [copy] = (other.parent / "backups").glob("bwk-2*.sqlite3")
    without = bwk("--db", str(path), "restore", str(copy), *AS, stdin=PIN + "\n")
    assert without.returncode == 1 and "herstelsleutel" in without.stderr
    ok = bwk("--db", str(path), "restore", str(copy), *AS, "--recovery-stdin", stdin=f"{PIN}\n{other_recovery}\n")
    assert ok.returncode == 0, ok.stderr
    # The restored data is under this database's own key: its PIN slots still open it.
    got = bwk("--db", str(path), "settings", "room_name", *AS, stdin=PIN + "\n")
    assert got.stdout.strip() == "Elders"


def test_a_plain_backup_is_never_restored_into_an_encrypted_database(room_db, tmp_path):
    import sqlite3

    path, _ = room_db
    plain = tmp_path / "plain.sqlite3"
    sqlite3.connect(plain).execute("CREATE TABLE schema_migration (id INTEGER, name TEXT)").connection.commit()
    result = bwk("--db", str(path), "restore", str(plain), *AS, stdin=PIN + "\n")
    assert result.returncode == 1 and "onversleutelde reservekopie" in result.stderr
    assert names(path) == ["Coby"]


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_missing_or_damaged_keyslot_file_is_a_plain_message(room_db, damage):
    path, _ = room_db
    keys = path.parent / "bwk.keys"
    before = path.read_bytes()
    if damage == "missing":
        keys.unlink()
    else:
        keys.write_text("{nee")
    result = bwk("--db", str(path), "settings", *AS, stdin=PIN + "\n")
    assert result.returncode == 1
    assert "sleutelbestand" in result.stderr and "niets veranderd" in result.stderr
    assert path.read_bytes() == before


# --- encrypt, rekey --------------------------------------------------------------------------


def test_encrypt_turns_a_plain_database_into_an_encrypted_one(tmp_path):
    from bwk_tui.services import room
    from bwk_tui.services.room import auth

    path = tmp_path / "oud" / "bwk.sqlite3"
    opened = room.open_ready(str(path))  # a database from before encryption: plain
    room.set_up("De Kameleon", "Coby", PIN)
    auth.create_account_as_admin("Vera", "volunteer", "135724")
    from bwk_tui.services.visitors import persons

    persons.register(auth.login("Coby", PIN), persons.PersonForm(
        first_name="Akosua", last_name="Mensahzoon", pc4="1103", consent=True))
    opened.db.close()
    wal = Path(str(path) + "-wal")
    assert b"Mensahzoon" in path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    result = bwk("--db", str(path), "encrypt", *AS, stdin=PIN + "\n")
    assert result.returncode == 0, result.stderr
    recovery_key_in(result.stdout)
    assert not Path(str(path) + "-wal").exists() or b"Mensahzoon" not in Path(str(path) + "-wal").read_bytes()
    assert b"Mensahzoon" not in path.read_bytes() and not path.read_bytes().startswith(b"SQLite format 3")
    assert names(path) == ["Coby", "Vera"]
    again = bwk("--db", str(path), "encrypt", *AS, stdin=PIN + "\n")
    assert again.returncode == 1 and "al versleuteld" in again.stderr


def test_rekey_makes_a_new_key_and_recovery_key_and_old_ones_stop_working(room_db):
    path, old_recovery = room_db
    bwk("--db", str(path), "backup", *AS, stdin=PIN + "\n")
    old_key = rawdb.key_of(path)
    result = bwk("--db", str(path), "rekey", *AS, stdin=PIN + "\n")
    assert result.returncode == 0, result.stderr
    new_recovery = recovery_key_in(result.stdout)
    assert new_recovery != old_recovery and rawdb.key_of(path) != old_key
    assert names(path) == ["Coby"]
    stale = bwk("--db", str(path), "recover", "Coby", "--stdin", stdin=f"{old_recovery}\n135724\n")
    assert stale.returncode == 1
    # The backup in the backups folder follows the new key.
    [copy] = (path.parent / "backups").glob("bwk-2*.sqlite3")
    assert rawdb.connect(copy).execute("SELECT count(*) FROM account").fetchone() == (1,)


def test_postgres_urls_take_sslmode():
    from db.connection import make_database

    db = make_database("postgresql://bwk@db.example/bwk?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    assert db.connect_params["sslmode"] == "verify-full"
    assert db.connect_params["sslrootcert"] == "/etc/ca.pem"


def test_a_removed_account_loses_its_keyslot_in_the_same_step(room_db):
    path, _ = room_db
    bwk("--db", str(path), "user", "add", "Vera", "--role", "volunteer", *AS, stdin=f"{PIN}\n135724\n")
    assert rawdb.key_of(path, "Vera", "135724") is not None
    self_removal = bwk("--db", str(path), "user", "remove", "Coby", *AS, stdin=PIN + "\n")
    assert self_removal.returncode == 1 and "eigen account" in self_removal.stderr
    removed = bwk("--db", str(path), "user", "remove", "Vera", *AS, stdin=PIN + "\n")
    assert removed.returncode == 0, removed.stderr
    keys = json.loads((path.parent / "bwk.keys").read_text())
    assert [s["name"] for s in keys["slots"]] == ["Coby"]
    refused = bwk("--db", str(path), "settings", "--as", "Vera", "--pin-stdin", stdin="135724\n")
    assert refused.returncode == 1 and "klopt niet" in refused.stderr
    con = rawdb.connect(path)
    assert con.execute("SELECT active FROM account WHERE name = 'Vera'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'account.deactivate'").fetchone() == (1,)


def test_a_demo_beside_the_default_database_has_keys_of_its_own(tmp_path):
    """The default database and `bwk demo` share the user data folder: each its own keyslot file."""
    home = tmp_path / "xdg"
    env = {"XDG_DATA_HOME": str(home)}
    made = bwk("init", "--coordinator", "Coby", "--pin-stdin", "--room", "Echt", stdin=PIN + "\n", env=env)
    assert made.returncode == 0, made.stderr
    demo = bwk("demo", env=env)
    assert demo.returncode == 0, demo.stderr
    folder = home / "bwk"
    assert sorted(p.name for p in folder.glob("*.keys")) == ["bwk-demo-small.keys", "bwk.keys"]
    real = bwk("settings", "room_name", *AS, stdin=PIN + "\n", env=env)
    assert real.returncode == 0 and real.stdout.strip() == "Echt"
