"""Koppelingen (F4): help requests, help offers, their explained scores and the matches."""
from bwk_tui.services.room import settings

# Peer-support scores: points per criterion, and follow-up rhythm in days.
for _key, _default, _about in (
        ("domain", "40", "hetzelfde hulpdomein"), ("experience", "20", "ervaringsdeskundigheid"),
        ("language", "20", "een gedeelde taal"), ("availability", "10", "samen beschikbaar"),
        ("continuity", "10", "eerder samen gewerkt"), ("urgency", "5", "een dringende vraag")):
    settings.declare(f"match_weight_{_key}", _default, settings.number(0, 100),
                     f"Punten voor {_about} bij het koppelen.")
settings.declare("match_follow_up_days", "14", settings.number(1, 365),
                 "Zoveel dagen na de start van een koppeling volgt het eerste contactmoment.")
settings.declare("match_follow_up_every_days", "30", settings.number(1, 365),
                 "Daarna volgt om de zoveel dagen een contactmoment.")
