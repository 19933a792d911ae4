"""Verified online backups and a restore that never loses the live data.

A backup is taken with SQLite's online backup API while the desk may be in use,
checked with ``PRAGMA integrity_check`` before it is kept, and named by the time
it was taken. Only then are the oldest pruned beyond the ``backup_keep`` setting.
"""
from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path


from db import database, is_sqlite
from db.schema import HISTORY_TABLE, latest_version, upgrade

from bwk_tui.services import room
from db.connection import is_plain_sqlite

from bwk_tui.services.room import audit
from bwk_tui.services.room import keyslots
from bwk_tui.services.room import settings
from bwk_tui.services.room import vault
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import to_local
from bwk_tui.services.kernel import files
from bwk_tui.services.kernel.errors import BackupError
from bwk_tui.i18n import t
from bwk_tui.services.kernel.files import remove_debris

PREFIX = "bwk-"
SAFETY_PREFIX = "bwk-voor-herstel-"  # copies of the live data taken before a restore; never pruned
SUFFIX = ".sqlite3"


@dataclasses.dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    pruned: list[Path]


def default_backup_dir() -> Path:
    return room.beside_database("backups")


def keys_for(backup_path: Path) -> Path:
    """The keyslot file that travels with an encrypted backup: ``bwk-....sqlite3.keys``. With the
    recovery key it opens the backup on another laptop; its PINs are those of the day it was made."""
    return Path(backup_path).with_name(Path(backup_path).name + ".keys")


def all_backups(folder: Path) -> list[Path]:
    """Regular backups and the safety copies taken before a restore."""
    return sorted(p for p in Path(folder).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def _kind_of_file(path: Path) -> None:
    found = files.kind(path)  # never opened unless a regular file: a FIFO would block the open
    if found is None:
        raise BackupError("error.backup_missing", path=str(path))
    if found != "file":
        raise BackupError("error.backup_not_file", path=str(path), kind=t(f"path_kind.{found}"))


def verify_file(path: Path, key: bytes | None = None) -> int:
    """Check that ``path`` is a sound bwk database; return its schema version. An encrypted file
    is opened with ``key`` (default: the open database's data key)."""
    path = Path(path)
    _kind_of_file(path)
    if is_plain_sqlite(path) is False:
        return _verify_encrypted(path, key or vault.data_key())
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError("error.backup_corrupt", path=str(path))
            rows = con.execute(f"SELECT name FROM {HISTORY_TABLE}").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise BackupError("error.backup_not_bwk", path=str(path)) from None
    versions = [int(name.split("_", 1)[0]) for (name,) in rows if name[:1].isdigit()]
    if not versions:
        raise BackupError("error.backup_not_bwk", path=str(path))
    return max(versions)


def _verify_encrypted(path: Path, key: bytes | None) -> int:
    from db import cipher

    checked = cipher.check(path, key) if key is not None else None
    if checked is None:
        raise BackupError("error.backup_other_key", path=str(path))
    ok, counts = checked
    if not ok:
        raise BackupError("error.backup_corrupt", path=str(path))
    if HISTORY_TABLE not in counts:
        raise BackupError("error.backup_not_bwk", path=str(path))
    con = cipher.connect(path, key, read_only=True)
    try:
        rows = con.execute(f"SELECT name FROM {HISTORY_TABLE}").fetchall()
    finally:
        con.close()
    versions = [int(name.split("_", 1)[0]) for (name,) in rows if name[:1].isdigit()]
    if not versions:
        raise BackupError("error.backup_not_bwk", path=str(path))
    return max(versions)


def _require_sqlite() -> sqlite3.Connection:
    if not is_sqlite():
        raise BackupError("error.backup_postgres")
    return database.obj.connection()


def _copy_to(target: Path) -> None:
    """Online copy of the live database into ``target``, as one self-contained file."""
    source = _require_sqlite()
    if vault.is_active():  # an encrypted database: an encrypted copy under the same key
        from db import cipher

        cipher.copy_online(source, target, vault.data_key())
        return
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    os.chmod(target, 0o600)


def _unique_path(folder: Path, prefix: str) -> Path:
    """A name no other backup has, with its ``.partial`` file made (empty) to claim it.

    Two backups in the same second (two desks, two cron jobs) must not share a partial file:
    that was "database is locked". The partial is claimed exclusively first, then the final
    name is checked free; as every backup claims before it publishes, that order is race-free.
    """
    stamp = to_local(clock.now_utc()).strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        path = folder / (f"{prefix}{stamp}{SUFFIX}" if n == 1 else f"{prefix}{stamp}-{n}{SUFFIX}")
        n += 1
        partial = path.with_name(path.name + ".partial")
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        if os.path.lexists(path):
            partial.unlink(missing_ok=True)
            continue
        return path


def _age_key(path: Path) -> tuple[str, int]:
    """``bwk-20260315-103000-2.sqlite3`` -> ("20260315-103000", 2): the -n of a second
    backup within the same second sorts after the first, not before it."""
    stamp = path.name[len(PREFIX):-len(SUFFIX)]
    base, _, n = stamp.rpartition("-")
    if base.count("-") == 1 and n.isdigit():
        return base, int(n)
    return stamp, 1


def backups_in(folder: Path) -> list[Path]:
    """The regular backups in ``folder``, oldest first (safety copies excluded)."""
    return sorted((p for p in Path(folder).glob(f"{PREFIX}2*{SUFFIX}") if p.is_file()), key=_age_key)


def take_backup(to_dir: str | os.PathLike | None = None, actor_id: int | None = None,
                prefix: str = PREFIX, prune: bool = True) -> BackupResult:
    _require_sqlite()
    folder = Path(to_dir) if to_dir else default_backup_dir()
    found = files.kind(folder)
    if found not in (None, "folder"):
        raise BackupError("error.backup_to_not_folder", path=str(folder), kind=t(f"path_kind.{found}"))
    partial = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        remove_debris(folder, room.DEBRIS["backups"])  # what a killed backup left here
        final = _unique_path(folder, prefix)
        partial = final.with_name(final.name + ".partial")
        _copy_to(partial)
    except OSError as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise BackupError("error.backup_write", path=str(folder), reason=files.reason(exc)) from None
    except sqlite3.Error as exc:  # /proc and the like: the file was made but SQLite cannot use it
        partial.unlink(missing_ok=True)
        if "database is locked" in str(exc):
            raise BackupError("error.db_busy") from None
        raise BackupError("error.backup_write", path=str(folder), reason=str(exc)) from None
    try:
        verify_file(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise BackupError("error.backup_unverified", path=str(final)) from None
    if vault.is_active():
        keyslots.write(keyslots.read(vault.keys_path()), keys_for(final))
    os.replace(partial, final)
    pruned: list[Path] = []
    if prune:
        keep = max(1, settings.get_int("backup_keep"))
        # The backup just made is never among the pruned, even when its name (reused within
        # one second after an older one was pruned) sorts before the others.
        existing = [p for p in backups_in(folder) if p != final]
        pruned = existing[: max(0, len(existing) - (keep - 1))]
        for old in pruned:
            old.unlink(missing_ok=True)
            keys_for(old).unlink(missing_ok=True)
    audit.record(actor_id, "backup", "database", None, final.name)
    return BackupResult(final, final.stat().st_size, pruned)


# Called after every restore with the actor's id: privacy.forget re-applies its forget-list
# there (a higher layer registers itself; the room does not import the desks).
RESTORE_HOOKS: list = []


def _after_restore(actor_id: int | None) -> None:
    for hook in RESTORE_HOOKS:
        hook(actor_id)


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_copy: Path
    version: int


def restore(path: str | os.PathLike, actor_id: int | None = None,
            recovery_key: str | None = None) -> RestoreResult:
    """Replace the live data by a verified backup, after keeping a verified copy of the live data.

    Encrypted: a backup under the live data key is copied as it is; one under another key (an
    older key, another laptop's) needs that database's recovery key, which opens the keyslot file
    that travels with the backup; the copy is then re-encrypted under the live key. A plain
    backup is never restored into an encrypted database."""
    source_path = Path(path)
    _kind_of_file(source_path)
    live = _require_sqlite()
    encrypted_backup = is_plain_sqlite(source_path) is False
    source_key = None
    if vault.is_active():
        if not encrypted_backup:
            raise BackupError("error.backup_plain_for_encrypted", path=str(source_path))
        source_key = _backup_key(source_path, recovery_key)
    elif encrypted_backup:  # with its keyslots beside it an encrypted backup; else no database
        if keys_for(source_path).exists():
            raise BackupError("error.backup_encrypted_for_plain", path=str(source_path))
        raise BackupError("error.backup_not_bwk", path=str(source_path))
    version = verify_file(source_path, key=source_key)
    if version > latest_version():
        raise BackupError("error.backup_newer", version=version, latest=latest_version())
    safety = take_backup(actor_id=actor_id, prefix=SAFETY_PREFIX, prune=False)
    if encrypted_backup:
        _restore_encrypted(source_path, source_key, live)
    else:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            source.backup(live)
        finally:
            source.close()
    db = database.obj
    db.pragma("journal_mode", "wal")
    upgrade(db)  # an older backup is brought up to the current schema
    audit.record(actor_id, "restore", "database", None, f"{source_path.name}; copy={safety.path.name}")
    _after_restore(actor_id)
    return RestoreResult(source_path, safety.path, version)


def _backup_key(source_path: Path, recovery_key: str | None) -> bytes:
    """The data key ``source_path`` is under: the live one, or the one the recovery key unwraps."""
    from db import cipher

    if cipher.check(source_path, vault.data_key()) is not None:
        return vault.data_key()
    keys = keys_for(source_path)
    if not keys.exists():
        raise BackupError("error.backup_keys_missing", path=str(source_path), keys=str(keys))
    if recovery_key is None:
        raise BackupError("error.backup_needs_recovery", path=str(source_path))
    key = keyslots.read(keys).unwrap_recovery(recovery_key)
    if key is None:
        raise BackupError("error.recovery_wrong")
    return key


def _restore_encrypted(source_path: Path, source_key: bytes, live) -> None:
    from db import cipher

    if source_key == vault.data_key():
        source = cipher.connect(source_path, source_key, read_only=True)
        try:
            source.backup(live)
        finally:
            source.close()
        return
    # Under another key: a private copy is re-encrypted under the live key, then copied in.
    copy = default_backup_dir() / f".herstel-{os.getpid()}.sqlite3.partial"
    copy.unlink(missing_ok=True)
    try:
        cipher.export(source_path, source_key, copy, vault.data_key())
        source = cipher.connect(copy, vault.data_key(), read_only=True)
        try:
            source.backup(live)
        finally:
            source.close()
    finally:
        copy.unlink(missing_ok=True)


def restore_onto_new(path: str | os.PathLike, door, recovery_key: str) -> RestoreResult:
    """A new laptop (no database here yet): the backup and its keyslot file become the database,
    opened with the recovery key; the PINs of the day of the backup work again."""
    from bwk_tui.services import room

    source_path = Path(path)
    _kind_of_file(source_path)
    if is_plain_sqlite(source_path) is not False:
        raise BackupError("error.backup_plain_new", path=str(source_path))
    keys = keys_for(source_path)
    if not keys.exists():
        raise BackupError("error.backup_keys_missing", path=str(source_path), keys=str(keys))
    keyfile = keyslots.read(keys)
    key = keyfile.unwrap_recovery(recovery_key)
    if key is None:
        raise BackupError("error.recovery_wrong")
    version = verify_file(source_path, key=key)
    if version > latest_version():
        raise BackupError("error.backup_newer", version=version, latest=latest_version())
    door.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = door.path.with_name(door.path.name + ".partial")
    try:
        files.copy_file(source_path, partial)
        keyslots.write(keyfile, door.keys_path)
        os.replace(partial, door.path)
    finally:
        partial.unlink(missing_ok=True)
    room.open_ready(door.url, key=key)
    vault.activate(key, door.keys_path)
    audit.record(None, "restore", "database", None, f"{source_path.name}; nieuwe laptop")
    return RestoreResult(source_path, door.path, version)
