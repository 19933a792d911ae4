"""The coordinator's key commands: `bwk encrypt` (a plain database becomes an encrypted one) and
`bwk rekey` (a new data key and recovery key). Both verify row for row before anything is replaced,
and take the backups in the backups folder along."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from db import connection

from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.room import audit, auth, backup, keyslots, vault
from bwk_tui.services.room.keyslots import KeyFile
from bwk_tui.services.room.vault import PLAIN, Door




@dataclasses.dataclass(frozen=True)
class NewKey:
    where: str
    recovery_key: str
    backups: int  # backups in the backups folder re-encrypted under the new key


def _same_rows(a: Path, a_key, b: Path, b_key) -> bool:
    from db import cipher

    first, second = cipher.check(a, a_key), cipher.check(b, b_key)
    return bool(first and second and first[0] and second[0] and first[1] == second[1])


def _reencrypt_backups(folder: Path, old_key: bytes | None, new_key: bytes, keyfile: KeyFile) -> int:
    """Every backup in ``folder`` under the new key (plain ones too), each verified before it
    replaces the old file; its keyslot copy follows (see backup.keys_for)."""
    from db import cipher

    done = 0
    for old in backup.all_backups(folder):
        key = old_key if connection.is_plain_sqlite(old) is False else None
        partial = old.with_name(old.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            cipher.export(old, key, partial, new_key)
            if not _same_rows(old, key, partial, new_key):
                raise BwkError("error.encrypt_unverified", path=str(old))
            os.replace(partial, old)
            keyslots.write(keyfile, backup.keys_for(old))
        finally:
            partial.unlink(missing_ok=True)
        done += 1
    return done


def encrypt(session, pin: str, found: Door) -> NewKey:
    """`bwk encrypt`: a plain database becomes an encrypted one under a new data key, verified
    row for row before the plain file and its WAL are removed. The acting coordinator gets the
    first slot; the others get theirs at their first login at the open desk."""
    from db import cipher, database

    from bwk_tui.services import room

    auth.require_role(session)
    if found.kind != PLAIN:
        raise BwkError("error.encrypt_not_plain", where=str(found.path or found.url))
    key = keyslots.new_data_key()
    recovery_key = keyslots.new_recovery_key()
    keyfile = KeyFile(key_id=keyslots.key_id(key))
    keyfile.put_slot(key, session.name, session.role, pin)
    keyfile.set_recovery(key, recovery_key)
    path = found.path
    audit.record(session.account_id, "database.encrypt", "database", None, path.name)
    db = database.obj
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    target = path.with_name(path.name + ".encrypting.partial")
    target.unlink(missing_ok=True)
    try:
        cipher.export(path, None, target, key)
        if not _same_rows(path, None, target, key):
            raise BwkError("error.encrypt_unverified", path=str(path))
        keyslots.write(keyfile, found.keys_path)  # first the slots: a plain file beside them is still read as plain
        os.replace(target, path)
    except BaseException:
        target.unlink(missing_ok=True)
        room.open_ready(found.url)
        raise
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    room.open_ready(found.url, key=key)
    vault.activate(key, found.keys_path)
    vault.save_keyfile(keyfile)
    count = _reencrypt_backups(backup.default_backup_dir(), None, key, keyfile)
    return NewKey(room.describe(), recovery_key, count)


def rekey(session, pin: str) -> NewKey:
    """`bwk rekey`: a new data key and a new recovery key (a laptop or a coordinator left). The
    old slots are gone; the acting coordinator has the first new one, the others get theirs at
    their first login at the open desk. The backups in the backups folder follow."""
    from db import database

    from bwk_tui.services import room

    auth.require_role(session)
    if not vault.is_active():
        raise BwkError("error.rekey_not_encrypted")
    old_key, key = vault.data_key(), keyslots.new_data_key()
    recovery_key = keyslots.new_recovery_key()
    keyfile = vault.read_keyfile()
    keyfile.key_id = keyslots.key_id(key)
    keyfile.slots = []
    keyfile.put_slot(key, session.name, session.role, pin)
    keyfile.set_recovery(key, recovery_key)
    audit.record(session.account_id, "database.rekey", "database", None, "")
    db = database.obj
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    # The new key must be on disk with the database, never one without the other: the new
    # keyslots are written beside the old under another name first, then the database is rekeyed,
    # then the slots take their place.
    new_slots = vault.keys_path().with_name(vault.keys_path().name + ".new")
    files_write = keyslots.write
    files_write(keyfile, new_slots)
    try:
        db.execute_sql(f"PRAGMA rekey = \"{connection.sqlcipher_key(key)}\"")
    except BaseException:
        new_slots.unlink(missing_ok=True)
        raise
    os.replace(new_slots, vault.keys_path())
    url, keys_at = db.database, vault.keys_path()
    db.close()
    room.open_ready(url, key=key)
    vault.activate(key, keys_at)
    vault.save_keyfile(keyfile)
    count = _reencrypt_backups(backup.default_backup_dir(), old_key, key, keyfile)
    return NewKey(room.describe(), recovery_key, count)
