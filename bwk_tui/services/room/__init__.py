"""The room this desk belongs to, and opening the database ready for use."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import platformdirs

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from db import DatabaseUrlError, database, describe, open_database, write
from db.connection import APP_NAME, is_postgres_url, on_storage_error, redact, storage_problem
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


def open_ready(url: str | None = None, key: bytes | None = None) -> OpenedDatabase:
    """Open the database at ``url`` (or the default), creating or upgrading it; a SQLite file with
    ``key`` as a SQLCipher database under that data key (see ``vault`` for where keys come from).
    Without a key, a file that is not plain SQLite is refused with what it takes to open it."""
    from bwk_tui.services.room import vault

    vault.forget_key()  # a key belongs to the database it opened; the vault sets it again
    if key is None and not is_postgres_url(url):
        _refuse_encrypted_without_key(url)
    try:
        db = open_database(url, key)
    except DatabaseUrlError as exc:
        raise BwkError(f"error.db_url.{exc.reason}", url=exc.url) from None
    try:
        db.connect(reuse_if_open=True)
        if key is not None:
            db.execute_sql("SELECT count(*) FROM sqlite_master")  # a wrong key fails here
    except (DatabaseError, OperationalError) as exc:
        if key is not None and "not a database" in str(exc):
            db.close()
            raise BwkError("error.db_wrong_key", where=redact(url)) from None
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
    remove_plain_reports()
    return OpenedDatabase(db, describe(db), applied, version)


def remove_plain_reports() -> list[Path]:
    """The closing reports of before migration 10, once their text is in the database word for
    word: removed from ``afsluitingen/`` (they held names in plain text beside an encrypted file)."""
    from db.models import CashClosing, ClosingReport

    db = database.obj
    if not (isinstance(db, SqliteDatabase) and db.database != ":memory:"):
        return []
    folder = beside_database("afsluitingen")
    if not folder.is_dir():
        return []
    removed = []
    for kept in (ClosingReport.select(ClosingReport.text, CashClosing.room, CashClosing.day)
                 .join(CashClosing).objects()):
        path = folder / f"afsluiting-{kept.room_id}-{kept.day.isoformat()}.txt"
        try:
            if path.is_file() and path.read_text(encoding="utf-8") == kept.text:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    try:
        folder.rmdir()  # only when nothing else is left in it
    except OSError:
        pass
    return removed


def _refuse_encrypted_without_key(url: str | None) -> None:
    from db.connection import is_plain_sqlite, sqlite_file

    try:
        path = sqlite_file(url)
    except DatabaseUrlError:
        return  # open_database says what is wrong with it
    if is_plain_sqlite(path) is False:
        if keyslot_file(path).exists():
            raise BwkError("error.db_needs_login")
        raise BwkError("error.keys_missing_for_db", path=str(path), keys=str(keyslot_file(path)))


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
    from bwk_tui.services.room import vault

    with write():
        ensure_room(room_name)
        account = auth.create_first_coordinator(coordinator_name, pin, language)
        _recovery["key"] = vault.finish_setup()  # an encrypted database's recovery key, shown once
    return account


_recovery: dict[str, str | None] = {"key": None}


def recovery_key_to_show() -> str | None:
    """The recovery key made by ``set_up``, once: it is kept nowhere, only shown to be written down."""
    key, _recovery["key"] = _recovery["key"], None
    return key


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
    "afsluitingen": ["afsluiting-*.txt.partial", ".*.partial"],  # before migration 10
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
def keyslot_file(path: Path) -> Path:
    """``bwk.keys`` beside ``bwk.sqlite3``: the keyslots (see keyslots, vault)."""
    from bwk_tui.services.room.keyslots import path_beside

    return path_beside(path)


def _own_files():
    from bwk_tui.services.room import vault

    db = database.obj
    if db is None and vault.door_path() is not None:  # an encrypted database before its login
        path = vault.door_path()
        files = [path] + [Path(str(path) + suffix) for suffix in COMPANIONS] + [keyslot_file(path)]
        return files, [path.parent / "backups"]
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return (), ()
    path = Path(db.database)
    files = [path] + [Path(str(path) + suffix) for suffix in COMPANIONS] + [keyslot_file(path)]
    return files, [beside_database("backups")]


own_files.protect(_own_files)

# A full or read-only disk is a message (the transaction helper asks this), never a stop.
on_storage_error(lambda kind: BwkError(f"error.{kind}"))
