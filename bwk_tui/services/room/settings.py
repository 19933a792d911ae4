"""Settings of the room, stored in the database so every desk shares them.

The store knows no desk: each desk declares its own settings (key, default, the check of
what a person may type, and a Dutch line on what it does) with ``declare`` in its package's
``__init__``, so importing any module of a desk declares that desk's settings. The room's
own settings are declared at the bottom of this module.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from db import write
from db.models import Setting

from bwk_tui.services.kernel.errors import InvalidInput


@dataclasses.dataclass(frozen=True)
class Declared:
    key: str
    default: str
    check: Callable[[str], str] | None  # None: bwk's own mark, not for a person to change
    about: str  # in Dutch: what the setting does


_DECLARED: dict[str, Declared] = {}


def declare(key: str, default: str, check: Callable[[str], str] | None = None, about: str = "") -> None:
    """Make ``key`` known with its default; a person may change it when ``check`` is given."""
    _DECLARED[key] = Declared(key, default, check, about)


def declared() -> dict[str, Declared]:
    return dict(_DECLARED)


def default(key: str) -> str:
    return _DECLARED[key].default


def get_list(key: str) -> list[str]:
    return [line.strip() for line in get(key).splitlines() if line.strip()]


def get(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else default(key)


def get_int(key: str) -> int:
    try:
        return int(get(key))
    except ValueError:
        return int(default(key))


def get_float(key: str) -> float:
    try:
        value = float(get(key))
    except ValueError:
        value = float(default(key))
    return value if value > 0 else float(default(key))


def put(key: str, value: object) -> None:
    if key not in _DECLARED:
        raise KeyError(key)
    with write():
        Setting.insert(key=key, value=str(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: str(value)}
        ).execute()


# --- what a person may type: the checks desks declare their settings with -----------------


def number(low: float, high: float, whole: bool = True) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip().replace(",", ".")
        try:
            number = int(text) if whole else float(text)
        except ValueError:
            raise InvalidInput("error.setting_number", field="value", low=low, high=high) from None
        if not low <= number <= high:
            raise InvalidInput("error.setting_number", field="value", low=low, high=high)
        return str(int(number)) if float(number).is_integer() else str(number)
    return check


def text(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidInput("error.setting_empty", field="value")
    return text


def lines(value: str) -> str:
    items = [item.strip() for item in value.replace(";", "\n").splitlines() if item.strip()]
    if not items:
        raise InvalidInput("error.setting_empty", field="value")
    return "\n".join(dict.fromkeys(items))


def _language(value: str) -> str:
    if value.strip() not in ("nl", "en"):
        raise InvalidInput("error.language_unknown", field="value")
    return value.strip()


def _theme(value: str) -> str:
    if value.strip() not in ("standaard", "hoog-contrast"):
        raise InvalidInput("error.theme_unknown", field="value")
    return value.strip()


def editable() -> dict[str, Declared]:
    """The settings a person may change, in the order they were declared."""
    return {key: d for key, d in _DECLARED.items() if d.check is not None}


def change(key: str, value: str, actor_id: int | None = None) -> str:
    """Set an editable setting after checking its value; returns the value as stored."""
    from bwk_tui.services.room import audit

    found = editable().get(key)
    if found is None:
        raise InvalidInput("error.setting_unknown", field="key", key=key, keys=", ".join(editable()))
    stored = found.check(value)
    with write():
        old = get(key)
        put(key, stored)
        audit.record(actor_id, "setting.change", "setting", None,
                     audit.change_detail({key: old}, {key: stored}, key=key))
    return stored


def all_editable() -> dict[str, str]:
    return {key: get(key) for key in editable()}


# --- the room's own settings ---------------------------------------------------------------

declare("room_name", "", text, "De naam van de buurtwerkkamer, op elk scherm en in elk rapport.")
declare("idle_lock_minutes", "3", number(0.5, 60, whole=False),
        "Na zoveel minuten zonder toetsaanslag vergrendelt de balie zich.")
declare("backup_keep", "30", number(1, 1000), "Zoveel reservekopieën worden bewaard; oudere worden opgeruimd.")
declare("language", "nl", _language, "De taal van bwk voor wie nog geen eigen taal koos (nl of en).")
declare("theme", "standaard", _theme,
        "standaard of hoog-contrast (wit en geel op zwart). Op het inlogscherm wisselt Ctrl+T het ook.")
# Lockout: this many wrong PINs in a row lock the account; the lock lasts
# lock_base_minutes, doubling with every further lockout, up to lock_max_minutes.
declare("pin_attempts", "5", number(3, 10), "Na zoveel verkeerde pincodes op rij gaat een account op slot.")
declare("lock_base_minutes", "1", number(1, 60),
        "Zoveel minuten duurt het eerste slot; elk volgend slot duurt twee keer zo lang.")
declare("lock_max_minutes", "60", number(1, 1440), "Langer dan zoveel minuten duurt een slot nooit.")
# "1" in a database made by `bwk demo`: only such a file may be replaced by `bwk demo --force`.
declare("is_demo", "0")
