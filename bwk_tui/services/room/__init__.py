"""The room this desk belongs to, and opening the database ready for use."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import platformdirs

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from db import DatabaseUrlError, database, describe, open_database, write
from db.connection import APP_NAME
from db.models import Room
from db.schema import latest_version, schema_version, upgrade

from bwk_tui.services.room import audit
from bwk_tui.services.room import auth
from bwk_tui.services.room import settings
from bwk_tui.services.kernel import clock
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
        db.connect(reuse_if_open=True)
        applied = upgrade(db)
        version = schema_version(db)
    except DatabaseUrlError as exc:
        raise BwkError(f"error.db_url.{exc.reason}", url=exc.url) from None
    except (DatabaseError, OperationalError) as exc:
        raise BwkError("error.db_open", where=url or "", reason=str(exc).splitlines()[0]) from None
    if version > latest_version():
        raise BwkError("error.db_newer", version=version, latest=latest_version())
    remove_debris()
    return OpenedDatabase(db, describe(db), applied, version)


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
