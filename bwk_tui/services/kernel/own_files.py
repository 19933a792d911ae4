"""Files that are bwk's own and never an output: the open database and its companions.

An export onto the database itself would destroy it ("file is not a database"). The room
registers what is its own (``protect``: the database file, its -wal, -shm and -journal, the
keyslot file ``bwk.keys`` beside it, every file in its backups folder); every file bwk writes
asks ``refuse_own_file`` first, before anything is touched.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from bwk_tui.services.kernel.errors import BwkError

# Each provider returns (files, folders): paths that are bwk's own, and folders whose every
# file is. Providers are asked at the moment of writing (the open database can change).
Provider = Callable[[], tuple[Iterable[Path], Iterable[Path]]]
_providers: list[Provider] = []


def protect(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def _same(a: str, b: Path) -> bool:
    if a == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link, or another spelling of the same file
    except OSError:
        return False


def is_own_file(path: str | os.PathLike) -> bool:
    target = os.path.realpath(path)
    for provider in _providers:
        files, folders = provider()
        if any(_same(target, Path(f)) for f in files):
            return True
        if any(os.path.dirname(target) == os.path.realpath(folder) for folder in folders):
            return True
    return False


def refuse_own_file(path: str | os.PathLike) -> None:
    """Raise a plain message when ``path`` is the database, one of its companions or a backup."""
    if is_own_file(path):
        raise BwkError("error.out_is_database", path=str(path))
