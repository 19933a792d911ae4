"""F2 Bezoekers: the visitor log, where the front desk lives all day."""
from bwk_tui.ui.screens.visitors.desk import VisitorsScreen  # noqa: F401
