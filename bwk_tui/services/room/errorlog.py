"""Where an unexpected error's technical details go: a log file, never the user's screen."""
from __future__ import annotations

import os
import traceback
from pathlib import Path

import platformdirs

from db.connection import APP_NAME

from bwk_tui.services.kernel import clock

from bwk_tui.services.kernel.clock import to_local


def log_path() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False) / "bwk-fouten.log"


def record(error: BaseException) -> Path:
    """Append the traceback (without local variables: they may hold personal data)."""
    path = log_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="utf-8") as log:
            log.write(f"--- {to_local(clock.now_utc()).isoformat(timespec='seconds')}\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        pass  # nowhere to write: the user still gets the plain message
    return path
