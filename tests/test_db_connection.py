"""db/connection.py: URL forms, SQLite pragmas, and the write() helper."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from db import DatabaseUrlError, describe, is_sqlite, open_database, write
from db.connection import default_database_path, make_database
from db.models import Room, Setting
from bwk_tui.services.kernel import clock


# --- URL forms -------------------------------------------------------------------------------

def test_plain_path_is_sqlite_at_that_path(tmp_path):
    path = tmp_path / "sub" / "room.sqlite3"
    db = make_database(str(path))
    assert isinstance(db, SqliteDatabase)
    assert Path(db.database) == path
    assert path.parent.is_dir()  # the folder is made so the file can be created


def test_sqlite_url_with_absolute_path(tmp_path):
    path = tmp_path / "abs.sqlite3"
    db = make_database(f"sqlite://{path}")  # sqlite:// + /abs/path = three slashes
    assert isinstance(db, SqliteDatabase)
    assert Path(db.database) == path


@pytest.mark.parametrize("url", ["sqlite://data/rel.sqlite3", "sqlite:data/rel.sqlite3"])
def test_sqlite_url_with_relative_path(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = make_database(url)
    assert isinstance(db, SqliteDatabase)
    assert Path(db.database) == Path("data/rel.sqlite3")
    assert (tmp_path / "data").is_dir()


def test_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    db = make_database("~/bwk-home.sqlite3")
    assert Path(db.database) == tmp_path / "bwk-home.sqlite3"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgresql_url_is_parsed(scheme):
    db = make_database(f"{scheme}://desk:geheim@db.example.org:6543/bwk_zuidoost")
    assert isinstance(db, PostgresqlDatabase)
    assert db.is_closed()  # built, not connected
    assert db.database == "bwk_zuidoost"
    params = db.connect_params
    assert (params["user"], params["password"], params["host"], params["port"]) == (
        "desk", "geheim", "db.example.org", 6543)
    assert describe(db) == "postgresql://db.example.org/bwk_zuidoost"
    assert "geheim" not in describe(db)
    assert not is_sqlite(db)


def test_postgresql_url_without_database_name():
    with pytest.raises(DatabaseUrlError) as info:
        make_database("postgresql://db.example.org/")
    assert info.value.reason == "no_name"


@pytest.mark.parametrize("url", ["mysql://host/bwk", "http://example.org/bwk.sqlite3"])
def test_unknown_scheme_is_refused(url):
    with pytest.raises(DatabaseUrlError) as info:
        make_database(url)
    assert info.value.reason == "unknown_scheme"
    assert info.value.url == url


def test_directory_is_refused_with_its_reason(tmp_path):
    for url in (str(tmp_path), f"sqlite://{tmp_path}"):
        with pytest.raises(DatabaseUrlError) as info:
            make_database(url)
        assert info.value.reason == "is_directory"
        assert info.value.url == url


def test_sqlite_url_without_path():
    with pytest.raises(DatabaseUrlError) as info:
        make_database("sqlite://")
    assert info.value.reason == "no_path"


def test_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseUrlError) as info:
        make_database(str(blocker / "bwk.sqlite3"))
    assert info.value.reason == "cannot_create"


def test_default_is_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    db = make_database(None)
    assert Path(db.database) == tmp_path / "xdg" / "bwk" / "bwk.sqlite3"
    assert Path(db.database) == default_database_path()


def test_bwk_db_environment_variable_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("BWK_DB", str(tmp_path / "from-env.sqlite3"))
    assert Path(make_database(None).database) == tmp_path / "from-env.sqlite3"


# --- SQLite pragmas --------------------------------------------------------------------------

def _pragmas(db) -> dict:
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "secure_delete")
    return {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in names}


def test_sqlite_pragmas_are_set_on_every_connection(tmp_path):
    db = open_database(str(tmp_path / "p.sqlite3"))
    try:
        for _ in range(2):  # the first connection, and a new one after closing it
            db.connect()
            found = _pragmas(db)
            assert found["journal_mode"] == "wal"
            assert found["synchronous"] == 2  # FULL
            assert found["foreign_keys"] == 1
            assert found["busy_timeout"] > 0
            assert found["secure_delete"] == 1
            db.close()
    finally:
        if not db.is_closed():
            db.close()


def test_foreign_keys_are_enforced_on_sqlite(sqlite_db):
    from peewee import IntegrityError

    from db.models import AuditLog

    with pytest.raises(IntegrityError):
        with write():
            AuditLog.create(at=clock.now_utc(), account=424242, action="x")


# --- write() ---------------------------------------------------------------------------------

def _other_connection_can_take_write_lock(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_write_takes_the_sqlite_write_lock_at_begin(sqlite_db):
    path = sqlite_db.database
    assert _other_connection_can_take_write_lock(path)
    with write():
        # No statement has run yet: only BEGIN IMMEDIATE holds the lock now.
        assert sqlite_db.in_transaction()
        assert not _other_connection_can_take_write_lock(path)
        with write():  # nested: a savepoint inside the same transaction
            assert not _other_connection_can_take_write_lock(path)
    assert not sqlite_db.in_transaction()
    assert _other_connection_can_take_write_lock(path)


def test_a_deferred_transaction_would_not_hold_the_lock(sqlite_db):
    """The control for the test above: a plain BEGIN takes no lock until it writes."""
    with sqlite_db.atomic():
        assert _other_connection_can_take_write_lock(sqlite_db.database)


def test_write_rolls_back_everything_on_exception(db):
    before = Room.select().count()
    with pytest.raises(RuntimeError):
        with write():
            Room.create(name="Tijdelijk", created_at=clock.now_utc())
            Setting.create(key="room_name", value="Tijdelijk")
            raise RuntimeError("boom")
    assert Room.select().count() == before
    assert not Room.select().where(Room.name == "Tijdelijk").exists()
    assert Setting.get_or_none(Setting.key == "room_name") is None
    assert not db.in_transaction()


def test_nested_write_failure_rolls_back_only_the_inner_part(db):
    with write():
        Room.create(name="Buiten", created_at=clock.now_utc())
        with pytest.raises(RuntimeError):
            with write():
                Room.create(name="Binnen", created_at=clock.now_utc())
                raise RuntimeError("inner")
    names = {r.name for r in Room.select()}
    assert "Buiten" in names
    assert "Binnen" not in names


def test_write_commits_on_success_for_another_connection(db, db_url):
    with write():
        Room.create(name="Gedeeld", created_at=clock.now_utc())
    other = make_database(db_url)
    try:
        other.connect()
        rows = other.execute_sql("SELECT name FROM room").fetchall()
        assert ("Gedeeld",) in [tuple(r) for r in rows]
    finally:
        other.close()
