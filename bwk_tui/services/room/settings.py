"""Settings of the room, stored in the database so every desk shares them."""
from __future__ import annotations

from db import write
from db.models import Setting

from bwk_tui.services.kernel.errors import InvalidInput

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
    # A cash difference larger than this (in cents) at the closing needs a written reason.
    "closing_threshold_cents": "0",
    # "1": exports show counts of 1 to 4 as "<5" so no resident can be recognised.
    "report_suppress_small": "1",
    # Peer-support scores: points per criterion, and follow-up rhythm in days.
    "match_weight_domain": "40",
    "match_weight_experience": "20",
    "match_weight_language": "20",
    "match_weight_availability": "10",
    "match_weight_continuity": "10",
    "match_weight_urgency": "5",
    "match_follow_up_days": "14",
    "match_follow_up_every_days": "30",
    # Roster: stand-ins' points per criterion.
    "roster_weight_availability": "40",
    "roster_weight_skill": "30",
    "roster_weight_recent": "15",
    "roster_weight_hours": "15",
    # The legal maximum volunteer allowance per year: "year: per month / per year" in euros.
    # Check the Belastingdienst's figures every January and add the new year's line.
    "allowance_limits": "2024: 190 / 1900\n2025: 200 / 2000\n2026: 210 / 2100",
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


# What a person may change, and what each accepts. is_demo is the demo's own mark.
def _number(low: float, high: float, whole: bool = True):
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


def _text(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidInput("error.setting_empty", field="value")
    return text


def _lines(value: str) -> str:
    items = [item.strip() for item in value.replace(";", "\n").splitlines() if item.strip()]
    if not items:
        raise InvalidInput("error.setting_empty", field="value")
    return "\n".join(dict.fromkeys(items))


def _language(value: str) -> str:
    if value.strip() not in ("nl", "en"):
        raise InvalidInput("error.language_unknown", field="value")
    return value.strip()


def _allowance_limits(value: str) -> str:
    from bwk_tui.services.roster.allowance import limits_text

    return limits_text(value)


EDITABLE = {
    "room_name": _text,
    "idle_lock_minutes": _number(0.5, 60, whole=False),
    "backup_keep": _number(1, 1000),
    "language": _language,
    "pin_attempts": _number(3, 10),
    "lock_base_minutes": _number(1, 60),
    "lock_max_minutes": _number(1, 1440),
    "housing_corporations": _lines,
    "referral_organisations": _lines,
    "consent_scope": _text,
    "closing_threshold_cents": _number(0, 100000),
    "report_suppress_small": _number(0, 1),
    **{f"match_weight_{k}": _number(0, 100) for k in
       ("domain", "experience", "language", "availability", "continuity", "urgency")},
    "match_follow_up_days": _number(1, 365),
    "match_follow_up_every_days": _number(1, 365),
    **{f"roster_weight_{k}": _number(0, 100) for k in ("availability", "skill", "recent", "hours")},
    "allowance_limits": _allowance_limits,
}


def change(key: str, value: str, actor_id: int | None = None) -> str:
    """Set an editable setting after checking its value; returns the value as stored."""
    from bwk_tui.services.room import audit  # audit imports nothing from here, but keep the import light

    check = EDITABLE.get(key)
    if check is None:
        raise InvalidInput("error.setting_unknown", field="key", key=key, keys=", ".join(EDITABLE))
    stored = check(value)
    with write():
        put(key, stored)
        audit.record(actor_id, "setting.change", "setting", None, key)
    return stored


def all_editable() -> dict[str, str]:
    return {key: get(key) for key in EDITABLE}
