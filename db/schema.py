"""Applying the numbered migrations and reading the recorded schema version."""
from __future__ import annotations

from pathlib import Path

from peewee import Database
from playhouse.migrations import Runner

from db.connection import database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"


def _runner(db: Database | None = None) -> Runner:
    return Runner(db or database.obj, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def latest_version() -> int:
    return max(m.idx for m in _runner_files())


def _runner_files():
    from playhouse.migrations import Migration

    return Migration.load_directory(str(MIGRATIONS_DIR))


def schema_version(db: Database | None = None) -> int:
    """The number of the newest applied migration; 0 for an empty database."""
    applied = [m.idx for m in _runner(db).status() if m.applied]
    return max(applied, default=0)


def upgrade(db: Database | None = None, target: int | None = None) -> list[str]:
    """Apply pending migrations in order (up to ``target``); returns their names."""
    runner = _runner(db)
    name = None
    if target is not None:
        names = [m.name for m in runner.migrations() if m.idx == target]
        if not names:
            raise ValueError(f"no migration numbered {target}")
        name = names[0]
    return runner.up(name)
