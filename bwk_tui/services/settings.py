"""Settings of the room, stored in the database so every desk shares them."""
from __future__ import annotations

from db import write
from db.models import Setting

DEFAULTS: dict[str, str] = {
    "room_name": "",
    "idle_lock_minutes": "3",
    "backup_keep": "30",
    "language": "nl",
    # Lockout: this many wrong PINs in a row lock the account; the lock lasts
    # lock_base_minutes, doubling with every further lockout, up to lock_max_minutes.
    "pin_attempts": "5",
    "lock_base_minutes": "1",
    "lock_max_minutes": "60",
    # "1" in a database made by `bwk demo`: only such a file may be replaced by `bwk demo --force`.
    "is_demo": "0",
    # Lists kept by the coordinator, one item per line.
    "housing_corporations": "Ymere\nEigen Haard\nRochdale\nStadgenoot\nDe Key\nparticuliere verhuurder\neigen woning",
    "referral_organisations": "Wijkteam Zuidoost\nSchuldhulpverlening Amsterdam\nJuridisch Loket\nVoedselbank\n"
                              "WPI / Werk en Inkomen\nHuisarts\nWoningcorporatie\nSociaal raadslieden",
    "consent_scope": "registratie van bezoeken en anonieme rapportage aan financiers",
}


def get_list(key: str) -> list[str]:
    return [line.strip() for line in get(key).splitlines() if line.strip()]


def get(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else DEFAULTS[key]


def get_int(key: str) -> int:
    try:
        return int(get(key))
    except ValueError:
        return int(DEFAULTS[key])


def get_float(key: str) -> float:
    try:
        value = float(get(key))
    except ValueError:
        value = float(DEFAULTS[key])
    return value if value > 0 else float(DEFAULTS[key])


def put(key: str, value: object) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    with write():
        Setting.insert(key=key, value=str(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: str(value)}
        ).execute()
