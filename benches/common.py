"""Shared by the benchmarks: the large demo database and a way to time a terminal program."""
from __future__ import annotations

import os
import pty
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def coordinator():
    """A Session of the open database's first coordinator: the reports, hours and proposals
    that the benchmarks time are coordinator-only reads."""
    from db.models import Account
    from bwk_tui.services.room.auth import Session

    account = Account.select().where(Account.role == "coordinator").order_by(Account.id).first()
    return Session(account.id, account.name, account.role, account.language)


def large_demo_db() -> Path:
    """The benchmark database (`bwk demo --scale large`), made once and reused."""
    wanted = os.environ.get("BWK_BENCH_DB")
    if wanted:
        return Path(wanted)
    from db.connection import default_database_path

    # A plain (unencrypted) demo: the benchmarks compare against raw SQL through Python's sqlite3;
    # bench_encryption makes an encrypted copy of it to compare the two.
    path = default_database_path().with_name("bwk-bench-large.sqlite3")
    if not path.exists():
        print(f"making the large demo database at {path} (a few minutes, once)...", flush=True)
        script = ("import sys; from bwk_tui import demo; from bwk_tui.services.room import open_ready; "
                  "open_ready(sys.argv[1]); demo.build_demo(seed=1, scale='large')")
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def run_in_terminal(argv: list[str], marker: bytes, quit_keys: bytes = b"\x11", size=(100, 30),
                    timeout: float = 60.0) -> tuple[float, int]:
    """Start ``argv`` in a pseudo-terminal; return (seconds until ``marker`` is drawn, peak RSS in KiB)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])})
        os.execvp(argv[0], argv)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    start = time.perf_counter()
    seen = b""
    elapsed = None
    deadline = start + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
    if elapsed is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise RuntimeError(f"{argv} never drew {marker!r}")
    os.write(fd, quit_keys)
    end = time.perf_counter() + 10
    status = None
    while time.perf_counter() < end:
        try:
            os.read(fd, 65536) if select.select([fd], [], [], 0.05)[0] else None
        except OSError:
            pass
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            os.close(fd)
            return elapsed, usage.ru_maxrss
    os.kill(pid, 9)
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    return elapsed, usage.ru_maxrss


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(name: str, value: float, baseline: float, unit: str = "ms", goal: float | None = None) -> str:
    ratio = value / baseline if baseline else float("inf")
    line = f"{name:<44} {value:9.1f} {unit}   baseline {baseline:9.1f} {unit}   ratio {ratio:5.2f}x"
    if goal is not None:
        line += f"   (goal <= {goal}x: {'ok' if ratio <= goal else 'OVER'})"
    print(line, flush=True)
    return line
