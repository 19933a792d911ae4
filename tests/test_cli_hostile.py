"""Hostile arguments through bwk's real entry point (issue 19): whatever is typed, bwk answers
with exit 0, 1 or 2, in plain words, never a traceback or the last-resort message, and changes
no file outside its temporary folder."""
from __future__ import annotations

import collections
import contextlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bwk_tui.cli import main

LAST_RESORT = ("Er ging iets mis dat niet had mogen gebeuren", "Something went wrong that should not have")
ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
RUNS: collections.Counter = collections.Counter()

WORDS = ["", " ", "x" * 5000, "a\0b", "\udcff", "\ud800", "Co\udcffby", "-1", "-99999999999999999999",
         "99999999999999999999", "0", "2026-02-30", "2026-13-01", "2026-13", "2026-00", "2026-W99", "2026-W00",
         "2026-W53", "9999-W52", "0000-01", "2026-Q9", "2026-Q0", "%s%n{0}", "'; DROP TABLE account;--",
         "١٢٣", "Coby", "coby", "🙂", "\u202eevil", "--", "-", "nl", "en", "idle_lock_minutes", "backup_keep",
         "housing_corporations", "1e309", "nan"]
URLS = ["postgresql://u@127.0.0.1:99999/x", "postgresql://u@127.0.0.1:1/x", "postgresql://u@127.0.0.1:0/x",
        "postgresql://u@[::1/x", "postgres://u@127.0.0.1:abc/x", "postgresql://", "sqlite://", "sqlite:///",
        "ftp://x/y", "mysql://127.0.0.1/x", "c:/x"]


def _paths(base: Path) -> list[str]:
    """Paths of every kind, all made inside ``base`` (plus stdout and the unwritable /proc)."""
    (base / "folder").mkdir()
    os.mkfifo(base / "fifo")
    (base / "file.txt").write_text("van iemand anders\n")
    (base / "junk.sqlite3").write_bytes(b"geen database" * 100)
    (base / "link-file").symlink_to(base / "file.txt")
    (base / "dangling").symlink_to(base / "nowhere" / "x.csv")
    (base / "loop").symlink_to(base / "loop")
    (base / "link-fifo").symlink_to(base / "fifo")
    found = [str(base / name) for name in ("folder", "fifo", "file.txt", "junk.sqlite3", "link-file", "dangling",
                                            "loop", "link-fifo")]
    if IS_ROOT:
        os.mknod(base / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        (base / "link-null").symlink_to(base / "null")
        found += [str(base / "null"), str(base / "link-null")]
    found += [str(base / "new.csv"), str(base / "no" / "such" / "dir" / "x"), str(base / "fifo" / "x"),
              str(base / ("n" * 300)), "-", "/dev/stdout", "/proc", "/proc/nope/x", str(base / "out.xlsx")]
    return found


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """A temporary world: its own HOME, data and log folders, a ready database to copy, hostile paths."""
    base = tmp_path_factory.mktemp("hostile")
    template = base / "template.sqlite3"
    made = subprocess.run([sys.executable, "-m", "bwk_tui", "--db", str(template), "init", "--coordinator", "Coby",
                           "--pin-stdin", "--room", "De Kameleon"], input="246813\n", text=True, capture_output=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    paths = base / "paths"
    paths.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            mp.setenv(name, str(base / "home" / name.lower()))
        mp.delenv("BWK_DB", raising=False)
        mp.chdir(paths)
        yield {"base": base, "template": template, "paths": _paths(paths)}


def watched() -> dict:
    """What must not change: the system's own special files and this repository's files."""
    state = {}
    for name in ("/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/fd"):
        if os.path.lexists(name):
            st_ = os.lstat(name)
            state[name] = (st_.st_ino, st_.st_mode, st_.st_rdev)
    for folder in ("bwk_tui", "db", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if "__pycache__" not in path.parts and path.is_file():
                st_ = path.stat()
                state[str(path)] = (st_.st_ino, st_.st_size, st_.st_mtime_ns)
    for name in ("pyproject.toml", "Makefile", "README.md"):
        st_ = (ROOT / name).stat()
        state[name] = (st_.st_ino, st_.st_size, st_.st_mtime_ns)
    return state


def commands(word, path):
    """Every subcommand (not the app itself, which needs a terminal), its slots filled hostilely."""
    fmt = st.sampled_from(["table", "csv", "md", "xlsx", "journal", "", "pdf"])
    out = st.one_of(path, word)
    return st.one_of(
        st.tuples(st.just("init"), st.lists(st.sampled_from(["--coordinator", "--pin-stdin", "--room"]), max_size=3),
                  word).map(lambda t: ["init", *[x for flag in t[1] for x in ([flag] if flag == "--pin-stdin"
                                                                                 else [flag, t[2]])]]),
        st.tuples(word, st.sampled_from(["volunteer", "coordinator", "boss", ""]), word).map(
            lambda t: ["user", "add", t[0], "--role", t[1], "--language", t[2] if t[2] in ("nl", "en") else "nl",
                       "--pin-stdin"]),
        word.map(lambda w: ["user", "unlock", w]),
        st.tuples(st.sampled_from(["--from", "--to", "--period"]), word, fmt, st.none() | out).map(
            lambda t: ["report", t[0], t[1], "--format", t[2]] + (["--out", t[3]] if t[3] is not None else [])),
        st.tuples(fmt, st.none() | out).map(
            lambda t: ["cash", "export", "--format", t[0]] + (["--out", t[1]] if t[1] is not None else [])),
        st.none().map(lambda _: ["backup"]) | out.map(lambda p: ["backup", "--to", p]),
        out.map(lambda p: ["restore", p]),
        st.lists(word, max_size=2).map(lambda ws: ["settings", *ws]),
        st.tuples(st.sampled_from(["propose", "scores", "nope"]), fmt).map(lambda t: ["match", t[0], "--format", t[1]]),
        st.tuples(word, fmt, st.none() | out).map(
            lambda t: ["roster", "week", "--week", t[0], "--format", t[1]] + (["--out", t[2]] if t[2] else [])),
        st.tuples(word, fmt, st.none() | out).map(
            lambda t: ["roster", "hours", "--month", t[0], "--format", t[1]] + (["--out", t[2]] if t[2] else [])),
        st.tuples(word, word, st.none() | out).map(
            lambda t: ["roster", "statement", t[0], "--month", t[1]] + (["--out", t[2]] if t[2] else [])),
        st.tuples(st.integers(-2**70, 2**70).map(str) | word, st.sampled_from(["small", "huge"])).map(
            lambda t: ["demo", "--seed", t[0], "--scale", t[1]]),
        st.just(["check"]),
    )


def run(argv: list[str], stdin: str, language: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_stdin, old_lang = sys.stdin, os.environ.get("BWK_LANG")
    sys.stdin = io.StringIO(stdin)
    os.environ["BWK_LANG"] = language
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: bad usage (2) or --help (0)
                code = 0 if exc.code is None else exc.code
    finally:
        sys.stdin = old_stdin
        if old_lang is None:
            os.environ.pop("BWK_LANG", None)
        else:
            os.environ["BWK_LANG"] = old_lang
    return code, out.getvalue(), err.getvalue()


def test_hostile_arguments_never_surprise(arena):
    paths = arena["paths"]
    word = st.sampled_from(WORDS) | st.text(max_size=30) | st.sampled_from(paths)
    path = st.sampled_from(paths) | st.sampled_from(URLS)
    before = watched()

    @settings(max_examples=int(os.environ.get("BWK_HOSTILE_EXAMPLES", "500")), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(command=commands(word, path),
           db=st.sampled_from(["fresh", "fresh", "fresh", "missing-new"]) | st.sampled_from(paths + URLS),
           stdin=st.sampled_from(["246813\n", "", "12ab\n", "123456789\n", "\udcff\n"]),
           language=st.sampled_from(["nl", "en"]),
           as_coordinator=st.booleans())
    def one(command, db, stdin, language, as_coordinator):
        work = Path(tempfile.mkdtemp(dir=arena["base"]))
        if db == "fresh":
            db = str(work / "room.sqlite3")
            shutil.copy(arena["template"], db)
        elif db == "missing-new":
            db = str(work / "new.sqlite3")
        if command[0] == "demo" and db == str(work / "new.sqlite3"):
            db = str(arena["template"])  # a real demo takes seconds: the refusals are what is tested here
        argv = ["--db", db, *command]
        if as_coordinator and command[0] not in ("init", "demo", "check"):
            argv += ["--as", "Coby", "--pin-stdin"]  # past the coordinator's door, to the command itself
        code, out, err = run(argv, stdin, language)
        RUNS[code] += 1
        RUNS["total"] += 1
        RUNS["not UTF-8 or NUL"] += any(ch == "\0" or "\ud800" <= ch <= "\udfff" for a in argv for ch in a)
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in out + err, (argv, err)
        assert not any(words in err for words in LAST_RESORT), (argv, err)
        shutil.rmtree(work, ignore_errors=True)

    one()
    assert watched() == before, "a file outside the temporary folder changed"
    fifo = next(p for p in paths if p.endswith("/fifo"))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    summary = ", ".join(f"exit {code}: {RUNS[code]}" for code in (0, 1, 2))
    summary += f"; with bytes that are not UTF-8 or NUL: {RUNS['not UTF-8 or NUL']}"
    print(f"\nhostile CLI runs: {RUNS['total']} ({summary})")
    (arena["base"] / "runs.txt").write_text(f"{RUNS['total']} {summary}\n")
