"""Dagafsluiting (F9): the day's closing, its hash chain and its report; its settings and checks."""
from bwk_tui.services.room import check, settings

# A cash difference larger than this (in cents) at the closing needs a written reason.
settings.declare("closing_threshold_cents", "0", settings.number(0, 100000),
                 "Een kasverschil groter dan zoveel cent heeft bij de afsluiting een reden nodig.")


def _chain_findings() -> list:
    from bwk_tui.services.closing import chain

    return chain.chain_findings()


check.register(_chain_findings)
