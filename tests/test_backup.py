"""Verified backups and a restore that never loses the live data (SQLite only)."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from db.connection import make_database
from db.models import Account, AuditLog, HelpDomain
from db.schema import HISTORY_TABLE, latest_version, schema_version, upgrade

from bwk_tui.services.room import auth
from bwk_tui.services.room import backup
from bwk_tui.services.room import settings
from bwk_tui.services.kernel.errors import BackupError

NAME = re.compile(r"^bwk-\d{8}-\d{6}(-\d+)?\.sqlite3$")


@pytest.fixture
def clock(clock):
    # 09:30 UTC on 15 March 2026 is 10:30 in Amsterdam (CET).
    clock.now = dt.datetime(2026, 3, 15, 9, 30, 0)
    return clock


def _integrity(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def _names_in(path: Path) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM account")}
    finally:
        con.close()


def _live_state():
    return (sorted(a.name for a in Account.select()), AuditLog.select().count())


# --- taking a backup -------------------------------------------------------------------------

def test_backup_is_timestamped_verified_and_complete(sqlite_room, tmp_path, clock):
    folder = tmp_path / "backups"
    result = backup.take_backup(to_dir=folder)
    assert result.path.parent == folder
    assert result.path.name == "bwk-20260315-103000.sqlite3"  # Amsterdam wall-clock time
    assert NAME.match(result.path.name)
    assert result.size == result.path.stat().st_size > 0
    assert _integrity(result.path) == "ok"
    assert backup.verify_file(result.path) == latest_version()
    assert _names_in(result.path) == {"Coby", "Vera"}
    # One self-contained file: no WAL beside it, nothing half-written left behind.
    assert sorted(p.name for p in folder.iterdir()) == [result.path.name]
    line = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (line.action, line.detail) == ("backup", result.path.name)


def test_default_folder_is_beside_the_database(sqlite_room, clock):
    result = backup.take_backup()
    from db import database

    assert result.path.parent == Path(database.obj.database).resolve().parent / "backups"


def test_two_backups_in_the_same_second_get_different_names(sqlite_room, tmp_path, clock):
    first = backup.take_backup(to_dir=tmp_path)
    second = backup.take_backup(to_dir=tmp_path)
    assert first.path != second.path
    assert first.path.exists() and second.path.exists()
    assert NAME.match(second.path.name)


def test_pruning_keeps_the_newest_and_never_safety_copies(sqlite_room, tmp_path, clock):
    settings.put("backup_keep", 3)
    safety = tmp_path / f"{backup.SAFETY_PREFIX}20200101-000000.sqlite3"
    safety.write_bytes(b"copy of the live data before a restore")
    other = tmp_path / "notes.txt"
    other.write_text("not ours")
    made = []
    for _ in range(5):
        made.append(backup.take_backup(to_dir=tmp_path))
        clock.advance(hours=1)
    remaining = backup.backups_in(tmp_path)
    assert remaining == [r.path for r in made[-3:]]
    assert made[-1].pruned == [made[1].path]
    assert made[2].pruned == []
    assert not made[0].path.exists() and not made[1].path.exists()
    assert safety.exists()
    assert other.exists()


def test_pruning_order_within_one_second(sqlite_room, tmp_path, clock):
    """Backups taken in the same second are numbered -2, -3: still the newest are kept."""
    settings.put("backup_keep", 2)
    made = [backup.take_backup(to_dir=tmp_path) for _ in range(3)]
    assert backup.backups_in(tmp_path) == [made[1].path, made[2].path]
    assert not made[0].path.exists()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_backup_and_restore_are_refused_on_postgresql(db, tmp_path):
    # A sound bwk file to offer to restore.
    sound = make_database(str(tmp_path / "sound.sqlite3"))
    sound.connect()
    upgrade(sound)
    sound.close()

    with pytest.raises(BackupError) as info:
        backup.take_backup(to_dir=tmp_path / "backups")
    assert info.value.key == "error.backup_postgres"
    with pytest.raises(BackupError) as info:
        backup.restore(tmp_path / "sound.sqlite3")
    assert info.value.key == "error.backup_postgres"
    assert not (tmp_path / "backups").exists()


# --- restore ---------------------------------------------------------------------------------

def _inconsistent_copy(good: Path, target: Path) -> Path:
    """A file that opens fine but fails PRAGMA integrity_check (an index that no longer
    matches its table)."""
    target.write_bytes(good.read_bytes())
    con = sqlite3.connect(target)
    con.execute("PRAGMA writable_schema=ON")
    con.execute("""UPDATE sqlite_master SET sql = replace(sql, '("name_key")', '("name")')
                   WHERE name = 'account_name_key'""")
    con.commit()
    con.close()
    assert _integrity(target) != "ok"
    return target


def _corrupt_copy(good: Path, target: Path) -> Path:
    data = bytearray(good.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    # Scribble over the b-tree pages after the first (the header stays readable).
    for offset in range(page, len(data), page):
        data[offset: offset + 16] = b"\xff" * 16
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("kind", ["missing", "text", "foreign_sqlite", "inconsistent", "scribbled", "empty"])
def test_restore_refuses_a_bad_file_and_changes_nothing(sqlite_room, tmp_path, clock, kind):
    good = backup.take_backup(to_dir=tmp_path / "good").path
    bad = tmp_path / f"bad-{kind}.sqlite3"
    if kind == "text":
        bad.write_text("dit is geen database\n" * 200)
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "foreign_sqlite":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE boodschappen (item TEXT)")
        con.execute("INSERT INTO boodschappen VALUES ('koffie')")
        con.commit()
        con.close()
    elif kind == "inconsistent":
        _inconsistent_copy(good, bad)
    elif kind == "scribbled":
        _corrupt_copy(good, bad)
    auth.create_account_as_admin("Wim", "volunteer", "895900")
    before = _live_state()
    backups_folder = backup.default_backup_dir()

    with pytest.raises(BackupError) as info:
        backup.restore(bad)
    expected = {
        "missing": {"error.backup_missing"},
        "text": {"error.backup_not_bwk"},
        "empty": {"error.backup_not_bwk"},
        "foreign_sqlite": {"error.backup_not_bwk"},
        "inconsistent": {"error.backup_corrupt"},
        # So damaged that SQLite cannot even run the check: refused all the same.
        "scribbled": {"error.backup_corrupt", "error.backup_not_bwk"},
    }[kind]
    assert info.value.key in expected
    assert _live_state() == before
    assert "Wim" in before[0]
    assert not backups_folder.exists() or not list(backups_folder.iterdir())  # no copy was needed


def test_a_backup_that_fails_its_check_is_not_kept(sqlite_room, tmp_path, clock, monkeypatch):
    real_copy = backup._copy_to

    def copy_then_damage(target):
        real_copy(target)
        good = target.with_name("good.tmp")
        target.rename(good)
        _inconsistent_copy(good, target)
        good.unlink()

    monkeypatch.setattr(backup, "_copy_to", copy_then_damage)
    with pytest.raises(BackupError) as info:
        backup.take_backup(to_dir=tmp_path / "b")
    assert info.value.key == "error.backup_unverified"
    assert list((tmp_path / "b").iterdir()) == []


def test_restore_refuses_a_backup_of_a_newer_bwk(sqlite_room, tmp_path, clock):
    path = backup.take_backup(to_dir=tmp_path).path
    con = sqlite3.connect(path)
    con.execute(f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES (?, '2030-01-01')",
                (f"{latest_version() + 1:04d}_future",))
    con.commit()
    con.close()
    before = _live_state()
    with pytest.raises(BackupError) as info:
        backup.restore(path)
    assert info.value.key == "error.backup_newer"
    assert _live_state() == before


def test_restore_brings_back_the_backup_and_keeps_a_safety_copy(sqlite_room, tmp_path, clock):
    taken = backup.take_backup(to_dir=tmp_path / "kept").path
    clock.advance(minutes=5)
    auth.create_account_as_admin("Wim", "volunteer", "895900")  # after the backup
    assert _live_state()[0] == ["Coby", "Vera", "Wim"]

    result = backup.restore(taken)

    assert result.restored_from == taken
    assert result.version == latest_version()
    assert sorted(a.name for a in Account.select()) == ["Coby", "Vera"]
    assert auth.login("Vera", "135724").name == "Vera"  # the restored data is live and usable
    # The safety copy holds the data as it was just before the restore, and passes the check.
    copy = result.safety_copy
    assert copy.name.startswith(backup.SAFETY_PREFIX)
    assert copy.exists()
    assert backup.verify_file(copy) == latest_version()
    assert _names_in(copy) == {"Coby", "Vera", "Wim"}
    # The restore is itself on the record, and the database is still in WAL mode.
    from db import database

    assert AuditLog.select().where(AuditLog.action == "restore").count() == 1
    assert database.obj.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    # A later prune never takes the safety copy.
    settings.put("backup_keep", 1)
    for _ in range(3):
        clock.advance(minutes=1)
        backup.take_backup(to_dir=copy.parent)
    assert copy.exists()


def test_restore_of_an_older_schema_is_upgraded(sqlite_room, tmp_path, clock):
    old_path = tmp_path / "v1.sqlite3"
    old = make_database(str(old_path))
    old.connect()
    upgrade(old, target=1)
    old.execute_sql("INSERT INTO room (name, created_at) VALUES ('Oud', '2024-01-01 00:00:00')")
    old.close()
    assert backup.verify_file(old_path) == 1

    result = backup.restore(old_path)

    from db import database

    assert result.version == 1
    assert schema_version(database.obj) == latest_version()
    assert HelpDomain.select().count() > 0
    assert Account.select().count() == 0  # the old file had no accounts
    assert database.obj.execute_sql("SELECT name FROM room").fetchall() == [("Oud",)]


def test_many_backups_within_one_second_never_prune_the_new_one(sqlite_room, tmp_path):
    from bwk_tui.services.room import backup
    from bwk_tui.services.room import settings

    settings.put("backup_keep", "2")
    folder = tmp_path / "many"
    for _ in range(6):  # all in the same second: names reuse the numbers of pruned ones
        result = backup.take_backup(folder)
        assert result.path.exists()
        assert len(backup.backups_in(folder)) <= 2
