"""Files bwk writes: all or nothing, into folders it makes when missing."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from bwk_tui.services.kernel.errors import BwkError

T = TypeVar("T")


def write_atomically(path: Path, write: Callable[[str], T]) -> T:
    """Write through ``write(temporary_path)`` beside ``path``, then move it into place.

    On any failure nothing is left behind; an OS error becomes a plain message.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=str(path.parent))
        os.close(handle)
    except OSError as exc:
        raise BwkError("error.out_write", path=str(path), reason=exc.strerror or str(exc)) from None
    try:
        result = write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it the usual rights
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BwkError("error.out_write", path=str(path), reason=exc.strerror or str(exc)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def write_text(text: str, path: str | os.PathLike) -> Path:
    """All or nothing, like every export."""
    path = Path(path)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            out.write(text)

    write_atomically(path, write)
    return path


def make_folder(folder: Path) -> Path:
    """``folder``, made when missing; an OS error becomes a plain message."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BwkError("error.out_write", path=str(folder), reason=exc.strerror or str(exc)) from None
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
