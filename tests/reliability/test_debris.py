"""What a kill -9 leaves half-written is removed at the next start or backup, and nothing else.

A child process takes a backup and is killed after the copy, before its check: the
``bwk-....sqlite3.partial`` stays behind. Once it is older than kernel.files.DEBRIS_AGE_SECONDS (a
desk on the same database could still be writing a fresh one) the next start removes it, as
it removes a closing report's ``.partial`` and write_atomically's ``.NAME.XXXX.partial``; files
with other names, and fresh temporaries, are left alone.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bwk_tui.services.kernel.files import DEBRIS_AGE_SECONDS
from reliability_desk import set_up_room

pytestmark = pytest.mark.reliability

KILLED_BACKUP = """
import sys, time
from bwk_tui.services.room import backup, open_ready
open_ready(sys.argv[1])
def stuck(path):
    print("copied", path, flush=True)
    time.sleep(120)
backup.verify_file = stuck
backup.take_backup()
"""


def _age(path, seconds=DEBRIS_AGE_SECONDS + 60):
    old = time.time() - seconds
    os.utime(path, (old, old))


def _kill_a_backup_midway(path):
    child = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(path)], stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().split()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert line[:1] == ["copied"], line
    return path.parent / "backups", line[1]


def test_a_killed_backup_leaves_a_partial_that_the_next_start_removes(tmp_path, clock):
    from bwk_tui.services.room import open_ready

    path = tmp_path / "bwk.sqlite3"
    set_up_room(path, clock)
    backups, partial = _kill_a_backup_midway(path)
    assert [p.name for p in backups.iterdir()] == [os.path.basename(partial)]
    assert partial.endswith(".sqlite3.partial") and os.path.getsize(partial) > 0

    open_ready(str(path)).db.close()
    assert os.path.exists(partial), "a fresh partial may be another desk's backup in progress"

    closings = tmp_path / "afsluitingen"
    closings.mkdir()
    report = closings / "afsluiting-1-2026-06-10.txt.partial"
    temporary = closings / ".export.csv.abc123.partial"
    theirs = [closings / "afsluiting-1-2026-06-10.txt", closings / "notities.partial", backups / "mijn.sqlite3"]
    for each in (report, temporary, *theirs):
        each.write_text("x")
        _age(each)
    _age(partial)
    fresh = backups / "bwk-20260610-120000.sqlite3.partial"
    fresh.write_text("being written")

    open_ready(str(path)).db.close()
    assert not os.path.exists(partial) and not report.exists() and not temporary.exists()
    assert fresh.exists() and all(p.exists() for p in theirs)


def test_the_next_backup_removes_a_killed_backups_partial(tmp_path, clock):
    from bwk_tui.services.room import backup
    from db import open_database

    path = tmp_path / "bwk.sqlite3"
    set_up_room(path, clock)
    backups, partial = _kill_a_backup_midway(path)
    _age(partial)

    db = open_database(str(path))  # opened without the start's clean-up: the backup must do it
    db.connect(reuse_if_open=True)
    try:
        assert os.path.exists(partial)
        made = backup.take_backup()
    finally:
        db.close()
    assert not os.path.exists(partial)
    assert [p.name for p in backups.iterdir()] == [made.path.name]
