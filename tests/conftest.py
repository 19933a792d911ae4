"""Shared fixtures: a throwaway database per test, on SQLite and (where it runs) PostgreSQL.

PostgreSQL: set BWK_TEST_POSTGRES to an admin URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres),
or run a server on 127.0.0.1:5432 that user postgres can reach. In CI (CI=true) a missing server
is an error, not a skip: .ci/run starts one.
"""
from __future__ import annotations

import datetime
import os
import uuid

import pytest

from bwk_tui.i18n import set_language


def _postgres_admin_url() -> str | None:
    url = os.environ.get("BWK_TEST_POSTGRES")
    candidates = [url] if url else ["postgresql://postgres@127.0.0.1:5432/postgres"]
    try:
        import psycopg2
    except ImportError:
        return None
    for candidate in candidates:
        try:
            psycopg2.connect(candidate, connect_timeout=2).close()
            return candidate
        except psycopg2.Error:
            continue
    return None


PG_ADMIN_URL = _postgres_admin_url()


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
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(PG_ADMIN_URL)
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
    if PG_ADMIN_URL is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable; .ci/run should have started it")
        pytest.skip("no PostgreSQL server reachable (set BWK_TEST_POSTGRES)")
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
    """A set-up room with coordinator 'Coby' (PIN 2468) and volunteer 'Vera' (PIN 1357)."""
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
    """Standard input that answers every `--pin-stdin` read with Coby's PIN (2468), for tests that
    call `bwk_tui.cli.main` in-process with ``--as Coby --pin-stdin``."""
    import io

    class Pins(io.StringIO):
        def readline(self, *args):
            return "2468\n"

    monkeypatch.setattr("sys.stdin", Pins())


def _set_up_room():
    from bwk_tui.services.room import auth
    from bwk_tui.services import room

    room.set_up("De Kameleon", "Coby", "2468")
    auth.create_account_as_admin("Vera", "volunteer", "1357")
    return {"coordinator": auth.login("Coby", "2468"), "volunteer": auth.login("Vera", "1357")}


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
