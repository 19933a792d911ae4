"""When and in which languages someone can help: shared by help offers and volunteer profiles.

Availability is a set of weekday-dagdeel codes: ma di wo do vr za zo x o m a
(ochtend, middag, avond), written "ma-o,di-m".
"""
from __future__ import annotations

from bwk_tui.i18n import t
from bwk_tui.services.kernel.errors import InvalidInput

WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAGDELEN = ("o", "m", "a")


def parse_availability(text: str) -> frozenset[str]:
    """"ma-o, di-m" -> {"ma-o", "di-m"}; InvalidInput(field="availability") for anything else."""
    codes = set()
    for part in (text or "").replace(";", ",").replace(" ", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        day, _, dagdeel = part.partition("-")
        if day not in WEEKDAYS or dagdeel not in DAGDELEN:
            raise InvalidInput("error.match_availability", field="availability", value=part)
        codes.add(f"{day}-{dagdeel}")
    return frozenset(codes)


def availability_text(codes: frozenset[str]) -> str:
    """Stored form, in week order: "ma-o,di-m"."""
    return ",".join(f"{d}-{p}" for d in WEEKDAYS for p in DAGDELEN if f"{d}-{p}" in codes)


def slot(weekday: int, dagdeel: str) -> str:
    """(1, "m") -> "di-m"."""
    return f"{WEEKDAYS[weekday]}-{dagdeel}"


def slot_name(weekday: int, dagdeel: str) -> str:
    """(1, "m") -> "dinsdagmiddag" (in the user's language)."""
    return t("roster.slot", day=t(f"roster.weekday_{weekday}"), dagdeel=t(f"roster.dagdeel_{dagdeel}"))


def parse_languages(text: str) -> list[str]:
    parts = [p.strip().lower() for p in (text or "").replace(";", ",").replace(" ", ",").split(",")]
    clean = list(dict.fromkeys(p for p in parts if p))
    if any(len(p) > 20 for p in clean) or len(",".join(clean)) > 120:
        raise InvalidInput("error.languages_long", field="languages")
    return clean


def split(text: str) -> list[str]:
    return [p for p in (text or "").split(",") if p]
