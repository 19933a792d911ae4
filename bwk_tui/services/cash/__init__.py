"""Kas (F5): the cash book, its export and its own part of ``bwk check``."""
from bwk_tui.services.room import check


def _balance_findings() -> list:
    from bwk_tui.services.cash import cash_check

    return cash_check.balance_findings()


check.register(_balance_findings)
