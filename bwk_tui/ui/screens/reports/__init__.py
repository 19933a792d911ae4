"""F6 Rapportage: the funders' figures and two charts."""
from bwk_tui.ui.screens.reports.screen import ReportsScreen  # noqa: F401
