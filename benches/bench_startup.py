"""Time from starting `bwk` on the large demo database until the login screen is drawn,
beside a bare Textual app measured the same way in the same run; and peak memory."""
from __future__ import annotations

import sys

from common import ROOT, large_demo_db, median, report, run_in_terminal

RUNS = 7


def main() -> None:
    db = large_demo_db()
    bwk = [sys.executable, "-m", "bwk_tui", "--db", str(db)]
    bare = [sys.executable, str(ROOT / "benches" / "bare_app.py")]
    marker = b"Inloggen"  # the login button; drawn with the login screen
    run_in_terminal(bwk, marker)  # warm the file cache and .pyc files once
    run_in_terminal(bare, marker)
    app_times, app_mem, bare_times, bare_mem = [], [], [], []
    for _ in range(RUNS):  # interleaved, so drift on the machine hits both alike
        seconds, rss = run_in_terminal(bare, marker)
        bare_times.append(seconds * 1000)
        bare_mem.append(rss / 1024)
        seconds, rss = run_in_terminal(bwk, marker)
        app_times.append(seconds * 1000)
        app_mem.append(rss / 1024)
    print(f"startup on {db} (median of {RUNS})")
    report("bwk start -> login screen drawn", median(app_times), median(bare_times), "ms", goal=1.5)
    report("bwk peak memory (RSS)", max(app_mem), max(bare_mem), "MiB")


if __name__ == "__main__":
    main()
