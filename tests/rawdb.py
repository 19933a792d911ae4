"""Raw SQL on a database a test made through `bwk`: encrypted (SQLCipher) since issue 12, so the
test opens it as the desk does, with a keyslot and its PIN, or plain when it is a plain file."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def connect(path, name: str = "Coby", pin: str = "246813", **kwargs):
    """A DB-API connection to ``path`` (sqlite3's when plain, sqlcipher3's when encrypted)."""
    from db.connection import is_plain_sqlite

    from bwk_tui.services.kernel.text import fold
    from bwk_tui.services.room import keyslots

    path = Path(path)
    if is_plain_sqlite(path) is not False:
        return sqlite3.connect(str(path), **kwargs)
    sidecar = path.with_name(path.name + ".keys")  # a backup's own keyslot file
    keyfile = keyslots.read(sidecar if sidecar.exists() else keyslots.path_beside(path))
    if keyfile.pending_key:  # a first start that has no coordinator yet
        return _cipher(path, bytes.fromhex(keyfile.pending_key), kwargs)
    key = keyfile.unwrap_pin(keyfile.slot_for(fold(name)), pin)
    assert key is not None, "the PIN does not open the keyslot"
    return _cipher(path, key, kwargs)


def _cipher(path, key: bytes, kwargs):
    from sqlcipher3 import dbapi2 as sqlcipher

    from db.connection import quiet, sqlcipher_key

    con = sqlcipher.connect(str(path), **kwargs)
    quiet(con)
    con.execute(f"PRAGMA key = \"{sqlcipher_key(key)}\"")
    return con


def key_of(path, name: str = "Coby", pin: str = "246813") -> bytes:
    from bwk_tui.services.kernel.text import fold
    from bwk_tui.services.room import keyslots

    keyfile = keyslots.read(keyslots.path_beside(Path(path)))
    return keyfile.unwrap_pin(keyfile.slot_for(fold(name)), pin)
