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


# The legal maximum volunteer allowance per year, in euros: "year: per month / per year / per hour
# from 21 / per hour under 21" (the Belastingdienst's figures). Check them every January and add
# the new year's line; a year without one uses the newest earlier line.
settings.declare("allowance_limits",
                 "2023: 190 / 1900 / 5,00 / 2,75\n2024: 210 / 2100 / 5,50 / 3,25\n2025: 210 / 2100 / 5,60 / 3,30",
                 _allowance_limits,
                 "De wettelijke maximale vrijwilligersvergoeding per jaar: 'jaar: per maand / per jaar / per uur "
                 "vanaf 21 / per uur onder 21' in euro.")
