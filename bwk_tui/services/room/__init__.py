"""The room this desk belongs to, and opening the database ready for use."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import platformdirs

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from db import DatabaseUrlError, database, describe, open_database, write
from db.connection import APP_NAME, on_storage_error, redact, storage_problem
from db.models import Room
from db.schema import latest_version, schema_version, upgrade

from bwk_tui.services.room import audit
from bwk_tui.services.room import auth
from bwk_tui.services.room import settings
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel import own_files
from bwk_tui.services.kernel.errors import BwkError, InvalidInput


@dataclasses.dataclass(frozen=True)
class OpenedDatabase:
    db: Database
    where: str
    applied: list[str]
    version: int


def open_ready(url: str | None = None) -> OpenedDatabase:
    """Open the database at ``url`` (or the default), creating or upgrading it."""
    try:
        db = open_database(url)
    except DatabaseUrlError as exc:
        raise BwkError(f"error.db_url.{exc.reason}", url=exc.url) from None
    try:
        db.connect(reuse_if_open=True)
    except (DatabaseError, OperationalError) as exc:
        if not isinstance(db, SqliteDatabase) and _no_server(exc):
            raise BwkError("error.db_no_server", where=_server(db)) from None
        if storage_problem(exc):
            raise BwkError(f"error.{storage_problem(exc)}") from None
        raise BwkError("error.db_open", where=redact(url), reason=redact(url, str(exc).splitlines()[0])) from None
    try:
        applied = upgrade(db)
        version = schema_version(db)
    except DatabaseUrlError as exc:
        raise BwkError(f"error.db_url.{exc.reason}", url=exc.url) from None
    except (DatabaseError, OperationalError) as exc:
        if "database is locked" in str(exc):  # another process writes longer than busy_timeout
            raise BwkError("error.db_busy") from None
        if storage_problem(exc):
            raise BwkError(f"error.{storage_problem(exc)}") from None
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BwkError("error.db_open", where=redact(url), reason=redact(url, reason)) from None
    if version > latest_version():
        raise BwkError("error.db_newer", version=version, latest=latest_version())
    remove_debris()
    return OpenedDatabase(db, describe(db), applied, version)


_NO_SERVER = ("Connection refused", "timeout expired", "could not translate host name",
              "No route to host", "Network is unreachable", "Cannot assign requested address")


def _no_server(exc: BaseException) -> bool:
    """The connection failed before any server spoke (not: a wrong password or database name)."""
    return any(words in str(exc) for words in _NO_SERVER)


def _server(db: Database) -> str:
    """host:port of a PostgreSQL database, for messages (no user name, no password)."""
    params = db.connect_params
    return f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"


def needs_setup() -> bool:
    """True on a new database: no room name or no coordinator yet."""
    return not current_room_name() or not auth.has_coordinator()


def current_room() -> Room | None:
    """The room this desk belongs to: the one named in the settings (else the first)."""
    name = settings.get("room_name")
    found = Room.get_or_none(Room.name == name) if name else None
    return found or Room.select().order_by(Room.id).first()


def current_room_id() -> int:
    found = current_room()
    if found is None:
        raise BwkError("error.no_room")
    return found.id


def current_room_name() -> str:
    return settings.get("room_name")


def set_up(room_name: str, coordinator_name: str, pin: str, language: str = "nl") -> auth.AccountInfo:
    """First start: name the room and create the first coordinator, in one transaction."""
    room_name = " ".join((room_name or "").split())
    if not room_name:
        raise InvalidInput("error.room_empty", field="room")
    with write():
        ensure_room(room_name)
        account = auth.create_first_coordinator(coordinator_name, pin, language)
    return account


def ensure_room(room_name: str) -> Room:
    with write():
        room = Room.get_or_none(Room.name == room_name)
        if room is None:
            room = Room.create(name=room_name, created_at=clock.now_utc())
            audit.record(None, "room.create", "room", room.id)
        if not settings.get("room_name"):
            settings.put("room_name", room_name)
    return room


# The temporary names bwk gives the files it writes beside the database (see kernel.files):
# a backup before it is verified, a closing report before its closing commits, and the
# temporaries of write_atomically. Debris of a killed bwk is removed at the next start.
DEBRIS = {
    "backups": ["bwk-*.sqlite3.partial", ".*.partial"],
    "afsluitingen": ["afsluiting-*.txt.partial", ".*.partial"],
    "vergoedingen": [".*.partial"],
}


def remove_debris() -> list[Path]:
    """Remove what a killed bwk left half-written beside the database (SQLite files only)."""
    from bwk_tui.services.kernel.files import remove_debris as remove

    db = database.obj
    if not (isinstance(db, SqliteDatabase) and db.database != ":memory:"):
        return []
    return [p for name, patterns in DEBRIS.items() for p in remove(beside_database(name), patterns)]


def beside_database(name: str) -> Path:
    """The folder ``name`` beside the database file (backups/, afsluitingen/, vergoedingen/), so a
    demo's files stay with the demo; on PostgreSQL, in the user's data folder. Not made here."""
    db = database.obj
    if isinstance(db, SqliteDatabase) and db.database != ":memory:":
        return Path(db.database).resolve().parent / name
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / name


def worker_connection():
    """``with room.worker_connection():`` around a worker thread's service calls: peewee keeps one
    connection per thread, opened here and closed when the block ends."""
    return database.connection_context()


# --- files that are never an output (issue 21) ---------------------------------------------

COMPANIONS = ("-wal", "-shm", "-journal")
KEYSLOT_FILE = "bwk.keys"  # beside the database; written by a later issue, protected already


def _own_files():
    db = database.obj
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return (), ()
    path = Path(db.database)
    files = [path] + [Path(str(path) + suffix) for suffix in COMPANIONS] + [path.with_name(KEYSLOT_FILE)]
    return files, [beside_database("backups")]


own_files.protect(_own_files)

# A full or read-only disk is a message (the transaction helper asks this), never a stop.
on_storage_error(lambda kind: BwkError(f"error.{kind}"))
