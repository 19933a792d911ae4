"""One place that turns a URL into an open peewee database.

Accepted: a plain file path, ``sqlite:///path`` or ``postgresql://user@host/name``.
The default is ``bwk.sqlite3`` in the platform's user data folder.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import platformdirs
from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase

APP_NAME = "bwk"

# The models point at this proxy; open_database() initialises it.
database = DatabaseProxy()

# Applied on every new SQLite connection. synchronous=FULL because this is money;
# secure_delete because deleted personal data must not linger in free pages.
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", 10_000),
    ("secure_delete", 1),
)


class DatabaseUrlError(ValueError):
    """The URL or path does not name a database bwk can open."""

    def __init__(self, reason: str, url: str):
        super().__init__(reason)
        self.reason = reason
        self.url = url


def default_database_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "bwk.sqlite3"


def _sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:"):
        parsed = urlparse(url)
        raw = parsed.path
        if parsed.netloc:  # sqlite://relative/path (two slashes)
            raw = parsed.netloc + raw
        if not raw:
            raise DatabaseUrlError("no_path", url)
        path = Path(raw)
    else:
        path = Path(url)
    path = path.expanduser()
    if path.exists() and path.is_dir():
        raise DatabaseUrlError("is_directory", url)
    return path


def make_database(url: str | None = None) -> Database:
    """Build (but do not connect) the database named by ``url``."""
    url = url or os.environ.get("BWK_DB") or str(default_database_path())
    scheme = urlparse(url).scheme
    if scheme in ("postgresql", "postgres"):
        try:
            import psycopg2  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the install
            raise DatabaseUrlError("no_driver", url) from None
        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseUrlError("no_name", url)
        return PostgresqlDatabase(
            name,
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port,
            autoconnect=True,
        )
    if scheme not in ("", "sqlite", "file") and len(scheme) > 1:  # len 1: a Windows drive
        raise DatabaseUrlError("unknown_scheme", url)
    path = _sqlite_path(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise DatabaseUrlError("cannot_create", url) from None
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


def open_database(url: str | None = None) -> Database:
    """Open the database named by ``url`` and bind the models to it."""
    db = make_database(url)
    database.initialize(db)
    return db


def is_sqlite(db: Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, SqliteDatabase)


def describe(db: Database | None = None) -> str:
    """Where the data lives, for messages (never includes a password)."""
    db = db or database.obj
    if isinstance(db, SqliteDatabase):
        return str(Path(db.database).resolve())
    host = db.connect_params.get("host") or "localhost"
    return f"postgresql://{host}/{db.database}"


def write(db: Database | None = None):
    """The one way to write: a transaction that takes the write lock up front.

    On SQLite a deferred transaction that reads and then writes fails with
    "database is locked" when another process wrote in between; IMMEDIATE
    takes the lock at BEGIN and waits (busy_timeout) instead. Nested calls
    become savepoints.
    """
    db = db or database.obj
    if isinstance(db, SqliteDatabase) and db.transaction_depth() == 0:
        return db.atomic("IMMEDIATE")
    return db.atomic()


# One advisory-lock class per book whose rules are checked before a write (two-key form:
# pg_advisory_xact_lock(class, room)). The numbers only have to differ from each other and
# from any other advisory key bwk takes; 21 is the issue that introduced them.
BOOKS = {"cash": 2101, "visits": 2102, "roster": 2103, "matching": 2104}


def serialise(book: str, room_id: int, db: Database | None = None) -> None:
    """Inside a ``write()``: wait until no other transaction works on this room's ``book``.

    A rule that is checked before the write (a balance that stays at or above zero, receipt
    numbers without gaps, one open visit per person, the places on a shift) holds only if two
    desks cannot check it at the same time. On SQLite ``write()`` already takes the one write
    lock at BEGIN. On PostgreSQL (READ COMMITTED) this takes a transaction-level advisory lock
    per room and book: the second desk waits for the first to commit and then checks against
    what it wrote, so a conflict is resolved by waiting, never shown to the user as a refusal.
    The lock is released at COMMIT or ROLLBACK; taking it twice in one transaction is fine.
    """
    db = db or database.obj
    if isinstance(db, SqliteDatabase):
        return
    if db.transaction_depth() == 0:  # a lock outside a transaction would end at once: a bug of ours
        raise RuntimeError("serialise() belongs inside write()")
    db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (BOOKS[book], int(room_id)))
