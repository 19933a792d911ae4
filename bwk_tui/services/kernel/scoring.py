"""Explained scores, shared by peer-support matching and the roster's stand-ins: a score is the
sum of its reasons' points, and every weight is a setting a coordinator can change."""
from __future__ import annotations

import dataclasses
from typing import Callable


@dataclasses.dataclass(frozen=True)
class Reason:
    text: str  # in the user's language, e.g. "spreekt Twi (gedeelde taal)"
    points: int


def read_weights(get_int: Callable[[str], int], prefix: str, names: tuple[str, ...]) -> dict[str, int]:
    """``{name: points}`` from the settings ``{prefix}{name}`` (read with ``get_int``); never negative."""
    return {name: max(0, get_int(f"{prefix}{name}")) for name in names}


def total(reasons: list[Reason]) -> int:
    return sum(r.points for r in reasons)
