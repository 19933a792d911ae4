"""Issue 11: the services that return coordinator-only data refuse a volunteer themselves, like the
writes do, so no screen or command can leak them by forgetting a check."""
from __future__ import annotations

import pytest

from bwk_tui.services.cash import cash
from bwk_tui.services.kernel.clock import parse_period
from bwk_tui.services.kernel.errors import NotAllowed
from bwk_tui.services.matching import scoring
from bwk_tui.services.reports import reports
from bwk_tui.services.room import audit
from bwk_tui.services.roster import allowance

READS = {
    "build_report": lambda s: reports.build_report(s, parse_period("2026-Q1")),
    "hours": lambda s: allowance.hours(s, 2026, 11),
    "feasible_pairs": lambda s: scoring.feasible_pairs(s),
    "propose_all": lambda s: scoring.propose_all(s),
    "overview": lambda s: cash.overview(s, 2026, 6),
    "audit.recent": lambda s: audit.recent(s, limit=5),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_a_volunteer_is_refused(room, name):
    with pytest.raises(NotAllowed) as refused:
        READS[name](room["volunteer"])
    assert refused.value.key == "error.coordinator_only"


@pytest.mark.parametrize("name", sorted(READS))
def test_nobody_logged_in_is_refused(room, name):
    with pytest.raises(NotAllowed) as refused:
        READS[name](None)
    assert refused.value.key == "error.not_logged_in"


@pytest.mark.parametrize("name", sorted(READS))
def test_a_coordinator_gets_the_data(room, name):
    READS[name](room["coordinator"])


def test_the_statement_is_refused_before_anything_is_read(room):
    """The role is checked first: a volunteer learns not even whether the id exists."""
    from bwk_tui.services.kernel.errors import BwkError

    with pytest.raises(NotAllowed):
        allowance.statement(room["volunteer"], 999999, 2026, 11)
    with pytest.raises(BwkError) as unknown:  # a coordinator passes the check and meets the real answer
        allowance.statement(room["coordinator"], 999999, 2026, 11)
    assert unknown.value.key == "error.roster_no_volunteer"
