"""Rooster (F3): volunteers, weekly templates, holidays, shifts, stand-ins, hours and the allowance."""
from bwk_tui.services.room import settings

# Roster: stand-ins' points per criterion.
for _key, _default, _about in (("availability", "40", "beschikbaar op dat dagdeel"),
                               ("skill", "30", "de gevraagde vaardigheid"),
                               ("recent", "15", "dit dagdeel onlangs gedaan"),
                               ("hours", "15", "weinig uren deze maand (werk spreiden)")):
    settings.declare(f"roster_weight_{_key}", _default, settings.number(0, 100),
                     f"Punten voor een invaller: {_about}.")


def _allowance_limits(value: str) -> str:
    from bwk_tui.services.roster.allowance import limits_text

    return limits_text(value)


# The legal maximum volunteer allowance per year: "year: per month / per year" in euros.
# Check the Belastingdienst's figures every January and add the new year's line.
settings.declare("allowance_limits", "2024: 190 / 1900\n2025: 200 / 2000\n2026: 210 / 2100", _allowance_limits,
                 "De wettelijke maximale vrijwilligersvergoeding per jaar: 'jaar: per maand / per jaar' in euro.")
