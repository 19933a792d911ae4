"""Files bwk writes: all or nothing, into folders it makes when missing.

bwk only ever replaces a *regular* file. A target that exists and is something else (a
device such as /dev/null, a FIFO, a socket, a folder) is refused with a plain message; it
is never renamed over. A symlink is followed: the file it points at is written, atomically
beside that file. ``-`` and ``/dev/stdout`` mean standard output; :func:`means_stdout`
tells a command to write to its stream instead of calling these functions.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from bwk_tui.i18n import t
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel.own_files import refuse_own_file

T = TypeVar("T")

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})

# errno -> text key: the usual reasons in the user's words, not the C library's English
_REASONS = {
    errno.EACCES: "oserror.no_permission",
    errno.EPERM: "oserror.no_permission",
    errno.EROFS: "oserror.read_only",
    errno.ENOSPC: "oserror.disk_full",
    errno.EDQUOT: "oserror.disk_full",
    errno.ENOENT: "oserror.missing",
    errno.ENOTDIR: "oserror.not_a_folder",
    errno.EISDIR: "oserror.is_folder",
    errno.ELOOP: "oserror.loop",
    errno.ENAMETOOLONG: "oserror.name_too_long",
    errno.EEXIST: "oserror.exists",
}


def reason(exc: OSError) -> str:
    """Why an OS call failed, in the user's language."""
    key = _REASONS.get(exc.errno or 0)
    if exc.errno == errno.ENOENT and exc.filename and os.path.isdir(os.path.dirname(os.fspath(exc.filename))):
        key = "oserror.cannot_create_here"  # /proc and the like: the folder is there, files cannot be
    return t(key) if key else (exc.strerror or str(exc))


def means_stdout(out: str | os.PathLike | None) -> bool:
    """``--out -`` or ``--out /dev/stdout``: write to standard output, not to a file."""
    return out is not None and os.fspath(out) in STDOUT_NAMES


def kind(path: str | os.PathLike) -> str | None:
    """What is at ``path`` (a symlink followed): None when nothing, else "file", "folder",
    "fifo", "device", "socket" or "other". A broken or looping symlink is None."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise BwkError("error.path_unusable", path=str(path), reason=reason(exc)) from None
    except ValueError:  # an embedded NUL byte
        raise BwkError("error.path_unusable", path=repr(str(path)), reason=t("oserror.bad_name")) from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def refuse_unless_file(path: str | os.PathLike, key: str = "error.not_regular") -> None:
    """Refuse a path that exists and is not a regular file (never open it: a FIFO would block)."""
    found = kind(path)
    if found not in (None, "file"):
        raise BwkError(key, path=str(path), kind=t(f"path_kind.{found}"))


def _real_target(path: Path) -> Path:
    """The regular file to replace: ``path`` itself, or where its symlinks lead."""
    refuse_unless_file(path)
    real = Path(os.path.realpath(path))
    if real != path:
        refuse_unless_file(real)
        # /dev/stderr, /proc/self/fd/N: "magic" links to an open file, not to a name. Following
        # them by name reaches some other file (or "/tmp/#123 (deleted)"): refuse, never guess.
        try:
            same = os.path.samefile(path, real)
        except OSError:
            same = not os.path.lexists(real) and not os.path.exists(path)  # a dangling symlink
        if not same:
            raise BwkError("error.not_regular", path=str(path), kind=t("path_kind.other"))
    return real


def write_atomically(path: str | os.PathLike, write: Callable[[str], T], own_file: bool = False) -> T:
    """Write through ``write(temporary_path)`` beside ``path``, then move it into place.

    On any failure nothing is left behind; an OS error becomes a plain message. Only a
    regular file (or nothing) is ever replaced; a symlink's target is written. A new file is
    mode 0600 (private, whatever the umask); an existing one keeps its rights. ``own_file``: bwk
    writes one of its own files (the keyslot file), which no export may ever replace.
    """
    path = Path(path)
    if not own_file:
        refuse_own_file(path)  # never the database, its companions or a backup (issue 21)
    real = _real_target(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".partial", dir=str(real.parent))
        os.close(handle)
    except OSError as exc:
        raise BwkError("error.out_write", path=str(path), reason=reason(exc)) from None
    try:
        result = write(temporary)
        try:
            mode = stat.S_IMODE(os.stat(real).st_mode)  # an existing file keeps its rights
        except FileNotFoundError:
            mode = 0o600  # what mkstemp made: personal data is private to the desk's account
        os.chmod(temporary, mode)
        # Checked again just before the rename: a FIFO or device that appeared meanwhile is never
        # replaced (lstat: ``real`` has no symlinks left, so anything that is a link now is new too).
        try:
            now = os.lstat(real).st_mode
        except FileNotFoundError:
            now = None
        if now is not None and not stat.S_ISREG(now):
            raise BwkError("error.not_regular", path=str(path), kind=t(f"path_kind.{kind(real) or 'other'}"))
        os.replace(temporary, real)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BwkError("error.out_write", path=str(path), reason=reason(exc)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def write_text(text: str, path: str | os.PathLike, own_file: bool = False) -> Path:
    """All or nothing, like every export."""
    path = Path(path)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())

    write_atomically(path, write, own_file=own_file)
    return path


def copy_file(source: Path, target: Path) -> None:
    """A byte copy, flushed to disk, mode 0600."""
    import shutil

    with open(source, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, 0o600)


def make_folder(folder: Path) -> Path:
    """``folder``, made when missing; an OS error becomes a plain message."""
    found = kind(folder)
    if found not in (None, "folder"):
        raise BwkError("error.not_a_folder", path=str(folder), kind=t(f"path_kind.{found}"))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BwkError("error.out_write", path=str(folder), reason=reason(exc)) from None
    return folder


# A file being written has this suffix until it is complete (write_atomically's temporary,
# a backup before it is verified, a closing report before the closing commits).
TEMPORARY_SUFFIX = ".partial"
# Only debris older than this is removed: another desk on the same database may be writing its
# own temporary file right now (a backup of a large database takes seconds, not minutes).
DEBRIS_AGE_SECONDS = 10 * 60


def remove_debris(folder: Path, patterns: list[str], older_than: float = DEBRIS_AGE_SECONDS) -> list[Path]:
    """Remove the temporary files that a killed bwk left in ``folder``: only names matching
    ``patterns`` (each ending in TEMPORARY_SUFFIX), only files older than ``older_than`` seconds.
    Returns what was removed; a file that cannot be removed is left (and tried next time)."""
    import time

    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    limit = time.time() - older_than
    for pattern in patterns:
        if not pattern.endswith(TEMPORARY_SUFFIX):
            raise ValueError(f"not a temporary name: {pattern!r}")
        for path in folder.glob(pattern):
            try:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path)
            except OSError:
                continue
    return removed
