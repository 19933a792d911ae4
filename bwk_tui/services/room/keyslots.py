"""The keyslot file ``bwk.keys``: one data key, wrapped once per account and once for the
recovery key, the way disk encryption does it (LUKS keyslots).

The database is a SQLCipher 4 database encrypted with one random 256-bit *data key*. That key is
never stored as it is: for every account a slot holds it wrapped (AES-256-GCM) with a key derived
from the account's PIN by argon2id with the slot's own salt, so a wrong PIN is detected (the tag
does not verify) and unwraps nothing. One more slot wraps it with the *recovery key*, the 24
characters kept on paper in the room's safe.

The file sits beside the database, mode 0600, and holds no personal data beyond what the login
screen needs before the database is open: account names and roles, the room's name, the desk's
language, and the count of wrong PINs per slot (an offline attacker can reset those; they guard
the desk, the argon2 cost guards the file). No database access here.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from bwk_tui.services.kernel import files
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel.text import fold

FORMAT = "bwk-keys"
VERSION = 1

# argon2id for the slots: one try about 0.5 s on the room's laptop (README: the parameters and
# the measured time). Offline, the file can be attacked without the desk's lockout: this cost
# and the 6-digit minimum are what protect it.
SLOT_KDF = {"time_cost": 2, "memory_cost": 262_144, "parallelism": 2}
# The test suite's cheap cost, under the same condition as auth's cheap PIN hashes.
TEST_KDF = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

# The recovery key: 24 characters from Crockford's base32 (no I, L, O, U), in six groups of four:
# 120 random bits. Typed back, O is read as 0 and I or L as 1; spaces and dashes do not count.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_LENGTH = 24


def _test_cost_wanted() -> bool:
    return os.environ.get("BWK_TEST_ARGON2") == "cheap" and "PYTEST_CURRENT_TEST" in os.environ


def slot_kdf() -> dict:
    return dict(TEST_KDF if _test_cost_wanted() else SLOT_KDF)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: bytes, salt: bytes, kdf: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(secret, salt, time_cost=int(kdf["time_cost"]), memory_cost=int(kdf["memory_cost"]),
                           parallelism=int(kdf["parallelism"]), hash_len=32, type=Type.ID)


def key_id(data_key: bytes) -> str:
    """A short fingerprint of a data key (not the key): tells which key a file is under."""
    return hmac.new(data_key, b"bwk key id", hashlib.sha256).hexdigest()[:16]


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def normalise_recovery_key(typed: str) -> str | None:
    """The recovery key as stored in the slot's secret (24 characters, no dashes), or None when
    what was typed cannot be one (wrong length or characters)."""
    text = "".join((typed or "").split()).replace("-", "").upper()
    text = text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(text) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in text):
        return None
    return text


@dataclasses.dataclass
class Slot:
    """One account's slot (or the recovery slot, ``name_key == ""``)."""

    name: str
    name_key: str
    role: str
    salt: str
    nonce: str
    wrapped: str
    kdf: dict
    failed: int = 0
    lockouts: int = 0
    locked_until: str | None = None  # ISO time in UTC

    def aad(self) -> bytes:
        return f"{FORMAT}:{self.name_key}:{self.role}".encode()

    def locked_now(self, now: dt.datetime) -> bool:
        return bool(self.locked_until) and dt.datetime.fromisoformat(self.locked_until) > now


def _wrap(data_key: bytes, secret: bytes, name: str, name_key: str, role: str) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = slot_kdf()
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    slot = Slot(name, name_key, role, _b64(salt), _b64(nonce), "", kdf)
    wrapped = AESGCM(_derive(secret, salt, kdf)).encrypt(nonce, data_key, slot.aad())
    slot.wrapped = _b64(wrapped)
    return slot


def _unwrap(slot: Slot, secret: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        key = _derive(secret, _unb64(slot.salt), slot.kdf)
        return AESGCM(key).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), slot.aad())
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def _pin_bytes(pin: str) -> bytes:
    return (pin or "").encode("utf-8", "surrogateescape")


@dataclasses.dataclass
class KeyFile:
    """The contents of ``bwk.keys``."""

    key_id: str
    room: str = ""
    language: str = "nl"
    slots: list[Slot] = dataclasses.field(default_factory=list)
    recovery: Slot | None = None
    # Until the first coordinator exists (first start), the data key is kept here as it is: the
    # database then holds nothing but its empty tables, and a first start that was interrupted
    # can go on. set_up() replaces it by the coordinator's slot and the recovery slot.
    pending_key: str | None = None
    # Wrong PINs typed while the database was closed, for the audit log at the next opening.
    failures: list[dict] = dataclasses.field(default_factory=list)
    # The room's lockout settings (pin_attempts, lock_base_minutes, lock_max_minutes), copied here
    # whenever the file is written with the database open: the closed desk counts by them too.
    lockout: dict = dataclasses.field(default_factory=dict)
    demo: bool = False  # made by `bwk demo`: `bwk demo --force` may replace it

    # --- slots --------------------------------------------------------------------------

    def account_slots(self) -> list[Slot]:
        return list(self.slots)

    def slot_for(self, name_key: str) -> Slot | None:
        return next((s for s in self.slots if s.name_key == name_key), None)

    def find(self, typed_name: str) -> Slot | None:
        """The login's rule (auth.find_account): the exact name, else the first that starts with it."""
        key = fold(typed_name or "")
        if not key:
            return None
        exact = self.slot_for(key)
        if exact is not None:
            return exact
        starting = sorted((s for s in self.slots if s.name_key.startswith(key)), key=lambda s: s.name_key)
        return starting[0] if starting else None

    def put_slot(self, data_key: bytes, name: str, role: str, pin: str) -> None:
        """Add or replace the slot of account ``name`` (a new account, a changed PIN)."""
        name_key = fold(name)
        self.slots = [s for s in self.slots if s.name_key != name_key]
        self.slots.append(_wrap(data_key, _pin_bytes(pin), name, name_key, role))
        self.slots.sort(key=lambda s: s.name_key)

    def drop_slot(self, name: str) -> None:
        name_key = fold(name)
        self.slots = [s for s in self.slots if s.name_key != name_key]

    def set_recovery(self, data_key: bytes, recovery_key: str) -> None:
        secret = normalise_recovery_key(recovery_key)
        assert secret is not None
        self.recovery = _wrap(data_key, secret.encode("ascii"), "", "", "recovery")

    def unwrap_pin(self, slot: Slot, pin: str) -> bytes | None:
        key = _unwrap(slot, _pin_bytes(pin))
        return key if key is not None and key_id(key) == self.key_id else None

    def unwrap_recovery(self, typed: str) -> bytes | None:
        secret = normalise_recovery_key(typed)
        if secret is None or self.recovery is None:
            if self.recovery is not None:
                _unwrap(self.recovery, b"x")  # the same cost as a wrong key
            return None
        key = _unwrap(self.recovery, secret.encode("ascii"))
        return key if key is not None and key_id(key) == self.key_id else None

    def dummy_unwrap(self, pin: str) -> None:
        """What an unknown name or a locked slot costs: one derivation, as a wrong PIN."""
        _derive(_pin_bytes(pin) or b"x", b"\0" * 16, slot_kdf())

    # --- the file -----------------------------------------------------------------------

    def to_json(self) -> str:
        data = {"format": FORMAT, "version": VERSION, "key_id": self.key_id, "room": self.room,
                "language": self.language, "slots": [dataclasses.asdict(s) for s in self.slots],
                "recovery": dataclasses.asdict(self.recovery) if self.recovery else None,
                "pending_key": self.pending_key, "failures": self.failures, "lockout": self.lockout,
                "demo": self.demo}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "KeyFile":
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not a bwk keyslot file")
        recovery = data.get("recovery")
        return cls(key_id=str(data["key_id"]), room=str(data.get("room") or ""),
                   language=str(data.get("language") or "nl"),
                   slots=[Slot(**s) for s in data.get("slots") or []],
                   recovery=Slot(**recovery) if recovery else None,
                   pending_key=data.get("pending_key"), failures=list(data.get("failures") or []),
                   lockout=dict(data.get("lockout") or {}), demo=bool(data.get("demo")))


def path_beside(database_path: Path) -> Path:
    """The keyslot file of a database: its name with ``.keys`` (``bwk.sqlite3`` -> ``bwk.keys``), so
    that a demo in the same folder (``bwk-demo-small.sqlite3``) has keys of its own."""
    path = Path(database_path)
    return path.with_name(path.stem + ".keys") if path.suffix else path.with_name(path.name + ".keys")


def read(path: Path) -> KeyFile:
    """The keyslot file at ``path``; a missing or damaged one is a plain message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BwkError("error.keys_missing", path=str(path)) from None
    except (OSError, UnicodeError) as exc:
        raise BwkError("error.keys_damaged", path=str(path), reason=files.reason(exc)
                       if isinstance(exc, OSError) else str(exc)) from None
    try:
        return KeyFile.from_json(text)
    except (ValueError, KeyError, TypeError):
        raise BwkError("error.keys_damaged", path=str(path), reason="onleesbaar") from None


def write(keyfile: KeyFile, path: Path) -> None:
    """All or nothing, mode 0600."""
    files.write_text(keyfile.to_json(), Path(path), own_file=True)
