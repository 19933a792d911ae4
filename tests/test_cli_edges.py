"""Out-of-range periods and bytes that are not UTF-8 end in a plain message (issue 21),
through the real entry point, never the last-resort "Er ging iets mis"."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test_cli import bwk, init


@pytest.fixture
def dbfile(tmp_path) -> str:
    path = str(tmp_path / "room.sqlite3")
    assert init(path).returncode == 0
    return path


@pytest.mark.parametrize("args", [
    ["report", "--period", "9999-Q4"], ["report", "--period", "0000-01"], ["report", "--period", "0000"],
    ["report", "--from", "0001-01-01"], ["report", "--to", "9999-12-31"],
    ["roster", "hours", "--month", "0000-01"], ["roster", "hours", "--month", "9999-12"],
    ["roster", "week", "--week", "9999-W52"], ["roster", "week", "--week", "0000-W01"],
])
def test_out_of_range_periods_are_plain_usage_errors(dbfile, args):
    result = bwk("--db", dbfile, *args)
    assert result.returncode in (1, 2), result.stderr
    assert "Er ging iets mis" not in result.stderr and result.stderr.strip()


def test_bytes_that_are_not_utf8_are_a_plain_message(dbfile):
    result = subprocess.run([os.fsencode(sys.executable), b"-m", b"bwk_tui", b"--db", os.fsencode(dbfile),
                             b"report", b"--period", b"2026-\xff\xfe"], capture_output=True, timeout=120)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2
    assert "Traceback" not in stderr and "Er ging iets mis" not in stderr
    assert "geen UTF-8" in stderr
