"""SQLCipher files as files: copy one under another key, check one, count its rows.

Used by `bwk encrypt` (plain -> encrypted), `bwk rekey` and the backups (which are SQLCipher
copies of the encrypted database). ``key`` is a 32-byte data key, or None for a plain file.
"""
from __future__ import annotations

import os
from pathlib import Path

from db.connection import quiet, sqlcipher_key


def connect(path: Path, key: bytes | None, read_only: bool = False):
    """A sqlcipher3 connection to ``path`` under ``key`` (None: a plain SQLite file)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    target = f"file:{path}?mode=ro" if read_only else str(path)
    con = sqlcipher.connect(target, uri=read_only, isolation_level=None)
    quiet(con)
    if key is not None:
        con.execute(f"PRAGMA key = \"{sqlcipher_key(key)}\"")
    return con


def export(source: Path, source_key: bytes | None, target: Path, target_key: bytes | None) -> None:
    """Write the whole database ``source`` into the new file ``target`` under ``target_key``
    (SQLCipher's ``sqlcipher_export``: schema, rows, triggers and indexes)."""
    con = connect(source, source_key)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        key = sqlcipher_key(target_key) if target_key is not None else ""
        con.execute("ATTACH DATABASE ? AS target KEY ?", (str(target), key))
        con.execute("SELECT sqlcipher_export('target')")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute(f"PRAGMA target.user_version = {int(version)}")
        con.execute("DETACH DATABASE target")
    finally:
        con.close()
    os.chmod(target, 0o600)


def copy_online(source_con, target: Path, key: bytes | None) -> None:
    """SQLite's online backup of an open connection into ``target`` under the same ``key``."""
    dest = connect(target, key)
    try:
        source_con.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    os.chmod(target, 0o600)


def check(path: Path, key: bytes | None) -> tuple[bool, dict[str, int]] | None:
    """(integrity ok, rows per table) of ``path`` under ``key``; None when the key does not open
    it (or it is no database)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    try:
        con = connect(path, key, read_only=True)
    except sqlcipher.Error:
        return None
    try:
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        except sqlcipher.DatabaseError:
            return None
        ok = con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        return ok, counts
    except sqlcipher.DatabaseError:
        return False, {}
    finally:
        con.close()


def rekey_file(path: Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt a closed file in place (a copy that is about to be restored)."""
    con = connect(path, old_key)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con.execute(f"PRAGMA rekey = \"{sqlcipher_key(new_key)}\"")
    finally:
        con.close()
