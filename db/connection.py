"""One place that turns a URL into an open peewee database.

Accepted: a plain file path, ``sqlite:///path`` or ``postgresql://user@host/name``.
The default is ``bwk.sqlite3`` in the platform's user data folder.
"""
from __future__ import annotations

import os
import stat
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


def redact(url: str | None, text: str | None = None) -> str:
    """``text`` (default: ``url`` itself) with the password of ``url`` taken out, for a message:
    ``postgresql://bwk:secret@host/db`` is shown as ``postgresql://bwk@host/db``."""
    url = url or ""
    text = url if text is None else text
    try:
        parsed = urlparse(url)
        password = parsed.password
    except ValueError:
        return text
    if not password:
        return text
    netloc = parsed.netloc.rsplit("@", 1)[-1]
    user = parsed.username
    shown = parsed._replace(netloc=f"{user}@{netloc}" if user else netloc).geturl()
    text = text.replace(url, shown)
    for secret in {password, parsed.netloc.rsplit("@", 1)[0].partition(":")[2]}:
        if secret:
            text = text.replace(secret, "***")
    return text

# Seconds to wait for a PostgreSQL server: a host that never answers must not hang a command.
CONNECT_TIMEOUT = 10


class DatabaseUrlError(ValueError):
    """The URL or path does not name a database bwk can open. ``url`` is shown in messages:
    it is kept without its password."""

    def __init__(self, reason: str, url: str):
        super().__init__(reason)
        self.reason = reason
        self.url = redact(url)


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
    try:
        path = path.expanduser()
        mode = os.stat(path).st_mode  # a symlink followed
    except (FileNotFoundError, NotADirectoryError):
        return path
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte, no access, no home
        raise DatabaseUrlError("cannot_create", url) from None
    if stat.S_ISDIR(mode):
        raise DatabaseUrlError("is_directory", url)
    if not stat.S_ISREG(mode):  # a FIFO would block SQLite's open; a device is no database
        raise DatabaseUrlError("not_a_file", url)
    return path


def make_database(url: str | None = None) -> Database:
    """Build (but do not connect) the database named by ``url``."""
    url = url or os.environ.get("BWK_DB") or str(default_database_path())
    try:
        scheme = urlparse(url).scheme
    except ValueError:  # "postgresql://[::1/x": an address that cannot be read
        raise DatabaseUrlError("malformed", url) from None
    if scheme in ("postgresql", "postgres"):
        try:
            import psycopg2  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the install
            raise DatabaseUrlError("no_driver", url) from None
        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseUrlError("no_name", url)
        try:
            port = parsed.port
        except ValueError:  # "port 99999", "port abc"
            raise DatabaseUrlError("bad_port", url) from None
        if port == 0:
            raise DatabaseUrlError("bad_port", url)
        return PostgresqlDatabase(
            name,
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=port,
            connect_timeout=CONNECT_TIMEOUT,
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
