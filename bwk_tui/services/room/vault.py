"""The encrypted database's door: which key opens it, and keeping the keyslots with the accounts.

A SQLite database of bwk is a SQLCipher 4 file; its data key is in no file as it is, only
wrapped in the keyslots of ``bwk.keys`` beside it (see ``keyslots``). This module holds the
process's unwrapped key once someone opened the database, and:

- ``door(url)`` tells what it takes to open a database: nothing (PostgreSQL, an old plain file,
  a new file, a first start that was interrupted) or a name and PIN (or the recovery key);
- ``unlock(url, name, pin)`` opens it with an account's PIN; a wrong PIN unwraps nothing and
  counts toward that slot's lockout, in the keyslot file (the database is still closed);
- ``account_saved`` keeps an account's slot with its PIN, in the transaction that saves it;
- ``encrypt``, ``rekey`` and ``recover`` are the coordinator's commands.

Once opened, the database stays open for the process: the desk's idle lock and the next login
are checked against the accounts in the database, as before.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from db import connection
from db.connection import DatabaseUrlError

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import AuthFailed, BwkError
from bwk_tui.services.room import keyslots
from bwk_tui.services.room.keyslots import KeyFile

NEW, PLAIN, LOCKED, PENDING, SERVER = "new", "plain", "locked", "pending", "server"


@dataclasses.dataclass
class _State:
    key: bytes | None = None
    keys_path: Path | None = None
    door_path: Path | None = None  # the SQLite file last looked at (own files, before a login)


_state = _State()


def forget_key() -> None:
    """Drop the process's key (tests; a process that closes its database for good)."""
    _state.key = None
    _state.keys_path = None


def is_active() -> bool:
    """True while the open database is an encrypted one this process unlocked."""
    return _state.key is not None and _state.keys_path is not None


def read_keyfile() -> KeyFile:
    return keyslots.read(_state.keys_path)


@dataclasses.dataclass(frozen=True)
class Door:
    """What it takes to open the database at ``url``."""

    kind: str  # NEW, PLAIN, LOCKED, PENDING or SERVER
    url: str
    path: Path | None = None  # the SQLite file
    keys_path: Path | None = None
    keyfile: KeyFile | None = None

    @property
    def needs_login(self) -> bool:
        return self.kind == LOCKED

    @property
    def room_name(self) -> str:
        return self.keyfile.room if self.keyfile else ""

    @property
    def language(self) -> str:
        return self.keyfile.language if self.keyfile else "nl"


def door(url: str | None) -> Door:
    """Look at the files only (nothing opened, nothing written)."""
    url = connection.database_url(url)
    if connection.is_postgres_url(url):
        return Door(SERVER, url)
    try:
        path = connection.sqlite_file(url)
    except DatabaseUrlError as exc:
        raise BwkError(f"error.db_url.{exc.reason}", url=exc.url) from None
    keys_path = keyslots.path_beside(path)
    _state.door_path = path
    plain = connection.is_plain_sqlite(path)
    has_keys = os.path.lexists(keys_path)
    if plain is None:
        if has_keys:  # a first start that stopped before the database file was made
            keyfile = keyslots.read(keys_path)
            if keyfile.pending_key:
                return Door(PENDING, url, path, keys_path, keyfile)
            raise BwkError("error.keys_without_db", path=str(path), keys=str(keys_path))
        return Door(NEW, url, path, keys_path)
    if plain:
        return Door(PLAIN, url, path, keys_path)
    if not has_keys:
        raise BwkError("error.keys_missing_for_db", path=str(path), keys=str(keys_path))
    keyfile = keyslots.read(keys_path)
    if keyfile.pending_key:
        return Door(PENDING, url, path, keys_path, keyfile)
    return Door(LOCKED, url, path, keys_path, keyfile)


def activate(key: bytes, keys_path: Path) -> None:
    """The database just opened is under ``key``, its slots in ``keys_path``."""
    _activate(key, keys_path)


def _activate(key: bytes, keys_path: Path) -> None:
    _state.key = key
    _state.keys_path = keys_path


def open_new(found: Door):
    """A new SQLite database, encrypted from the start with a new data key. Until the first
    coordinator exists the key waits in the keyslot file (see KeyFile.pending_key)."""
    from bwk_tui.services import room

    if found.kind == PENDING:
        key = bytes.fromhex(found.keyfile.pending_key)
    else:
        key = keyslots.new_data_key()
        found.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        keyslots.write(KeyFile(key_id=keyslots.key_id(key), pending_key=key.hex()), found.keys_path)
    opened = room.open_ready(found.url, key=key)
    _activate(key, found.keys_path)
    return opened


def open_door(found: Door):
    """Open what needs no login (see ``door``); a LOCKED door raises (use ``unlock``)."""
    from bwk_tui.services import room

    if found.kind in (NEW, PENDING):
        return open_new(found)
    if found.kind == LOCKED:
        raise BwkError("error.db_needs_login")
    forget_key()
    return room.open_ready(found.url)


def _lockout(keyfile: KeyFile) -> tuple[int, int, int]:
    from bwk_tui.services.room import settings

    def value(key):
        try:
            return int(keyfile.lockout.get(key) or settings.default(key))
        except ValueError:
            return int(settings.default(key))

    return value("pin_attempts"), value("lock_base_minutes"), value("lock_max_minutes")


def unlock(found: Door, typed_name: str, pin: str):
    """Open a LOCKED database with an account's name and PIN. Every failure is the login's one
    message (error.login_failed) and costs one derivation: an unknown name, a wrong PIN and a
    locked slot cannot be told apart. A wrong PIN counts toward the slot's lockout."""
    from bwk_tui.services import room

    keyfile = found.keyfile
    slot = keyfile.find(typed_name)
    now = clock.now_utc()
    if slot is None or slot.locked_now(now):
        keyfile.dummy_unwrap(pin)
        _note_failure(found, keyfile, slot, now)
        raise AuthFailed("error.login_failed")
    key = keyfile.unwrap_pin(slot, pin)
    if key is None:
        _note_failure(found, keyfile, slot, now, count=True)
        raise AuthFailed("error.login_failed")
    opened = room.open_ready(found.url, key=key)
    _activate(key, found.keys_path)
    _after_opening(keyfile, reset=slot.name_key)
    return opened


def unlock_with_recovery(found: Door, recovery_key: str):
    """Open a LOCKED (or PENDING) database with the recovery key from the safe."""
    from bwk_tui.services import room

    keyfile = found.keyfile
    key = keyfile.unwrap_recovery(recovery_key)
    if key is None:
        raise BwkError("error.recovery_wrong")
    opened = room.open_ready(found.url, key=key)
    _activate(key, found.keys_path)
    _after_opening(keyfile)
    return opened


def _note_failure(found: Door, keyfile: KeyFile, slot, now: dt.datetime, count: bool = False) -> None:
    """A refused PIN at the closed door: counted in the slot, remembered for the audit log."""
    keyfile.failures = (keyfile.failures + [{"at": now.isoformat(), "slot": slot.name_key if slot else "",
                                             "why": "wrong" if count else ("locked" if slot else "unknown")}])[-200:]
    if count and slot is not None:
        attempts, base, most = _lockout(keyfile)
        slot.failed += 1
        if slot.failed % attempts == 0:
            slot.lockouts += 1
            minutes = min(base * 2 ** max(slot.lockouts - 1, 0), most)
            slot.locked_until = (now + dt.timedelta(minutes=minutes)).isoformat()
    try:
        keyslots.write(keyfile, found.keys_path)
    except BwkError:
        pass  # a read-only disk: the refusal stands, the count could not be kept


def _after_opening(keyfile: KeyFile, reset: str | None = None) -> None:
    """Right after the key opened the database: the closed door's refusals go to the audit log,
    the slot that opened it starts counting afresh, the lockout settings are copied."""
    from bwk_tui.services.room import audit

    for failure in keyfile.failures:
        audit.record(None, "login.failed", "keyslot", None,
                     f"voor het openen; {failure.get('why')}; {failure.get('slot') or '?'}; {failure.get('at')}")
    keyfile.failures = []
    if reset:
        slot = keyfile.slot_for(reset)
        slot.failed, slot.lockouts, slot.locked_until = 0, 0, None
    save_keyfile(keyfile)


def save_keyfile(keyfile: KeyFile) -> None:
    """Write the keyslot file of the open database, with the room's current lockout settings,
    room name and language (for the login screen, before the database is open)."""
    from bwk_tui.services.room import settings

    keyfile.lockout = {key: settings.get(key) for key in ("pin_attempts", "lock_base_minutes", "lock_max_minutes")}
    keyfile.room = settings.get("room_name")
    keyfile.language = settings.get("language")
    keyslots.write(keyfile, _state.keys_path)


# --- keeping the slots with the accounts -----------------------------------------------------


def account_saved(name: str, role: str, pin: str) -> None:
    """Inside the transaction that saves an account's PIN: its slot gets the data key wrapped with
    that PIN. If writing the file fails, the error rolls the account back with it."""
    if not is_active():
        return
    keyfile = read_keyfile()
    keyfile.put_slot(_state.key, name, role, pin)
    save_keyfile(keyfile)


def account_removed(name: str) -> None:
    """Inside the transaction that deactivates an account: its slot goes."""
    if not is_active():
        return
    keyfile = read_keyfile()
    keyfile.drop_slot(name)
    save_keyfile(keyfile)


def has_slot(name: str) -> bool:
    from bwk_tui.services.kernel.text import fold

    return not is_active() or read_keyfile().slot_for(fold(name)) is not None


def finish_setup() -> str | None:
    """After the first coordinator's account: the pending key leaves the file, the recovery slot
    comes in. Returns the recovery key to show once (None when not encrypted or done already)."""
    if not is_active():
        return None
    keyfile = read_keyfile()
    if not keyfile.pending_key:
        return None
    recovery_key = keyslots.new_recovery_key()
    keyfile.set_recovery(_state.key, recovery_key)
    keyfile.pending_key = None
    save_keyfile(keyfile)
    return recovery_key


def mark_demo() -> None:
    if is_active():
        keyfile = read_keyfile()
        keyfile.demo = True
        save_keyfile(keyfile)


def door_path() -> Path | None:
    return _state.door_path


def data_key() -> bytes | None:
    return _state.key


def keys_path() -> Path | None:
    return _state.keys_path
