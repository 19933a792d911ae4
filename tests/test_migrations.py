"""Numbered migrations: an old database is upgraded to the newest with nothing lost."""
from __future__ import annotations

import datetime as dt
import importlib

import pytest
from argon2 import PasswordHasher
from peewee import Table

from db import is_sqlite, open_database
from db.schema import HISTORY_TABLE, latest_version, schema_version, upgrade

from bwk_tui.services.room import auth
from bwk_tui.services import room

# The tables of migration 0001 with the columns they had then. Written and read through
# peewee's schema-less Table so the test does not depend on today's models.
V1_COLUMNS = {
    "room": ("id", "name", "created_at"),
    "setting": ("key", "value"),
    "account": ("id", "name", "name_key", "role", "language", "pin_hash", "failed_pins",
                "lockouts", "locked_until", "active", "created_at"),
    "audit_log": ("id", "at", "account_id", "action", "entity", "entity_id", "detail"),
}
ORDER_BY = {"setting": "key"}

T0 = dt.datetime(2025, 3, 1, 9, 30, 0)
_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # cheap: the hash is only data here


def _migration_names() -> list[str]:
    from playhouse.migrations import Migration

    from db.schema import MIGRATIONS_DIR

    return [m.name for m in sorted(Migration.load_directory(str(MIGRATIONS_DIR)))]


def _snapshot(db) -> dict[str, list[tuple]]:
    out = {}
    for table, columns in V1_COLUMNS.items():
        cols = ", ".join(f'"{c}"' for c in columns)
        order = ORDER_BY.get(table, "id")
        out[table] = [tuple(r) for r in db.execute_sql(f'SELECT {cols} FROM "{table}" ORDER BY "{order}"')]
    return out


def _fill_version_1(db) -> None:
    def table(name):
        return Table(name, V1_COLUMNS[name]).bind(db)

    with db.atomic():
        table("room").insert([
            {"id": 1, "name": "De Kameleon", "created_at": T0},
            {"id": 2, "name": "Gein", "created_at": T0 + dt.timedelta(days=1)},
        ]).execute()
        table("setting").insert([
            {"key": "room_name", "value": "De Kameleon"},
            {"key": "backup_keep", "value": "12"},
            {"key": "idle_lock_minutes", "value": "5"},
        ]).execute()
        table("account").insert([
            {"id": 1, "name": "Coby", "name_key": "coby", "role": "coordinator", "language": "nl",
             "pin_hash": _hasher.hash("246813"), "failed_pins": 0, "lockouts": 0, "locked_until": None,
             "active": True, "created_at": T0},
            {"id": 2, "name": "José", "name_key": "jose", "role": "volunteer", "language": "en",
             "pin_hash": _hasher.hash("135724"), "failed_pins": 3, "lockouts": 1,
             "locked_until": T0 + dt.timedelta(minutes=2), "active": True, "created_at": T0},
        ]).execute()
        table("audit_log").insert([
            {"id": i + 1, "at": T0 + dt.timedelta(minutes=i), "account_id": account, "action": action,
             "entity": "account", "entity_id": entity_id, "detail": detail}
            for i, (account, action, entity_id, detail) in enumerate([
                (None, "account.create", 1, "role=coordinator"),
                (1, "account.create", 2, "role=volunteer"),
                (1, "login", 1, ""),
                (None, "login.failed", 2, "failed=3"),
            ])
        ]).execute()
    if not is_sqlite(db):
        # Rows were given explicit ids: move the sequences past them, as a real database would be.
        for name in ("room", "account", "audit_log"):
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")


@pytest.fixture
def old_db(db_url):
    """A database created at migration 0001 only."""
    db = open_database(db_url)
    db.connect()
    assert upgrade(db, target=1) == [_migration_names()[0]]
    yield db
    db.close()


def test_migrations_are_numbered_from_one_without_gaps():
    names = _migration_names()
    assert [int(n.split("_", 1)[0]) for n in names] == list(range(1, len(names) + 1))
    assert latest_version() == len(names) >= 2


def test_database_at_first_migration_has_only_its_tables(old_db):
    assert schema_version(old_db) == 1
    for table in V1_COLUMNS:
        assert old_db.table_exists(table)
    for later in ("household", "person", "help_domain", "visit", "visit_domain"):
        assert not old_db.table_exists(later)


def test_upgrade_from_first_migration_loses_nothing(old_db):
    _fill_version_1(old_db)
    before = _snapshot(old_db)
    assert [len(rows) for rows in before.values()] == [2, 3, 2, 4]

    applied = upgrade(old_db)

    assert applied == _migration_names()[1:]
    assert schema_version(old_db) == latest_version()
    recorded = {r[0] for r in old_db.execute_sql(f'SELECT name FROM "{HISTORY_TABLE}"')}
    assert recorded == set(_migration_names())
    assert _snapshot(old_db) == before

    # The old rows still work through today's services.
    assert room.current_room_name() == "De Kameleon"
    session = auth.login("Coby", "246813")
    assert session.is_coordinator
    assert auth.login("jose", "135724").name == "José"  # the old lock had long expired
    # ...and new rows get fresh ids after the old ones.
    info = auth.create_account(session, "Wim", "volunteer", "895900")
    assert info.id == 3
    # The audit guard of 0001 survived the upgrade.
    from peewee import DatabaseError

    with pytest.raises(DatabaseError):
        with old_db.atomic():
            old_db.execute_sql("DELETE FROM audit_log")
    assert len(_snapshot(old_db)["audit_log"]) > 4


def test_upgrade_is_idempotent(db):
    # The `db` fixture has already upgraded to the newest.
    version = schema_version(db)
    assert version == latest_version()
    count_domains = db.execute_sql("SELECT count(*) FROM help_domain").fetchone()[0]
    assert upgrade(db) == []
    assert upgrade(db) == []
    assert schema_version(db) == version
    assert db.execute_sql("SELECT count(*) FROM help_domain").fetchone()[0] == count_domains
    assert db.execute_sql(f'SELECT count(*) FROM "{HISTORY_TABLE}"').fetchone()[0] == latest_version()


def test_open_ready_twice_applies_nothing_the_second_time(db_url):
    first = room.open_ready(db_url)
    assert first.applied == _migration_names()
    first.db.close()
    second = room.open_ready(db_url)
    try:
        assert second.applied == []
        assert second.version == latest_version()
    finally:
        second.db.close()


def test_unknown_target_is_refused(db):
    with pytest.raises(ValueError):
        upgrade(db, target=latest_version() + 1)


def test_help_domains_are_seeded_by_0002(old_db):
    visitor_log = importlib.import_module("db.migrations.0002_visitor_log")
    upgrade(old_db, target=2)
    rows = old_db.execute_sql("SELECT code, name_nl, name_en, sort, active FROM help_domain ORDER BY sort").fetchall()
    assert [r[0] for r in rows] == [code for code, _, _ in visitor_log.HELP_DOMAINS]
    assert {"wonen", "schulden", "werk", "zorg", "welzijn"} <= {r[0] for r in rows}
    assert all(r[1].strip() and r[2].strip() and r[4] for r in rows)
    assert len({r[3] for r in rows}) == len(rows)


def test_database_from_a_newer_bwk_is_refused(db_url):
    from bwk_tui.services.kernel.errors import BwkError

    opened = room.open_ready(db_url)
    future = f"{latest_version() + 1:04d}_from_the_future"
    Table(HISTORY_TABLE, ("name", "applied")).bind(opened.db).insert(
        name=future, applied=dt.datetime(2030, 1, 1)).execute()
    opened.db.close()
    with pytest.raises(BwkError) as info:
        room.open_ready(db_url)
    assert info.value.key == "error.db_newer"
    assert info.value.params["version"] == latest_version() + 1
