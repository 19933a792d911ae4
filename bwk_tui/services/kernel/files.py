"""Files bwk writes: all or nothing, into folders it makes when missing."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel.own_files import refuse_own_file

T = TypeVar("T")


def write_atomically(path: Path, write: Callable[[str], T]) -> T:
    """Write through ``write(temporary_path)`` beside ``path``, then move it into place.

    On any failure nothing is left behind; an OS error becomes a plain message.
    """
    path = Path(path)
    refuse_own_file(path)  # never the database, its companions or a backup (issue 21)
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
