"""kill -9 of a desk in the middle of its writes: nothing acknowledged is lost, nothing half-made.

A child process (writer.py) registers persons, checks them in and out, books cash, puts
volunteers on shifts and closes days, all through the services, on one SQLite file. It is
killed with SIGKILL at a random moment, again and again: 30 times in `make test` (three tests
of 10, so that xdist can spread them), 500 in `make soak`. After each kill: integrity_check,
every acknowledged row present, no half-made entity, receipts 1..n, and `bwk check` passes.
"""
from __future__ import annotations

import collections
import random
import signal
import time

import pytest

from reliability_desk import SOAK, bwk_check, check_database, read_acks, set_up_room, start_writer

pytestmark = pytest.mark.reliability

ROUNDS = 10 if SOAK else 3
KILLS_PER_ROUND = 50 if SOAK else 10


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_kill_9_while_writing_loses_nothing_acknowledged(round_no, tmp_path, clock):
    path, acks = tmp_path / "bwk.sqlite3", tmp_path / "acks.jsonl"
    set_up_room(path, clock)
    rng = random.Random(round_no)
    kinds = collections.Counter()
    for kill in range(KILLS_PER_ROUND):
        writer = start_writer(path, acks, seed=round_no * 1000 + kill, seconds=60, closings=True)
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        time.sleep(rng.uniform(0.05, 0.8))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        rows = read_acks(acks)
        problems = check_database(path, rows)
        assert not problems, f"after kill {kill + 1}: {problems}"
        assert bwk_check(path) == 0, f"bwk check failed after kill {kill + 1}"
        writer.stdout.close()
        writer.stderr.close()
    kinds.update(row.get("kind") for row in read_acks(acks))
    print(f"\nreliability: {KILLS_PER_ROUND} kills, acknowledged rows all present: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    assert kinds["cash"] and kinds["person"] and kinds["visit"], kinds
