"""The models in db/models.py describe the schema that the numbered migrations make.

The migrations own the schema; the models are a second, hand-written description of it
for queries. Nothing else keeps the two in step, so this test compares them on each
backend: it migrates an empty database (the ``db`` fixture), lets peewee create the
models' own schema in a second, empty place (an in-memory SQLite database, or a schema of
its own in the PostgreSQL database), reads both back with peewee's introspection
(``playhouse.reflection`` for the field class a column maps to, ``Database.get_*`` for the
rest) and reports every difference in

* tables,
* columns: the peewee field class, the backend's full type (``VARCHAR(80)``,
  ``character varying(80)``), NULL or NOT NULL, part of the primary key, database default,
* primary keys,
* foreign keys: target table and column, ON DELETE and ON UPDATE,
* indexes, by name: columns, unique, and the WHERE clause of a partial index.

Column order is not compared (a column added by a migration comes last, the models put it
where it reads best), and neither are CHECK constraints and triggers: those are the
migrations' alone, the models do not repeat them.

What differs on purpose is allowed below by name, with the reason. An allow-list entry
that no longer matches a difference fails the test too, so the list stays true.
(``playhouse.schema_diff`` would not do: it compares column names and index signatures,
not types, nullability or foreign keys.)
"""
from __future__ import annotations

import inspect
import re
from typing import NamedTuple

import pytest
from peewee import AutoField, IntegerField, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.reflection import Introspector

import db.models
from db import is_sqlite
from db.models import ALL_MODELS

ONLY_IN_MIGRATIONS = "only in the migrations"
ONLY_IN_MODELS = "only in the models"
DIFFERS = "differs"

# Tables the migrations make that no model describes, on purpose: name -> why.
MIGRATION_ONLY_TABLES = {
    "schema_migration": "the migration runner's history (db/schema.py); read by playhouse.migrations, not by a model",
}

# Indexes the migrations make that the models do not declare, on purpose: name -> why.
# Partial indexes (with a WHERE clause) are made in raw SQL by the migrations; queries never
# name an index, so the models do not repeat them.
MIGRATION_ONLY_INDEXES = {
    "visit_one_open_per_day": "partial unique index (0003): one open visit per person per day, a guard, not a query aid",
    "visit_open_follow_up": "partial index (0005) on open follow-ups only, for the desk's and the closing's daily list",
    "visit_open": "partial index (0013) on the visits not yet checked out, for F2's \"Nu binnen\"",
    "shift_template_one_active": "partial unique index (0007): one active template per room, weekday and dagdeel",
    "volunteer_one_per_person": "partial unique index (0007): a resident has at most one volunteer profile",
}

# Real disagreements between the models and the migrations, not fixed yet: "<kind> <name>" -> TODO.
# Fixing one (a migration, or the model) makes its entry stale, and the test asks to remove it.
KNOWN_DISAGREEMENTS: dict[str, str] = {}

# Where the models' own schema is created on PostgreSQL, next to the migrated "public" schema.
MODELS_SCHEMA = "models_schema_check"


class Difference(NamedTuple):
    what: str  # "table visit", "column visit.note", "primary key visit", "foreign key visit.room_id", "index x"
    how: str  # ONLY_IN_MIGRATIONS, ONLY_IN_MODELS or DIFFERS
    detail: str  # the migrations' side and the models' side, in words

    def __str__(self) -> str:
        return f"{self.what}: {self.how}{': ' if self.detail else ''}{self.detail}"


# --- reading a schema back ---------------------------------------------------------------------


def _where(sql: str | None) -> str | None:
    """The WHERE clause of a partial index, normalised (quotes, brackets, case, spaces); else None."""
    match = re.search(r"\)\s*WHERE\s+(.+)$", sql or "", re.I | re.S)
    if match is None:
        return None
    return " ".join(re.sub(r"[\"()]", " ", match.group(1)).lower().split())


# ON DELETE / ON UPDATE as pg_constraint spells them.
_PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def _foreign_keys(database) -> dict[tuple[str, str], dict]:
    """(table, column) -> what the foreign key on it references, for every table at once.

    On SQLite that is peewee's ``get_foreign_keys`` (PRAGMA foreign_key_list). On PostgreSQL
    peewee asks information_schema, at 15 ms a table; one pg_catalog query is ten times faster.
    """
    if isinstance(database, SqliteDatabase):
        rows = [(fk.table, fk.column, fk.dest_table, fk.dest_column, fk.on_delete, fk.on_update)
                for table in database.get_tables() for fk in database.get_foreign_keys(table)]
    else:
        rows = [(table, column, dest_table, dest_column, _PG_ACTIONS[on_delete], _PG_ACTIONS[on_update])
                for table, column, dest_table, dest_column, on_delete, on_update in database.execute_sql(
            "SELECT t.relname, a.attname, d.relname, da.attname, c.confdeltype, c.confupdtype "
            "FROM pg_constraint c CROSS JOIN generate_subscripts(c.conkey, 1) AS k "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN pg_class d ON d.oid = c.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[k] "
            "JOIN pg_attribute da ON da.attrelid = c.confrelid AND da.attnum = c.confkey[k] "
            "WHERE c.contype = 'f' AND n.nspname = current_schema()")]
    return {(table, column): {"references": f"{dest_table}.{dest_column}",
                              "on delete": (on_delete or "NO ACTION").upper(),
                              "on update": (on_update or "NO ACTION").upper()}
            for table, column, dest_table, dest_column, on_delete, on_update in rows}


def _read_schema(database) -> dict[str, dict]:
    """Every table of ``database`` (its current schema) as plain, comparable values."""
    # playhouse.reflection's map from the backend's column type to the peewee field class.
    reflection = Introspector.from_database(database).metadata
    foreign_keys = _foreign_keys(database)
    tables = {}
    for table in database.get_tables():
        columns = database.get_columns(table)
        field_classes, _ = reflection.get_column_types(table)
        key = tuple(c.name for c in columns if c.primary_key)
        for c in columns:  # as reflection does: a lone auto-incrementing integer key is an AutoField
            if key == (c.name,) and c.identity and field_classes[c.name] is IntegerField:
                field_classes[c.name] = AutoField
        tables[table] = {
            "columns": {
                c.name: {
                    "field": field_classes[c.name].__name__,
                    "type": c.full_type,
                    "null": "NULL" if c.null else "NOT NULL",
                    "primary key": bool(c.primary_key),
                    "default": c.default,
                }
                for c in columns
            },
            "primary key": key,  # in column order; a composite key's own order is in its index
            "foreign keys": {column: fk for (t, column), fk in foreign_keys.items() if t == table},
            "indexes": {
                index.name: {"table": table, "columns": tuple(index.columns), "unique": bool(index.unique),
                             "where": _where(index.sql)}
                for index in database.get_indexes(table)
            },
        }
    return tables


def _models_schema(migrated) -> dict[str, dict]:
    """The schema peewee creates from ALL_MODELS, on the backend of ``migrated``."""
    if isinstance(migrated, SqliteDatabase):
        scratch = SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    else:
        assert isinstance(migrated, PostgresqlDatabase)
        migrated.execute_sql(f'CREATE SCHEMA "{MODELS_SCHEMA}"')
        scratch = PostgresqlDatabase(migrated.database, **migrated.connect_params,
                                     options=f"-c search_path={MODELS_SCHEMA}")
    try:
        if isinstance(scratch, PostgresqlDatabase):
            # Else create_tables would find the migrated tables, create nothing, and compare them with themselves.
            assert scratch.execute_sql("SELECT current_schema()").fetchone()[0] == MODELS_SCHEMA
        with scratch.bind_ctx(ALL_MODELS):
            scratch.create_tables(ALL_MODELS)
        return _read_schema(scratch)
    finally:
        scratch.close()
        if isinstance(migrated, PostgresqlDatabase):
            migrated.execute_sql(f'DROP SCHEMA "{MODELS_SCHEMA}" CASCADE')


# --- comparing ---------------------------------------------------------------------------------


def _words(value: dict) -> str:
    return ", ".join(f"{k} {v}" if not isinstance(v, bool) else (k if v else f"not {k}")
                     for k, v in value.items() if v is not None)


def _diff_named(kind: str, migrations: dict, models: dict) -> list[Difference]:
    out = []
    for name in sorted(migrations.keys() | models.keys()):
        mine, theirs = migrations.get(name), models.get(name)
        if theirs is None:
            out.append(Difference(f"{kind} {name}", ONLY_IN_MIGRATIONS, _words(mine)))
        elif mine is None:
            out.append(Difference(f"{kind} {name}", ONLY_IN_MODELS, _words(theirs)))
        elif mine != theirs:
            changed = [k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)]
            detail = "; ".join(f"{k}: migrations {mine.get(k)!r}, models {theirs.get(k)!r}" for k in sorted(changed))
            out.append(Difference(f"{kind} {name}", DIFFERS, detail))
    return out


def diff_schemas(migrations: dict[str, dict], models: dict[str, dict]) -> list[Difference]:
    """Every difference between two schemas read by ``_read_schema``."""
    out = []
    for table in sorted(migrations.keys() - models.keys()):
        out.append(Difference(f"table {table}", ONLY_IN_MIGRATIONS, ""))
    for table in sorted(models.keys() - migrations.keys()):
        out.append(Difference(f"table {table}", ONLY_IN_MODELS, ""))
    both = sorted(migrations.keys() & models.keys())
    for table in both:
        mine, theirs = migrations[table], models[table]
        out += _diff_named("column", {f"{table}.{c}": v for c, v in mine["columns"].items()},
                           {f"{table}.{c}": v for c, v in theirs["columns"].items()})
        if mine["primary key"] != theirs["primary key"]:
            out.append(Difference(f"primary key {table}", DIFFERS,
                                  f"migrations {mine['primary key']}, models {theirs['primary key']}"))
        out += _diff_named("foreign key", {f"{table}.{c}": v for c, v in mine["foreign keys"].items()},
                           {f"{table}.{c}": v for c, v in theirs["foreign keys"].items()})
    # Index names are unique in a database (a PostgreSQL schema), so indexes are compared by name.
    out += _diff_named("index", {n: i for t in both for n, i in migrations[t]["indexes"].items()},
                       {n: i for t in both for n, i in models[t]["indexes"].items()})
    return out


def _allowed(difference: Difference) -> str | None:
    """The key of the allow-list entry that allows ``difference``, or None."""
    kind, _, name = difference.what.partition(" ")
    if difference.how == ONLY_IN_MIGRATIONS and kind == "table" and name in MIGRATION_ONLY_TABLES:
        return difference.what
    if difference.how == ONLY_IN_MIGRATIONS and kind == "index" and name in MIGRATION_ONLY_INDEXES:
        return difference.what
    if difference.what in KNOWN_DISAGREEMENTS:
        return difference.what
    return None


# --- the tests ---------------------------------------------------------------------------------


def test_all_models_lists_every_model():
    """The comparison below covers ALL_MODELS; a model left out of it would go unchecked."""
    defined = {cls for _, cls in inspect.getmembers(db.models, inspect.isclass)
               if issubclass(cls, Model) and cls.__module__ == db.models.__name__ and cls is not db.models.BaseModel}
    missing = sorted(cls.__name__ for cls in defined - set(ALL_MODELS))
    assert not missing, f"models in db/models.py missing from ALL_MODELS: {', '.join(missing)}"


def test_models_agree_with_the_migrated_schema(db):
    backend = "sqlite" if is_sqlite(db) else "postgres"
    migrated = _read_schema(db)
    differences = diff_schemas(migrated, _models_schema(db))

    unexplained = [d for d in differences if _allowed(d) is None]
    used = {_allowed(d) for d in differences} - {None}
    allow_list = ({f"table {t}" for t in MIGRATION_ONLY_TABLES} | {f"index {i}" for i in MIGRATION_ONLY_INDEXES}
                  | set(KNOWN_DISAGREEMENTS))
    stale = sorted(allow_list - used)

    problems = []
    if unexplained:
        problems.append(f"db/models.py and the migrations disagree on {backend}, {len(unexplained)} difference(s):")
        problems += [f"  {d}" for d in unexplained]
        problems.append("Fix the model, or add a migration; if the difference is on purpose, allow it by name "
                        "in tests/test_models_schema.py with the reason.")
    if stale:
        problems.append(f"allow-list entries in tests/test_models_schema.py that no longer differ on {backend} "
                        f"(remove them): {', '.join(stale)}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_comparison_sees_a_difference():
    """The diff itself: a changed type, a dropped NOT NULL, a lost foreign key and index are each reported."""
    column = {"field": "CharField", "type": "VARCHAR(60)", "null": "NOT NULL", "primary key": False, "default": None}
    table = {"columns": {"name": column, "room_id": dict(column, field="ForeignKeyField", type="INTEGER")},
             "primary key": ("id",),
             "foreign keys": {"room_id": {"references": "room.id", "on delete": "RESTRICT", "on update": "NO ACTION"}},
             "indexes": {"t_name": {"table": "t", "columns": ("name",), "unique": True, "where": None}}}
    changed = {"columns": {"name": dict(column, type="VARCHAR(80)", null="NULL"), "room_id": table["columns"]["room_id"]},
               "primary key": ("id",), "foreign keys": {}, "indexes": {}}
    found = [str(d) for d in diff_schemas({"t": table}, {"t": changed, "u": table})]
    assert found == [
        "table u: only in the models",
        "column t.name: differs: null: migrations 'NOT NULL', models 'NULL'; "
        "type: migrations 'VARCHAR(60)', models 'VARCHAR(80)'",
        "foreign key t.room_id: only in the migrations: references room.id, on delete RESTRICT, on update NO ACTION",
        "index t_name: only in the migrations: table t, columns ('name',), unique",
    ]
