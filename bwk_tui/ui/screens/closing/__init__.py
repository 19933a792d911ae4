"""F9 Dagafsluiting: the coordinator's guided end of the day."""
from bwk_tui.ui.screens.closing.wizard import ClosingScreen  # noqa: F401
