"""Accounts, PINs, login, lockout and roles (services/auth.py), on both backends."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from peewee import IntegrityError

from db import write
from db.models import ALL_MODELS, Account, AuditLog

from bwk_tui.services.room import auth
from bwk_tui.services.room import settings
from bwk_tui.services.kernel import clock as kernel_clock
from bwk_tui.services.kernel.errors import AuthFailed, InvalidInput, NotAllowed

SECRET_PIN = "73915284"


@pytest.fixture
def clock(clock):
    """The shared clock, started at the real time (the lockout tests move it)."""
    clock.now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    return clock


def _all_stored_text(db) -> str:
    """Every value in every table, as text."""
    chunks = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        for row in db.execute_sql(f'SELECT * FROM "{table}"'):
            chunks.append(repr(tuple(row)))
    return "\n".join(chunks)


# --- PIN rules -------------------------------------------------------------------------------

@pytest.mark.parametrize("pin", ["246813", "135724", "826419", "12345679", "000120", "1357249"])
def test_valid_pins(pin):
    assert auth.validate_pin(pin) == pin


@pytest.mark.parametrize("pin", ["2468", "13579", "82641"])
def test_new_pins_have_at_least_six_digits(pin):
    """With the database encrypted, a stolen file is attacked offline where no lockout helps."""
    with pytest.raises(InvalidInput) as info:
        auth.validate_pin(pin)
    assert info.value.key == "error.pin_length"
    assert "6 tot 8" in info.value.message()


@pytest.mark.parametrize("pin, key", [
    ("abcd", "error.pin_digits"),
    ("12a4", "error.pin_digits"),
    ("12 34", "error.pin_digits"),
    (" 1234", "error.pin_digits"),
    ("-123", "error.pin_digits"),
    ("١٢٣٤", "error.pin_digits"),  # Arabic-Indic digits: isdigit() but not 0-9
    ("１２３４", "error.pin_digits"),  # full-width digits
    ("", "error.pin_digits"),
    (None, "error.pin_digits"),
    ("123", "error.pin_length"),
    ("123456789", "error.pin_length"),
])
def test_invalid_pins_are_refused(pin, key):
    with pytest.raises(InvalidInput) as info:
        auth.validate_pin(pin)
    assert info.value.key == key
    assert info.value.field == "pin"


@pytest.mark.parametrize("pin, key", [
    ("0000", "error.pin_same_digit"), ("77777777", "error.pin_same_digit"),
    ("1234", "error.pin_run"), ("0123", "error.pin_run"), ("3456789", "error.pin_run"),
    ("987654", "error.pin_run"), ("4321", "error.pin_run"), ("9876", "error.pin_run"),
    ("1212", "error.pin_common"), ("6969", "error.pin_common"), ("2001", "error.pin_common"),
    ("1004", "error.pin_common"),
])
def test_trivial_pins_are_refused_with_the_reason(pin, key):
    with pytest.raises(InvalidInput) as info:
        auth.validate_pin(pin)
    assert info.value.key == key
    assert "te makkelijk te raden" in info.value.message()


def test_every_common_pin_is_refused():
    for pin in auth.COMMON_PINS:
        with pytest.raises(InvalidInput):
            auth.validate_pin(pin)


@pytest.mark.parametrize("pin", ["123", "123456789", "١٢٣٤", "12x4"])
def test_account_with_invalid_pin_is_not_created(db, room, pin):
    before = Account.select().count()
    with pytest.raises(InvalidInput):
        auth.create_account(room["coordinator"], "Wim", "volunteer", pin)
    assert Account.select().count() == before


@pytest.mark.real_hash_cost
def test_pins_are_hashed_with_the_real_parameters_outside_the_test_suite(db, room):
    """The one test of the real cost: RFC 9106's low-memory argon2id (64 MiB, 3 passes, 4 lanes),
    which the other tests replace with cheap parameters through the hash_cost fixture."""
    from argon2 import Parameters, extract_parameters, profiles

    info = auth.create_account(room["coordinator"], "Rita", "volunteer", SECRET_PIN)
    params = extract_parameters(Account.get_by_id(info.id).pin_hash)
    assert params == profiles.RFC_9106_LOW_MEMORY == extract_parameters(auth._DUMMY_HASH)
    assert isinstance(params, Parameters) and params.memory_cost == 65536 and params.time_cost == 3
    assert auth.login("Rita", SECRET_PIN).name == "Rita"


def test_the_cheap_test_parameters_need_pytest_as_well_as_the_variable(monkeypatch):
    import subprocess
    import sys

    assert auth.hasher().memory_cost == auth.TEST_PARAMETERS["memory_cost"]  # the hash_cost fixture
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env["BWK_TEST_ARGON2"] = "cheap"
    code = "from bwk_tui.services.room import auth; print(auth.hasher().memory_cost)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "65536"


@pytest.mark.real_hash_cost
def test_pin_is_stored_only_as_an_argon2id_hash(db, room):
    info = auth.create_account(room["coordinator"], "Priya", "volunteer", SECRET_PIN)
    account = Account.get_by_id(info.id)
    assert account.pin_hash.startswith("$argon2id$")
    PasswordHasher().verify(account.pin_hash, SECRET_PIN)
    with pytest.raises(VerificationError):
        PasswordHasher().verify(account.pin_hash, "73915285")
    # Wrong and right logins, then look everywhere the PIN could have leaked to.
    with pytest.raises(AuthFailed) as wrong:
        auth.login("Priya", SECRET_PIN[::-1])
    assert SECRET_PIN[::-1] not in str(wrong.value)
    auth.login("Priya", SECRET_PIN)
    stored = _all_stored_text(db)
    assert "Priya" in stored  # the scan does see the account row
    assert SECRET_PIN not in stored
    assert SECRET_PIN[::-1] not in stored


def test_database_refuses_a_pin_hash_that_is_not_argon2id(db):
    with pytest.raises(IntegrityError):
        with write():
            Account.create(name="Plain", name_key="plain", role="volunteer", pin_hash="1234",
                           created_at=kernel_clock.now_utc())


def test_pin_never_appears_in_an_error_message(db, room):
    for bad in ("12345678901", "98x76"):
        with pytest.raises(InvalidInput) as info:
            auth.create_account(room["coordinator"], "Wim", "volunteer", bad)
        assert bad not in str(info.value)
        assert bad not in info.value.message("en")
        assert bad not in repr(info.value.params)


# --- login -----------------------------------------------------------------------------------

def test_login_gives_a_session(db, room):
    session = auth.login("Vera", "135724")
    assert (session.name, session.role, session.language) == ("Vera", "volunteer", "nl")
    assert not session.is_coordinator
    assert session.account_id == Account.get(Account.name == "Vera").id


def test_first_match_exact_name_wins_else_first_in_alphabet(db, room):
    coordinator = room["coordinator"]
    for name, pin in (("Mo", "815100"), ("Mohamed", "825200"), ("Monique", "835300"),
                      ("Joanna", "845400"), ("Johan", "855500")):
        auth.create_account(coordinator, name, "volunteer", pin)
    assert auth.find_account("mo").name == "Mo"  # exact beats the longer names
    assert auth.find_account("moh").name == "Mohamed"
    assert auth.find_account("mon").name == "Monique"
    assert auth.find_account("jo").name == "Joanna"  # first in the alphabet of the names starting with "jo"
    assert auth.find_account("x") is None
    assert auth.find_account("") is None
    assert auth.find_account("   ") is None
    assert auth.login("jo", "845400").name == "Joanna"
    with pytest.raises(AuthFailed):
        auth.login("jo", "855500")  # Johan's PIN does not open Joanna


def test_login_folds_case_and_accents(db, room):
    auth.create_account(room["coordinator"], "José", "volunteer", "808090")
    for typed in ("jose", "JOSE", "José", "  josé ", "jos"):
        assert auth.login(typed, "808090").name == "José"


def test_unknown_name_and_wrong_pin_look_the_same(db, room):
    with pytest.raises(AuthFailed) as unknown:
        auth.login("Niemand", "135724")
    with pytest.raises(AuthFailed) as wrong:
        auth.login("Vera", "9999")
    assert unknown.value.key == wrong.value.key == "error.login_failed"
    assert unknown.value.params == wrong.value.params == {}
    assert str(unknown.value) == str(wrong.value)
    assert "Niemand" not in str(unknown.value)


def test_inactive_account_cannot_log_in(db, room):
    Account.update(active=False).where(Account.name == "Vera").execute()
    with pytest.raises(AuthFailed) as info:
        auth.login("Vera", "135724")
    assert info.value.key == "error.login_failed"


# --- lockout ---------------------------------------------------------------------------------

def _fail(name: str, times: int) -> list[AuthFailed]:
    errors = []
    for _ in range(times):
        with pytest.raises(AuthFailed) as info:
            auth.login(name, "0000")
        errors.append(info.value)
    return errors


def test_five_wrong_pins_lock_for_a_growing_delay(db, room, clock):
    assert settings.get_int("pin_attempts") == 5
    errors = _fail("Vera", 5)
    # The attempt that locks says what a wrong PIN says: the lock tells nobody the name exists.
    assert [e.key for e in errors] == ["error.login_failed"] * 5
    vera = Account.get(Account.name == "Vera")
    first_lock = vera.locked_until - clock.now
    assert first_lock == dt.timedelta(minutes=settings.get_int("lock_base_minutes"))
    assert AuditLog.select().where(AuditLog.action == "login.locked",
                                   AuditLog.entity_id == vera.id).count() == 1

    # During the lock even the right PIN is refused, with the wrong PIN's message; it is audited.
    clock.advance(seconds=30)
    with pytest.raises(AuthFailed) as info:
        auth.login("Vera", "135724")
    assert info.value.key == "error.login_failed" and info.value.params == {}
    assert AuditLog.select().where(AuditLog.action == "login.while_locked",
                                   AuditLog.entity_id == vera.id).count() == 1

    # The lock passes; five more wrong PINs in a row lock for longer.
    clock.advance(seconds=31)
    errors = _fail("Vera", 5)
    assert all(e.key == "error.login_failed" for e in errors)
    second_lock = Account.get(Account.name == "Vera").locked_until - clock.now
    assert second_lock > first_lock
    assert second_lock == dt.timedelta(minutes=2)

    # After that lock, the right PIN works and clears the counters.
    clock.advance(minutes=2, seconds=1)
    assert auth.login("Vera", "135724").name == "Vera"
    vera = Account.get(Account.name == "Vera")
    assert (vera.failed_pins, vera.lockouts, vera.locked_until) == (0, 0, None)


def test_lock_lasts_until_its_end(db, room, clock):
    _fail("Vera", 5)
    clock.advance(seconds=59)
    with pytest.raises(AuthFailed) as info:
        auth.login("Vera", "135724")
    assert info.value.key == "error.login_failed"
    clock.advance(seconds=2)
    assert auth.login("Vera", "135724").name == "Vera"


def test_wrong_pins_do_not_count_across_a_good_login(db, room, clock):
    _fail("Vera", 4)
    auth.login("Vera", "135724")
    errors = _fail("Vera", 4)
    assert all(e.key == "error.login_failed" for e in errors)
    assert Account.get(Account.name == "Vera").locked_until is None


def test_lock_delay_doubles_up_to_the_maximum(db):
    settings.put("lock_base_minutes", 2)
    settings.put("lock_max_minutes", 30)
    assert [auth.lock_minutes(n) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


def test_lockout_follows_the_settings(db, room, clock):
    settings.put("pin_attempts", 3)
    settings.put("lock_base_minutes", 10)
    _fail("Vera", 3)
    vera = Account.get(Account.name == "Vera")
    assert vera.locked_until - clock.now == dt.timedelta(minutes=10)


def test_coordinator_can_unlock(db, room, clock):
    _fail("Vera", 5)
    vera_id = Account.get(Account.name == "Vera").id
    info = auth.unlock(room["coordinator"], vera_id)
    assert info.locked_until is None
    assert auth.login("Vera", "135724").name == "Vera"
    line = AuditLog.select().where(AuditLog.action == "account.unlock").get()
    assert (line.account_id, line.entity_id) == (room["coordinator"].account_id, vera_id)


def test_unlock_as_admin_by_name(db, room, clock):
    _fail("Vera", 5)
    auth.unlock_as_admin("vera")
    assert auth.login("Vera", "135724").name == "Vera"


# --- roles -----------------------------------------------------------------------------------

def test_volunteer_is_refused_coordinator_services(db, room, clock):
    volunteer = room["volunteer"]
    coby_id = Account.get(Account.name == "Coby").id
    _fail("Coby", 5)
    before = Account.select().count()
    audit_before = AuditLog.select().count()

    with pytest.raises(NotAllowed) as info:
        auth.create_account(volunteer, "Wim", "coordinator", "826419")
    assert info.value.key == "error.coordinator_only"
    with pytest.raises(NotAllowed):
        auth.unlock(volunteer, coby_id)
    with pytest.raises(NotAllowed):
        auth.list_accounts(volunteer)

    assert Account.select().count() == before
    assert Account.get_by_id(coby_id).locked_until is not None
    assert AuditLog.select().count() == audit_before


def test_nobody_logged_in_is_refused(db, room):
    with pytest.raises(NotAllowed) as info:
        auth.list_accounts(None)
    assert info.value.key == "error.not_logged_in"
    with pytest.raises(NotAllowed):
        auth.create_account(None, "Wim", "volunteer", "826419")


def test_coordinator_lists_and_creates_accounts(db, room):
    coordinator = room["coordinator"]
    created = auth.create_account(coordinator, "Wim", "coordinator", "826419", language="en")
    assert (created.name, created.role, created.language) == ("Wim", "coordinator", "en")
    assert [a.name for a in auth.list_accounts(coordinator)] == ["Coby", "Vera", "Wim"]
    assert auth.login("wim", "826419").is_coordinator


def test_unknown_role_and_language_are_refused(db, room):
    with pytest.raises(InvalidInput) as info:
        auth.create_account(room["coordinator"], "Wim", "admin", "826419")
    assert info.value.field == "role"
    with pytest.raises(InvalidInput) as info:
        auth.create_account(room["coordinator"], "Wim", "volunteer", "826419", language="de")
    assert info.value.field == "language"


@pytest.mark.parametrize("name", ["Vera", "vera", "VÉRA", "  Vera  "])
def test_duplicate_name_is_refused(db, room, name):
    before = Account.select().count()
    with pytest.raises(InvalidInput) as info:
        auth.create_account(room["coordinator"], name, "volunteer", "824691")
    assert info.value.key == "error.name_taken"
    assert Account.select().count() == before


def test_empty_or_long_name_is_refused(db, room):
    for name, key in (("   ", "error.name_empty"), ("x" * 61, "error.name_long")):
        with pytest.raises(InvalidInput) as info:
            auth.create_account(room["coordinator"], name, "volunteer", "824691")
        assert info.value.key == key


def test_first_coordinator_only_once(db):
    assert not auth.has_coordinator()
    auth.create_first_coordinator("Coby", "246813")
    assert auth.has_coordinator()
    with pytest.raises(NotAllowed) as info:
        auth.create_first_coordinator("Kees", "815100")
    assert info.value.key == "error.already_set_up"
    assert not Account.select().where(Account.name == "Kees").exists()


def test_anyone_may_choose_their_own_language(db, room):
    session = auth.set_language(room["volunteer"], "en")
    assert session.language == "en"
    assert Account.get(Account.name == "Vera").language == "en"
    with pytest.raises(InvalidInput):
        auth.set_language(room["volunteer"], "fr")


def test_a_locked_account_costs_the_same_argon2_verify_as_a_wrong_pin(db, room, clock, monkeypatch):
    _fail("Vera", 5)
    verified = []
    real = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda pin_hash, pin: verified.append(pin_hash) or real(pin_hash, pin))
    with pytest.raises(AuthFailed):
        auth.login("Vera", "135724")
    assert verified == [auth._dummy_hash()]  # the same hash an unknown name is checked against


def test_signing_counts_toward_the_lockout_and_is_refused_while_locked(db, room, clock):
    coby = room["coordinator"]
    for _ in range(settings.get_int("pin_attempts")):
        assert not auth.verify_own_pin(coby, "0000")
    account = Account.get(Account.name == "Coby")
    assert account.locked_until is not None
    assert not auth.verify_own_pin(coby, "246813")  # the right PIN, but locked
    assert AuditLog.select().where(AuditLog.action == "sign.while_locked").count() == 1
    clock.advance(minutes=2)
    assert auth.verify_own_pin(coby, "246813")


def test_quitting_the_locked_desk_needs_a_coordinators_pin(db, room):
    assert auth.is_coordinator_pin("coby", "246813")
    assert not auth.is_coordinator_pin("coby", "2469")
    assert not auth.is_coordinator_pin("vera", "135724")  # a volunteer
    assert not auth.is_coordinator_pin("nobody", "246813")
    assert Account.get(Account.name == "Coby").failed_pins == 1
