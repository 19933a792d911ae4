"""Issue 19, "Geen verrassingen": bwk never replaces what it does not own, never blocks on a
path, and every mistake a user can make gets its own sentence (never the last-resort one)."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import rawdb

from bwk_tui.cli import main
from bwk_tui.i18n import set_language
from bwk_tui.services.kernel import money
from bwk_tui.services.kernel.errors import InvalidInput

LAST_RESORT = ("Er ging iets mis dat niet had mogen gebeuren", "Something went wrong that should not have")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


DOOR = {"report", "match", "roster", "cash", "user", "settings", "backup", "restore"}  # coordinator's commands


def bwk(*args, stdin: str = "", env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m bwk_tui` as a user runs `bwk`, as Coby for the coordinator's commands (these tests
    are about what comes after that door); a hang fails the test after ``timeout`` seconds."""
    words = [a for a in args if not a.startswith("-")]
    command = words[1] if args and args[0] == "--db" and len(words) > 1 else (words[0] if words else "")
    if command in DOOR and "--as" not in args:
        args, stdin = (*args, "--as", "Coby", "--pin-stdin"), "246813\n" + stdin
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-m", "bwk_tui", *args], input=stdin.encode(), capture_output=True,
                            env=full_env, timeout=timeout)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and not any(words in err for words in LAST_RESORT), err
    return result


@pytest.fixture(scope="module")
def room_db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("room") / "room.sqlite3")
    result = bwk("--db", path, "init", "--coordinator", "Coby", "--pin-stdin", stdin="246813\n")
    assert result.returncode == 0
    return path


def snapshot(path: Path):
    st = os.lstat(path)
    return (st.st_ino, st.st_mode, st.st_rdev, st.st_size, os.readlink(path) if stat.S_ISLNK(st.st_mode) else None)


AS_COBY = ("--as", "Coby", "--pin-stdin")  # Coby's PIN comes from the coby_pin fixture


@pytest.fixture(autouse=True)
def _coby_answers(coby_pin):
    """Every --pin-stdin read gets Coby's PIN: these tests are about what comes after the door."""


OUT_COMMANDS = [
    ["report"], ["report", "--format", "xlsx"], ["cash", "export"], ["cash", "export", "--format", "journal"],
    ["roster", "week"], ["roster", "hours"], ["roster", "statement", "Coby"],
]


@pytest.fixture
def targets(tmp_path):
    """/dev/null-like things in a temporary folder (a device node only as root)."""
    made = {}
    os.mkfifo(tmp_path / "fifo")
    made["fifo"] = tmp_path / "fifo"
    if IS_ROOT:
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
        made["device"] = tmp_path / "null"
        (tmp_path / "link-to-null").symlink_to(tmp_path / "null")
        made["link to device"] = tmp_path / "link-to-null"
    (tmp_path / "folder").mkdir()
    made["folder"] = tmp_path / "folder"
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    made["symlink loop"] = tmp_path / "loop"
    return made


@pytest.mark.parametrize("command", OUT_COMMANDS, ids=" ".join)
def test_out_never_replaces_a_device_fifo_or_folder(room_db, targets, command, capsys):
    for what, target in targets.items():
        before = snapshot(target)
        assert main(["--db", room_db, *command, "--out", str(target), *AS_COBY]) == 1, what
        err = capsys.readouterr().err
        assert not any(words in err for words in LAST_RESORT)
        if what == "symlink loop":  # found when writing: a refusal before it (no such volunteer) is fine
            assert "verwijzen in een kring" in err or command[-1] == "Coby"
        else:
            assert f"{target} is een " in err and "geen gewoon bestand" in err, err
        assert snapshot(target) == before, f"{what} was changed"
        assert sorted(p.name for p in target.parent.iterdir()) == sorted(t.name for t in targets.values())


@pytest.mark.skipif(not IS_ROOT, reason="a device node needs root")
def test_out_dev_null_like_as_root_through_the_real_command(room_db, targets):
    device = targets["device"]
    before = snapshot(device)
    result = bwk("--db", room_db, "report", "--out", str(device))
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (f"{device} is een apparaat, geen gewoon bestand: bwk schrijft er niet "
                                              "in en vervangt het niet. Kies een bestandsnaam, of - voor het scherm.")
    assert snapshot(device) == before and stat.S_ISCHR(os.lstat(device).st_mode)
    english = bwk("--db", room_db, "report", "--out", str(device), env={"BWK_LANG": "en"})
    assert english.returncode == 1 and "is a device, not a regular file" in english.stderr.decode()


def test_a_fifo_as_out_is_refused_at_once_not_opened(room_db, targets):
    start = time.monotonic()
    result = bwk("--db", room_db, "cash", "export", "--out", str(targets["fifo"]), timeout=30)
    assert result.returncode == 1 and "een pipe (FIFO)" in result.stderr.decode()
    assert time.monotonic() - start < 30 and stat.S_ISFIFO(os.lstat(targets["fifo"]).st_mode)


def test_a_symlink_is_followed_and_its_target_written(room_db, tmp_path, capsys):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "new.csv")
    assert main(["--db", room_db, "cash", "export", "--out", str(link), *AS_COBY]) == 0
    assert main(["--db", room_db, "roster", "week", "--out", str(dangling), *AS_COBY]) == 0
    assert link.is_symlink() and real.read_text().startswith("date,receipt")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # an existing file keeps its rights
    assert dangling.is_symlink() and (tmp_path / "new.csv").read_text().startswith("Rooster week")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.csv", "link.csv", "new.csv", "real.csv"]


@pytest.mark.parametrize("out", ["-", "/dev/stdout"])
@pytest.mark.parametrize("command, start", [(["report"], "Buurtwerkkamer"), (["cash", "export"], "date,receipt"),
                                            (["roster", "week"], "Rooster week"), (["roster", "hours"], "")])
def test_dash_and_dev_stdout_mean_standard_output(room_db, out, command, start, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--db", room_db, *command, "--out", out, *AS_COBY]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(start) and captured.out
    assert list(tmp_path.iterdir()) == []  # no file called "-"
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)


def test_xlsx_to_standard_output_is_bad_usage(room_db, capsys):
    assert main(["--db", room_db, "report", "--format", "xlsx", "--out", "-", *AS_COBY]) == 2
    assert "xlsx" in capsys.readouterr().err


# --- paths that would block ------------------------------------------------------------------


def test_fifos_and_devices_as_database_restore_file_or_backup_folder(room_db, targets):
    fifo = str(targets["fifo"])
    cases = [
        (["--db", fifo, "check"], "is geen gewoon bestand (maar bijvoorbeeld een pipe of een apparaat)"),
        (["--db", fifo, "demo"], "is geen gewoon bestand"),
        (["--db", room_db, "restore", fifo], "is een pipe (FIFO), geen reservekopie"),
        (["--db", room_db, "backup", "--to", fifo], "is een pipe (FIFO), geen map"),
    ]
    if IS_ROOT:
        cases += [(["--db", str(targets["device"]), "check"], "is geen gewoon bestand"),
                  (["--db", room_db, "restore", str(targets["device"])], "is een apparaat, geen reservekopie")]
    for args, words in cases:
        result = bwk(*args, timeout=30)
        assert result.returncode == 1 and words in result.stderr.decode(), (args, result.stderr)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# --- each error of the issue, its own sentence -----------------------------------------------


def test_each_error_of_the_issue_gets_its_own_sentence(room_db, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    cases = [
        (["--db", "postgresql://u@127.0.0.1:99999/bwk", "check"], 1,
         "In postgresql://u@127.0.0.1:99999/bwk staat een poort die niet kan: een poort is een getal van 1 tot 65535."),
        (["--db", "postgresql://u@127.0.0.1:1/bwk", "report"], 1,
         "Op 127.0.0.1:1 antwoordt geen databaseserver. Staat de server aan, en kloppen het adres en de poort?"),
        (["--db", "postgresql://u@[::1/bwk", "check"], 1, "postgresql://u@[::1/bwk is geen leesbaar adres van een database."),
        (["--db", str(folder), "demo"], 1, f"{folder} is een map, geen databasebestand."),
        (["--db", room_db, "backup", "--to", "/proc"], 1,
         "De reservekopie kan niet worden geschreven in /proc: in deze map kan geen bestand worden gemaakt"),
        (["--db", room_db, "backup", "--to", str(tmp_path / "file")], 1,
         f"{tmp_path / 'file'} is een bestand, geen map: geef met --to een map voor de reservekopie."),
    ]
    (tmp_path / "file").write_text("x")
    for args, code, message in cases:
        result = bwk(*args)
        assert (result.returncode, result.stderr.decode().strip()) == (code, message)


def test_bytes_that_are_not_utf8_are_bad_usage(room_db):
    result = subprocess.run([sys.executable, "-m", "bwk_tui", "--db", room_db, "user", "unlock", b"Co\xffby"],
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode() == ("Argument 5 (Co\\xffby) bevat tekens die geen UTF-8 zijn. Typ het opnieuw, "
                                      "of geef het bestand een naam met gewone letters.\n")
    path = subprocess.run([sys.executable, "-m", "bwk_tui", "--db", room_db, "report", "--out", b"/tmp/\xfe.csv"],
                          capture_output=True, timeout=60, env={**os.environ, "BWK_LANG": "en"})
    assert path.returncode == 2 and b"not UTF-8" in path.stderr and not os.path.exists(b"/tmp/\xfe.csv")


def test_nul_in_an_argument_is_bad_usage(room_db, capsys):
    assert main(["--db", room_db, "user", "unlock", "Co\0by"]) == 2
    assert capsys.readouterr().err == "Argument 5 bevat een NUL-teken; dat kan geen naam, pad of waarde zijn.\n"


def test_two_backups_at_once_both_succeed_with_their_own_names(room_db, tmp_path):
    folder = tmp_path / "kopie"
    runs = [subprocess.Popen([sys.executable, "-m", "bwk_tui", "--db", room_db, "backup", "--to", str(folder),
                              *AS_COBY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)]
    for run in runs:  # every PIN first, so that the three backups really run at once
        run.stdin.write(b"246813\n")
        run.stdin.close()
    results = [(run.wait(timeout=120), run.stderr.read().decode()) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert not any(words in err for _, err in results for words in LAST_RESORT)
    made = sorted(p.name for p in folder.iterdir())
    assert not any(name.endswith(".partial") for name in made)
    backups = [name for name in made if name.endswith(".sqlite3")]
    assert len(backups) == 3 and sorted(n for n in made if n.endswith(".keys")) == [b + ".keys" for b in backups]


def test_a_backup_waits_for_a_lock_held_for_a_moment(room_db, tmp_path):
    holder = rawdb.connect(room_db, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.5, holder.rollback).start()
    result = bwk("--db", room_db, "backup", "--to", str(tmp_path / "kopie"))
    holder.close()
    assert result.returncode == 0, result.stderr


# --- amounts: decided, and said -----------------------------------------------------------


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("nl")


@pytest.mark.parametrize("text", ["١٢٣", "12,٥٠", "１２", "१२"])
def test_amounts_take_only_the_digits_0_to_9(text):
    with pytest.raises(InvalidInput) as caught:
        money.parse_amount(text)
    assert caught.value.key == "error.amount_digits"
    assert caught.value.message() == "Typ het bedrag met de cijfers 0 tot en met 9, bijvoorbeeld 12,50."
    assert caught.value.message("en") == "Type the amount with the digits 0 to 9, for example 12.50."


def test_1250_with_a_dot_is_twelve_hundred_fifty_in_dutch():
    assert money.parse_amount("1.250") == 125000


@pytest.mark.parametrize("text", ["1.250", "1,250", "12.500"])
def test_1250_with_one_separator_is_asked_again_in_english(english, text):
    with pytest.raises(InvalidInput) as caught:
        money.parse_amount(text)
    assert caught.value.message() == f"“{text}” could mean 1250 or 1.25 euros. Type 1250 or 1.25."


@pytest.mark.parametrize("text, cents", [("1250", 125000), ("1.25", 125), ("1,250.00", 125000), ("12.50", 1250)])
def test_unambiguous_amounts_in_english(english, text, cents):
    assert money.parse_amount(text) == cents
