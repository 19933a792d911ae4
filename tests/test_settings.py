"""Settings of the room, stored in the database (services/settings.py), on both backends."""
from __future__ import annotations

import pytest

from db import write
from db.connection import make_database
from db.models import Setting

from bwk_tui.services.room import settings


def test_defaults_when_nothing_is_stored(db):
    assert Setting.select().count() == 0
    assert settings.get("idle_lock_minutes") == "3"
    assert settings.get_int("backup_keep") == 30
    assert settings.get_int("pin_attempts") == 5
    assert settings.get("language") == "nl"
    assert settings.get("room_name") == ""


def test_put_then_get_and_overwrite(db):
    settings.put("backup_keep", 12)
    assert settings.get("backup_keep") == "12"
    assert settings.get_int("backup_keep") == 12
    settings.put("backup_keep", "7")  # an upsert, not a second row
    assert settings.get_int("backup_keep") == 7
    assert Setting.select().where(Setting.key == "backup_keep").count() == 1


def test_unknown_key_is_refused(db):
    with pytest.raises(KeyError):
        settings.put("no_such_setting", 1)
    with pytest.raises(KeyError):
        settings.get("no_such_setting")
    assert Setting.select().count() == 0


def test_unreadable_numbers_fall_back_to_the_default(db):
    settings.put("idle_lock_minutes", "soon")
    assert settings.get_int("idle_lock_minutes") == 3
    assert settings.get_float("idle_lock_minutes") == 3.0
    settings.put("idle_lock_minutes", "0.5")
    assert settings.get_float("idle_lock_minutes") == 0.5
    settings.put("idle_lock_minutes", "-1")
    assert settings.get_float("idle_lock_minutes") == 3.0  # not positive: the default
    settings.put("idle_lock_minutes", "0")
    assert settings.get_float("idle_lock_minutes") == 3.0


def test_settings_are_shared_with_another_connection(db, db_url):
    settings.put("idle_lock_minutes", 9)
    other = make_database(db_url)
    try:
        other.connect()
        value = other.execute_sql("SELECT value FROM setting WHERE key = 'idle_lock_minutes'").fetchone()[0]
        assert value == "9"
    finally:
        other.close()


def test_put_inside_a_failed_write_is_undone(db):
    settings.put("backup_keep", 5)
    with pytest.raises(RuntimeError):
        with write():
            settings.put("backup_keep", 99)
            raise RuntimeError("rollback")
    assert settings.get_int("backup_keep") == 5
