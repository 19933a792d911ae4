"""Accounts, PINs, login, lockout and roles.

PINs are 4 to 8 digits, kept only as argon2id hashes. A PIN never appears in the
database, a log, an audit line or an error message.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os

from peewee import fn

from db import write
from db.models import LANGUAGES, ROLES, Account

from bwk_tui.services.room import audit
from bwk_tui.services.room import settings
from bwk_tui.services.room import vault
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import AuthFailed, BwkError, InvalidInput, NotAllowed
from bwk_tui.services.kernel.text import fold

COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"


# Cheap argon2id parameters for the test suite only: thousands of PINs are hashed there, and at
# the real cost (64 MiB, 3 passes) that alone took minutes. They apply only while
# BWK_TEST_ARGON2=cheap *and* pytest runs (pytest sets PYTEST_CURRENT_TEST during each test, and a
# `bwk` started by a test inherits both); tests/test_auth.py checks the real parameters once.
TEST_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _test_parameters_wanted() -> bool:
    return os.environ.get("BWK_TEST_ARGON2") == "cheap" and "PYTEST_CURRENT_TEST" in os.environ


def hasher():
    """argon2id with the RFC 9106 low-memory parameters (the library's default).

    Made on first use: importing argon2 costs 30 ms that the login screen need not wait for.
    """
    return _hasher(_test_parameters_wanted())


@functools.cache
def _hasher(cheap: bool):
    from argon2 import PasswordHasher

    return PasswordHasher(**TEST_PARAMETERS) if cheap else PasswordHasher()


def _verify(pin_hash: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    # A PIN that is not text UTF-8 can carry (bytes a terminal could not decode) is still hashed,
    # so that it costs the same time, and is wrong like any other.
    typed = pin.encode("utf-8", "surrogateescape")
    try:
        return hasher().verify(pin_hash, typed)
    except (VerificationError, InvalidHashError):
        return False

# Verified when the typed name matches no account, so that an unknown name
# takes as long as a wrong PIN and the answer gives nothing away. Made once with
# the same parameters (hashing it at import cost 200 ms and 64 MiB at every start).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$yogT1BXXCvWH0ierpS0nbA$iA9fLEUtPus0+CNncCPQgzLyoWFVTPnIzCIW1ZnpK1g"




def _dummy_hash() -> str:
    """The dummy hash, with the parameters in force (the test ones under the test suite)."""
    if _test_parameters_wanted():
        return _cheap_dummy_hash()
    return _DUMMY_HASH


@functools.cache
def _cheap_dummy_hash() -> str:
    return hasher().hash("dummy")


@dataclasses.dataclass(frozen=True)
class Session:
    """Who is logged in at the desk."""

    account_id: int
    name: str
    role: str
    language: str
    # Logged in with a PIN shorter than new PINs may be (one from before the 6-digit rule):
    # the desk asks for a new one at once.
    must_change_pin: bool = False

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR


@dataclasses.dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    role: str
    language: str
    active: bool
    locked_until: dt.datetime | None


# The twenty most used 4-digit PINs (DataGenetics' analysis of 3.4 million leaked PINs).
COMMON_PINS = frozenset({"1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
                         "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010"})


# New PINs have at least this many digits: with the database encrypted, a stolen file can be
# attacked offline, where no lockout helps; 10^6 PINs at 0.5 s each is about 6 days per account
# and slot. PINs of 4 and 5 digits made before keep working and are changed at the next login.
PIN_MIN_NEW = 6


def validate_pin(pin: str) -> str:
    """6 to 8 digits, and not one that is guessed first.

    Refused: all one digit (0000, 777777), a straight run up or down by one (1234, 3456789,
    987654; no wrapping past 9 or 0), and the twenty most common PINs (COMMON_PINS). Everything
    else is allowed, also other patterns such as 246813 or 135724: the argon2 cost and the
    lockout make a PIN hold; this rule only keeps out the first guesses."""
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        raise InvalidInput("error.pin_digits", field="pin")
    if not 4 <= len(pin) <= 8:
        raise InvalidInput("error.pin_length", field="pin")
    if len(set(pin)) == 1:
        raise InvalidInput("error.pin_same_digit", field="pin")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    if steps in ({1}, {-1}):
        raise InvalidInput("error.pin_run", field="pin")
    if pin in COMMON_PINS:
        raise InvalidInput("error.pin_common", field="pin")
    if len(pin) < PIN_MIN_NEW:  # the guessable ones above are named first: that is the better advice
        raise InvalidInput("error.pin_length", field="pin")
    return pin


def validate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("error.name_empty", field="name")
    if len(name) > 60:
        raise InvalidInput("error.name_long", field="name", max=60)
    return name


def require_role(session: Session | None, role: str = COORDINATOR) -> Session:
    """Refuse unless someone is logged in with ``role`` (coordinators may do everything)."""
    if session is None:
        raise NotAllowed("error.not_logged_in")
    if role == COORDINATOR and session.role != COORDINATOR:
        raise NotAllowed("error.coordinator_only")
    return session


def coordinator_only(func):
    """Decorator for services whose first argument is the acting Session."""

    @functools.wraps(func)
    def wrapper(session, *args, **kwargs):
        require_role(session, COORDINATOR)
        return func(session, *args, **kwargs)

    return wrapper


def has_coordinator() -> bool:
    return Account.select().where(Account.role == COORDINATOR, Account.active == True).exists()  # noqa: E712


def _create(name: str, role: str, pin: str, language: str, actor_id: int | None) -> AccountInfo:
    name = validate_name(name)
    validate_pin(pin)
    if role not in ROLES:
        raise InvalidInput("error.role_unknown", field="role", roles=", ".join(ROLES))
    if language not in LANGUAGES:
        raise InvalidInput("error.language_unknown", field="language")
    key = fold(name)
    pin_hash = hasher().hash(pin)
    with write():
        if Account.select().where(Account.name_key == key).exists():
            raise InvalidInput("error.name_taken", field="name", name=name)
        account = Account.create(name=name, name_key=key, role=role, language=language,
                                 pin_hash=pin_hash, created_at=clock.now_utc())
        audit.record(actor_id, "account.create", "account", account.id, f"role={role}")
        vault.account_saved(name, role, pin)  # the keyslot, in the same step as the account
    return _info(account)


def create_first_coordinator(name: str, pin: str, language: str = "nl") -> AccountInfo:
    """Only while the database has no coordinator (first start, `bwk init`)."""
    if has_coordinator():
        raise NotAllowed("error.already_set_up")
    return _create(name, COORDINATOR, pin, language, None)


@coordinator_only
def create_account(session: Session, name: str, role: str, pin: str, language: str = "nl") -> AccountInfo:
    return _create(name, role, pin, language, session.account_id)


def create_account_as_admin(name: str, role: str, pin: str, language: str = "nl") -> AccountInfo:
    """For the command line run by whoever holds the database file (`bwk user add`)."""
    return _create(name, role, pin, language, None)


def find_account(typed_name: str) -> Account | None:
    """The first match for what was typed: an exact name, else the first name that starts with it."""
    key = fold(typed_name or "")
    if not key:
        return None
    exact = Account.get_or_none((Account.name_key == key) & (Account.active == True))  # noqa: E712
    if exact is not None:
        return exact
    return (Account.select()
            .where(fn.SUBSTR(Account.name_key, 1, len(key)) == key, Account.active == True)  # noqa: E712
            .order_by(Account.name_key).first())


def lock_minutes(lockouts: int) -> int:
    """How long the ``lockouts``-th lockout lasts: doubling, within the maximum."""
    base = settings.get_int("lock_base_minutes")
    return min(base * 2 ** max(lockouts - 1, 0), settings.get_int("lock_max_minutes"))


def login(typed_name: str, pin: str) -> Session:
    """Check name and PIN. Raises AuthFailed with a message that never says whether the name exists."""
    account = _check_pin(find_account(typed_name), pin, "login")
    return Session(account.id, account.name, account.role, account.language,
                   must_change_pin=len(pin or "") < PIN_MIN_NEW)


def _check_pin(account: Account | None, pin: str, action: str, audit_success: bool = True) -> Account:
    """The one PIN check (login, signing a closing, quitting the locked desk).

    Every answer costs one argon2 verify and every failure gives the same message
    (error.login_failed): an unknown name, a wrong PIN and a locked account cannot be told apart,
    by the words or by the time. Wrong PINs count toward the lockout; attempts during a lock are
    audited and refused, even with the right PIN."""
    if account is None:
        _verify(_dummy_hash(), pin or "x")
        audit.record(None, f"{action}.failed", "account", None, "unknown name")
        raise AuthFailed("error.login_failed")
    now = clock.now_utc()
    if account.locked_until is not None and account.locked_until > now:
        _verify(_dummy_hash(), pin or "x")  # the same cost as a wrong PIN
        audit.record(None, f"{action}.while_locked", "account", account.id)
        raise AuthFailed("error.login_failed")
    ok = _verify(account.pin_hash, pin or "")
    with write():
        account = Account.get_by_id(account.id)  # fresh inside the write lock
        if not ok:
            failed = account.failed_pins + 1
            update = {Account.failed_pins: failed}
            limit = settings.get_int("pin_attempts")
            locked = failed % limit == 0
            if locked:
                lockouts = account.lockouts + 1
                update.update({Account.lockouts: lockouts,
                               Account.locked_until: now + dt.timedelta(minutes=lock_minutes(lockouts))})
            Account.update(update).where(Account.id == account.id).execute()
            audit.record(None, f"{action}.locked" if locked else f"{action}.failed", "account",
                         account.id, f"failed={failed}")
        else:
            Account.update({Account.failed_pins: 0, Account.lockouts: 0, Account.locked_until: None}).where(
                Account.id == account.id).execute()
            if audit_success:
                audit.record(account.id, action, "account", account.id)
            if not vault.has_slot(account.name):  # after `bwk encrypt` or `bwk rekey`: the first login
                vault.account_saved(account.name, account.role, pin)
    # Raised only after the transaction: raising inside it would roll back the count.
    if not ok:
        raise AuthFailed("error.login_failed")
    return account


def verify_own_pin(session: Session, pin: str) -> bool:
    """Does ``pin`` belong to the logged-in account? (For signing, e.g. the day's closing.)

    The same check as the login: a wrong PIN counts toward the lockout, and a locked account
    is refused even with the right PIN. Call it outside a transaction (the count must stay)."""
    account = Account.get_or_none(Account.id == session.account_id, Account.active == True)  # noqa: E712
    try:
        _check_pin(account, pin, "sign", audit_success=False)  # the closing records the signature
    except AuthFailed:
        return False
    return True


def is_coordinator_pin(typed_name: str, pin: str) -> bool:
    """For quitting the locked desk: are these a coordinator's name and PIN? Counts like a login."""
    account = find_account(typed_name)
    try:
        account = _check_pin(account, pin, "quit", audit_success=False)
    except AuthFailed:
        return False
    allowed = account.role == COORDINATOR
    audit.record(account.id, "quit" if allowed else "quit.refused", "account", account.id)
    return allowed


def change_pin(session: Session, old_pin: str, new_pin: str) -> Session:
    """Anyone may change their own PIN: the old one first (counted like a login), the new one by
    the rules for new PINs. The hash and the keyslot change in one step."""
    validate_pin(new_pin)
    account = Account.get_or_none(Account.id == session.account_id, Account.active == True)  # noqa: E712
    account = _check_pin(account, old_pin, "pin.check", audit_success=False)
    if new_pin == old_pin:
        raise InvalidInput("error.pin_same", field="pin")
    _set_pin(session.account_id, account, new_pin, "account.pin_change")
    return dataclasses.replace(session, must_change_pin=False)


def _set_pin(actor_id: int | None, account: Account, new_pin: str, action: str) -> None:
    pin_hash = hasher().hash(new_pin)
    with write():
        Account.update({Account.pin_hash: pin_hash, Account.failed_pins: 0, Account.lockouts: 0,
                        Account.locked_until: None}).where(Account.id == account.id).execute()
        audit.record(actor_id, action, "account", account.id)
        vault.account_saved(account.name, account.role, new_pin)


def reset_pin_with_recovery(name: str, new_pin: str) -> AccountInfo:
    """`bwk recover`: the database was opened with the recovery key; a coordinator gets a new PIN."""
    validate_pin(new_pin)
    account = _get_account(name)
    if account.role != COORDINATOR or not account.active:
        raise NotAllowed("error.recover_not_coordinator", name=account.name)
    _set_pin(None, account, new_pin, "account.pin_recovered")
    return _info(Account.get_by_id(account.id))


def logout(session: Session | None, reason: str = "lock") -> None:
    if session is not None:
        audit.record(session.account_id, f"logout.{reason}", "account", session.account_id)


def _get_account(name: str) -> Account:
    account = Account.get_or_none(Account.name_key == fold(name or ""))
    if account is None:
        raise BwkError("error.account_unknown", name=name)
    return account


def _unlock(actor_id: int | None, account: Account) -> AccountInfo:
    with write():
        Account.update({Account.failed_pins: 0, Account.lockouts: 0, Account.locked_until: None}).where(
            Account.id == account.id).execute()
        audit.record(actor_id, "account.unlock", "account", account.id)
    return _info(Account.get_by_id(account.id))


@coordinator_only
def unlock(session: Session, account_id: int) -> AccountInfo:
    account = Account.get_or_none(Account.id == account_id)
    if account is None:
        raise BwkError("error.account_unknown", name=str(account_id))
    return _unlock(session.account_id, account)


def unlock_as_admin(name: str) -> AccountInfo:
    return _unlock(None, _get_account(name))


@coordinator_only
def deactivate(session: Session, account_id: int) -> AccountInfo:
    """A volunteer or coordinator who leaves: the account can no longer log in and its keyslot is
    removed in the same step (its PIN no longer opens the encrypted database). Its history stays.
    Not one's own account, not the last active coordinator."""
    account = Account.get_or_none(Account.id == account_id)
    if account is None:
        raise BwkError("error.account_unknown", name=str(account_id))
    if account.id == session.account_id:
        raise NotAllowed("error.deactivate_self")
    with write():
        if account.role == COORDINATOR and Account.select().where(
                Account.role == COORDINATOR, Account.active == True, Account.id != account.id).count() == 0:  # noqa: E712
            raise NotAllowed("error.deactivate_last_coordinator")
        Account.update({Account.active: False}).where(Account.id == account.id).execute()
        audit.record(session.account_id, "account.deactivate", "account", account.id)
        vault.account_removed(account.name)
    return _info(Account.get_by_id(account.id))


@coordinator_only
def deactivate_named(session: Session, name: str) -> AccountInfo:
    """`bwk user remove NAME`: the exact name."""
    return deactivate(session, _get_account(name).id)


@coordinator_only
def list_accounts(session: Session) -> list[AccountInfo]:
    return [_info(a) for a in Account.select().order_by(Account.name_key)]


def set_language(session: Session, language: str) -> Session:
    """Anyone may choose their own language."""
    if language not in LANGUAGES:
        raise InvalidInput("error.language_unknown", field="language")
    with write():
        Account.update({Account.language: language}).where(Account.id == session.account_id).execute()
        audit.record(session.account_id, "account.language", "account", session.account_id, language)
    return dataclasses.replace(session, language=language)


def _info(account: Account) -> AccountInfo:
    return AccountInfo(account.id, account.name, account.role, account.language, account.active,
                       account.locked_until)


def first_coordinator_name() -> str | None:
    """The alphabetically first active coordinator: the name the command line offers by default."""
    account = (Account.select(Account.name)
               .where(Account.role == COORDINATOR, Account.active == True)  # noqa: E712
               .order_by(Account.name_key).first())
    return account.name if account is not None else None


@coordinator_only
def unlock_named(session: Session, name: str) -> AccountInfo:
    """`bwk user unlock NAME`: the exact name (no prefix match: unlocking is not a search)."""
    return _unlock(session.account_id, _get_account(name))
