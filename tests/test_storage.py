"""A full or read-only disk is a message, never a stop (issue 21).

Needs root (a small tmpfs is mounted for each test and unmounted in a finally); skipped otherwise.
The first error is the one the user reads: never "cannot rollback - no transaction is active".
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bwk_tui.services.kernel.errors import BwkError

FULL = "De schijf is vol: er is niets opgeslagen. Maak ruimte en probeer opnieuw."


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        from db import database

        if database.obj is not None and not database.obj.is_closed():
            database.obj.close()
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _room(folder: Path):
    from bwk_tui.services import load_desks, room
    from bwk_tui.services.room import auth, open_ready

    load_desks()
    opened = open_ready(str(folder / "bwk.sqlite3"))
    room.set_up("De Kameleon", "Coby", "246813")
    return opened, auth.login("Coby", "246813")


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as out:  # unbuffered: a full disk fails the write, not the close
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def _book(session, n: int) -> None:
    from bwk_tui.services.cash import cash
    from db.models import CashCategory

    category = CashCategory.get(CashCategory.code == "donatie").id
    cash.add_entry(session, cash.IN, 100 + n, category, "x" * 200)


def test_a_full_disk_is_a_message_and_nothing_is_saved(small_disk, clock):
    from bwk_tui.services.cash import cash

    opened, coby = _room(small_disk)
    filler = _fill(small_disk)
    refusal = None
    before = cash.balance()
    for n in range(5000):
        try:
            _book(coby, n)
            before = cash.balance()
        except BwkError as exc:
            refusal = exc
            break
    assert refusal is not None, "the disk never filled up"
    assert refusal.message() == FULL
    assert "rollback" not in str(refusal.__cause__ or "")
    assert cash.balance() == before  # the refused booking left nothing behind
    filler.unlink()  # room made: the same desk goes on working
    _book(coby, 0)
    assert cash.balance() > before


def test_a_full_disk_through_the_command_line(small_disk):
    opened, _coby = _room(small_disk)
    opened.db.close()
    filler = _fill(small_disk)
    result = subprocess.run([sys.executable, "-m", "bwk_tui", "--db", str(small_disk / "bwk.sqlite3"), "user",
                             "add", "Vera" * 20, "--role", "volunteer", "--pin-stdin"], input="135724\n",
                            capture_output=True, text=True, timeout=120)
    filler.unlink()
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        pytest.skip("the account fitted in the database's free pages")
    assert result.returncode == 1
    assert FULL in result.stderr, result.stderr


def test_a_read_only_disk_says_exactly_why(small_disk, clock):
    from bwk_tui.services.room import auth, open_ready
    from bwk_tui.services.visitors import visits

    opened, _coby = _room(small_disk)
    opened.db.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        opened = open_ready(str(small_disk / "bwk.sqlite3"))
    except BwkError as exc:  # cannot even open: then the message says that it is read-only
        assert exc.key == "error.read_only", exc.message()
        return
    assert visits.who_is_in() == []  # reading works
    with pytest.raises(BwkError) as refused:
        auth.login("Coby", "246813")
    assert refused.value.key == "error.read_only"
    assert "alleen-lezen schijf" in refused.value.message()
