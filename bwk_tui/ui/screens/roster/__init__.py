"""F3 Rooster: the week, a shift with its stand-ins, and (coordinator) templates, profiles and hours."""
from bwk_tui.ui.screens.roster.week import RosterScreen  # noqa: F401
