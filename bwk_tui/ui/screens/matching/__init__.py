"""F4 Koppelingen: help requests, their shortlists, the proposal for all, and the matches."""
from bwk_tui.ui.screens.matching.screen import MatchingScreen  # noqa: F401
