"""Two and four desks writing the same SQLite file at once, for a bounded time.

No caller may see "database is locked" (or any error that is not a refusal by the rules), no
receipt number may be handed out twice, no person may have two open visits; everything each
desk acknowledged must be there, and `bwk check` must pass.
"""
from __future__ import annotations

import collections

import pytest

from reliability_desk import SOAK, bwk_check, check_database, read_acks, set_up_room, start_writer

pytestmark = pytest.mark.reliability

SECONDS = 60 if SOAK else 6


@pytest.mark.parametrize("desks", [2, 4])
def test_desks_writing_one_file_at_once(desks, tmp_path, clock):
    path = tmp_path / "bwk.sqlite3"
    set_up_room(path, clock)
    logs = [tmp_path / f"acks-{n}.jsonl" for n in range(desks)]
    writers = [start_writer(path, log, seed=100 + n, seconds=SECONDS) for n, log in enumerate(logs)]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
    for writer in writers:
        out, err = writer.communicate(timeout=SECONDS + 120)
        assert writer.returncode == 0, (err, [r for log in logs for r in read_acks(log) if "error" in r])
    rows = [row for log in logs for row in read_acks(log)]
    assert not check_database(path, rows)
    assert bwk_check(path) == 0
    kinds = collections.Counter(row.get("kind") for row in rows)
    print(f"\nreliability: {desks} desks for {SECONDS} s on one file, no error reached a caller: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    assert kinds["cash"] and kinds["visit"], kinds
