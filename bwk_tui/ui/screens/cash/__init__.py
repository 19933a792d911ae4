"""F5 Kas: the cash book, its forms and the month and year overview."""
from bwk_tui.ui.screens.cash.book import CashScreen  # noqa: F401
