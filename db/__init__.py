"""Persistence of bwk: connection, models and numbered migrations.

Nothing in here imports ``bwk_tui`` or ``textual``: the layers are ui -> services -> db.
"""
from db.connection import (  # noqa: F401
    DatabaseUrlError,
    database,
    default_database_path,
    describe,
    is_sqlite,
    open_database,
    serialise,
    write,
)
