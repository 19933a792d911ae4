"""Encrypted beside plain (issue 12), on the large demo database, in the same run: the check-in
search keystroke, F2 opening and the year report, each on a plain copy and on a SQLCipher copy
under a random data key. Goal: each at most 1.3x plain. The login screen's start is unchanged by
design (bwk.keys is read; the database is opened at the login), see bench_startup."""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from common import coordinator, large_demo_db, median

from bwk_tui.services.kernel import clock

SAMPLE = 40


def _copies(source: Path, folder: Path) -> tuple[Path, Path, bytes]:
    from db import cipher
    from bwk_tui.services.room import keyslots

    plain = folder / "plain.sqlite3"
    shutil.copyfile(source, plain)
    encrypted = folder / "encrypted.sqlite3"
    key = keyslots.new_data_key()
    cipher.export(plain, None, encrypted, key)
    return plain, encrypted, key


def _measure(path: Path, key: bytes | None) -> dict[str, float]:
    import bench_visitors
    from bwk_tui.services.reports import reports
    from bwk_tui.services.room import open_ready
    from bwk_tui.services.visitors import persons
    from db.models import Person

    opened = open_ready(str(path), key=key)
    rng = random.Random(7)
    count = Person.select().count()
    names = [Person.get_by_id(rng.randint(1, count)).first_name for _ in range(SAMPLE)]
    prefixes = bench_visitors.typed_prefixes(names)
    for text in prefixes[:10]:  # warm the page cache the same way for both
        persons.search(text)
    service = []
    for text in prefixes:
        start = time.perf_counter()
        persons.search(text)
        service.append((time.perf_counter() - start) * 1000)
    opens, keystrokes = asyncio.run(bench_visitors.measure_ui(prefixes))
    year = clock.today().year
    period = clock.parse_period(str(year))
    session = coordinator()
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        reports.build_report(session, period)
        runs.append((time.perf_counter() - start) * 1000)
    opened.db.close()
    return {"search keystroke: service (median)": median(service),
            "search keystroke: query + list (median)": median(keystrokes),
            "F2 screen open (median)": median(opens),
            "year report (median of 5)": median(runs)}


def main() -> None:
    source = large_demo_db()
    with tempfile.TemporaryDirectory() as tmp:
        plain, encrypted, key = _copies(source, Path(tmp))
        print(f"encrypted beside plain on {source} ({os.path.getsize(plain) // 1024} kB)")
        first = _measure(plain, None)
        second = _measure(encrypted, key)
    for name, base in first.items():
        ratio = second[name] / base if base else float("nan")
        print(f"{name:44} plain {base:8.1f} ms  encrypted {second[name]:8.1f} ms  "
              f"ratio {ratio:4.2f}  goal <= 1.3: {'ok' if ratio <= 1.3 else 'OVER'}")


if __name__ == "__main__":
    main()
