"""One place that turns a URL into an open peewee database.

Accepted: a plain file path, ``sqlite:///path`` or ``postgresql://user@host/name``.
The default is ``bwk.sqlite3`` in the platform's user data folder.
"""
from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import platformdirs
from peewee import Database, DatabaseError, DatabaseProxy, PostgresqlDatabase, SqliteDatabase

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
    # 64 MiB of page cache per connection (SQLite's default is 2 MiB): with SQLCipher a page read
    # from the file is decrypted and its HMAC checked, so the pages a desk reads again and again
    # (today's visits, the search) stay in memory already decrypted.
    ("cache_size", -65536),
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

# What a PostgreSQL URL may say besides user, host, port and name (libpq's own names).
PG_URL_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name")

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


def database_url(url: str | None = None) -> str:
    """``url``, else $BWK_DB, else the default file."""
    return url or os.environ.get("BWK_DB") or str(default_database_path())


def is_postgres_url(url: str | None) -> bool:
    try:
        return urlparse(database_url(url)).scheme in ("postgresql", "postgres")
    except ValueError:
        return False


def sqlite_file(url: str | None = None) -> Path:
    """The file of a SQLite URL or path (not opened; DatabaseUrlError when it cannot be one)."""
    return _sqlite_path(database_url(url))


# The first 16 bytes of every plain SQLite file; a SQLCipher file starts with its random salt.
SQLITE_HEADER = b"SQLite format 3\0"


def is_plain_sqlite(path: Path) -> bool | None:
    """True: a plain SQLite file; False: a file that is not (an encrypted one, or no database at
    all); None: no file, or an empty one (a database still to be made)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return None
    if not head:
        return None
    return head == SQLITE_HEADER


def sqlcipher_key(data_key: bytes) -> str:
    """SQLCipher's raw-key form: the 256-bit key used as it is, no passphrase derivation at
    every connection (the key was derived once, from the PIN, when the keyslot was opened)."""
    return f"x'{data_key.hex()}'"


def make_database(url: str | None = None, key: bytes | None = None) -> Database:
    """Build (but do not connect) the database named by ``url``; a SQLite file with ``key`` is a
    SQLCipher 4 database encrypted with that data key."""
    url = database_url(url)
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
        # TLS to the server: ?sslmode=require (or verify-full, ...) as libpq reads it.
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items() if k in PG_URL_OPTIONS}
        return PostgresqlDatabase(
            name,
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=port,
            connect_timeout=CONNECT_TIMEOUT,
            autoconnect=True,
            **options,
        )
    if scheme not in ("", "sqlite", "file") and len(scheme) > 1:  # len 1: a Windows drive
        raise DatabaseUrlError("unknown_scheme", url)
    path = _sqlite_path(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise DatabaseUrlError("cannot_create", url) from None
    if key is not None:
        return _cipher_class()(str(path), passphrase=sqlcipher_key(key), pragmas=SQLITE_PRAGMAS, timeout=10)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


def quiet(con) -> None:
    """SQLCipher writes a wrong key's "hmac check failed" to stderr itself; bwk says it in words."""
    con.execute("PRAGMA cipher_log_level = NONE")


@functools.cache
def _cipher_class():
    from playhouse.sqlcipher_ext import SqlCipherDatabase
    from sqlcipher3 import dbapi2 as sqlcipher

    class BwkSqlCipherDatabase(SqlCipherDatabase):
        """peewee's SqlCipherDatabase, with SQLCipher's own log off before the key is given."""

        def _connect(self):
            params = dict(self.connect_params)
            passphrase = params.pop("passphrase", "").replace("'", "''")
            conn = sqlcipher.connect(self.database, isolation_level=None, **params)
            try:
                quiet(conn)
                conn.execute("PRAGMA key='%s'" % passphrase)
                self._add_conn_hooks(conn)
            except BaseException:
                conn.close()
                raise
            return conn

    return BwkSqlCipherDatabase


def is_encrypted(db: Database | None = None) -> bool:
    db = db or database.obj
    return type(db).__name__ == "BwkSqlCipherDatabase"


def open_database(url: str | None = None, key: bytes | None = None) -> Database:
    """Open the database named by ``url`` and bind the models to it."""
    db = make_database(url, key)
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

    When the disk is full or read-only, SQLite may already have rolled the
    transaction back itself; the rollback that follows then fails with "cannot
    rollback - no transaction is active". That second error never hides the
    first: the first is raised, translated by ``on_storage_error``'s hook.
    """
    db = db or database.obj
    if isinstance(db, SqliteDatabase) and db.transaction_depth() == 0:
        return _Write(db, db.atomic("IMMEDIATE"))
    return _Write(db, db.atomic())


DISK_FULL, READ_ONLY = "disk_full", "read_only"

_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")
_READ_ONLY = ("readonly database", "read-only file system", "read-only transaction", "read only database")


def storage_problem(exc: BaseException) -> str | None:
    """DISK_FULL or READ_ONLY when ``exc`` says the storage cannot take a write, else None."""
    text = str(exc).lower()
    if any(words in text for words in _FULL):
        return DISK_FULL
    if any(words in text for words in _READ_ONLY):
        return READ_ONLY
    if "disk i/o error" in text and _sqlite_folder_full():
        return DISK_FULL  # SQLite's word when it cannot even grow its -shm file
    if ("unable to open database file" in text or "disk i/o error" in text) and _sqlite_folder_read_only():
        return READ_ONLY  # a WAL database cannot make its -shm file on a read-only disk
    return None


def _sqlite_folder(db: Database | None = None):
    """``os.statvfs`` of the SQLite file's folder, or None (PostgreSQL, in memory, unreadable)."""
    db = db or database.obj
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return None
    try:
        return os.statvfs(Path(db.database).resolve().parent)
    except OSError:
        return None


def _sqlite_folder_read_only(db: Database | None = None) -> bool:
    stats = _sqlite_folder(db)
    return stats is not None and bool(stats.f_flag & os.ST_RDONLY)


def _sqlite_folder_full(db: Database | None = None) -> bool:
    stats = _sqlite_folder(db)
    return stats is not None and stats.f_bavail * stats.f_frsize < 256 * 1024


# Set by the services (which own the messages): kind -> the exception to raise instead.
_storage_error_hook = None


def on_storage_error(hook) -> None:
    """``hook(kind)`` returns the exception that replaces a full or read-only disk's error."""
    global _storage_error_hook
    _storage_error_hook = hook


def _raise_storage(exc: BaseException) -> None:
    kind = storage_problem(exc)
    if kind is not None and _storage_error_hook is not None:
        raise _storage_error_hook(kind) from exc


def _first_error(exc: BaseException) -> BaseException:
    """The error that started it: down the chain past "cannot rollback - no transaction is
    active", as a peewee error (the driver's own class is wrapped like peewee does)."""
    found = exc
    while "no transaction is active" in str(found) and found.__context__ is not None:
        found = found.__context__
    if "no transaction is active" in str(found):
        return exc
    if not isinstance(found, DatabaseError):
        import peewee

        found = getattr(peewee, type(found).__name__, DatabaseError)(*found.args)
    return found


class _Write:
    """peewee's atomic(), but the first error always wins and a full disk becomes a message."""

    def __init__(self, db: Database, inner) -> None:
        self.db = db
        self.inner = inner

    def __enter__(self):
        try:
            return self.inner.__enter__()
        except DatabaseError as exc:  # BEGIN IMMEDIATE on a read-only file already refuses
            _raise_storage(exc)
            raise

    def __exit__(self, exc_type, exc, tb):
        try:
            self.inner.__exit__(exc_type, exc, tb)
        except DatabaseError as second:
            if exc is None:  # the COMMIT itself failed; then peewee's rollback may have failed too
                first = _first_error(second)
                _raise_storage(first)
                raise first from None
            # The rollback after a first error failed as well (SQLite rolled back already):
            # the first error is the one that says what happened.
        if isinstance(exc, DatabaseError):
            _raise_storage(exc)
        return False

    def __call__(self, fn):  # usable as a decorator, like atomic()
        import functools

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            with _Write(self.db, self.db.atomic("IMMEDIATE") if isinstance(self.db, SqliteDatabase)
                        and self.db.transaction_depth() == 0 else self.db.atomic()):
                return fn(*args, **kwargs)
        return inner


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
    from db.chain import CHAIN_LOCK

    # The audit chain's lock first: nearly every write appends to the audit log, which takes it;
    # taken in this order everywhere, no two desks can wait for each other (a deadlock).
    db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (BOOKS[book], int(room_id)))
