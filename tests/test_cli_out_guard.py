"""`--out` is never the database or its companions (issue 21): through the real entry point,
every command that writes a file refuses the open database, its -wal/-shm, a backup in its
backups folder and the keyslot file, with a plain message and exit 1, and leaves it untouched."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from test_cli import bwk

PIN = "246813"
COORDINATOR = "Coby"

# Every command that takes --out, with the arguments it needs (besides --db and --out).
WRITERS = {
    "report": ["report", "--period", "2026-Q2", "--format", "csv"],
    "cash export": ["cash", "export"],
    "cash export journal": ["cash", "export", "--format", "journal"],
    "roster week": ["roster", "week", "--week", "2026-W48"],
    "roster hours": ["roster", "hours", "--month", "2026-11"],
    "roster statement": ["roster", "statement", "Coby", "--month", "2026-11"],
}


def command(dbfile: str, args: list[str], out: str) -> list[str]:
    """The command line of one call, as the coordinator (``run`` passes her PIN on stdin)."""
    return ["--db", dbfile, *args, "--out", out, "--as", COORDINATOR, "--pin-stdin"]


def run(dbfile: str, args: list[str], out: str):
    return bwk(*command(dbfile, args, out), stdin=PIN + "\n")


@pytest.fixture
def dbfile(tmp_path) -> str:
    """A room with a coordinator who is on the roster (for the statement), as a closed file."""
    from bwk_tui.services import room
    from bwk_tui.services.room import auth, open_ready
    from bwk_tui.services.roster.volunteers import ensure_profile

    path = str(tmp_path / "room.sqlite3")
    opened = open_ready(path)
    room.set_up("De Kameleon", "Coby", PIN)
    ensure_profile(auth.login("Coby", PIN))
    opened.db.close()
    return path


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _refused(result, target) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "hoort bij de database van bwk zelf" in result.stderr, result.stderr
    assert "Er ging iets mis" not in result.stderr


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_refuses_the_database_itself(dbfile, name):
    before = _digest(Path(dbfile))
    _refused(run(dbfile, WRITERS[name], dbfile), dbfile)
    assert _digest(Path(dbfile)) == before
    assert not [p for p in Path(dbfile).parent.iterdir() if p.name.endswith(".partial")]
    assert bwk("--db", dbfile, "check").returncode == 0  # still a sound database


@pytest.mark.parametrize("companion", ["-wal", "-shm", "keys", "backup", "symlink", "other spelling"])
def test_companions_are_refused(dbfile, companion, tmp_path):
    folder = Path(dbfile).parent
    if companion == "keys":
        target = Path(dbfile).with_suffix(".keys")  # the keyslot file of this database
    elif companion == "backup":
        assert bwk("--db", dbfile, "backup", "--as", COORDINATOR, "--pin-stdin", stdin=PIN + "\n").returncode == 0
        target = next((folder / "backups").iterdir())
    elif companion == "symlink":
        target = tmp_path / "export.csv"
        os.symlink(dbfile, target)
    elif companion == "other spelling":
        target = folder / "." / ".." / folder.name / "room.sqlite3"
    else:
        target = Path(dbfile + companion)
    before = _digest(target) if target.exists() else None
    _refused(run(dbfile, WRITERS["cash export"], str(target)), target)
    assert (_digest(target) if target.exists() else None) == before


def test_an_ordinary_file_beside_the_database_is_written(dbfile):
    out = Path(dbfile).with_name("kasboek.csv")
    result = run(dbfile, WRITERS["cash export"], str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
