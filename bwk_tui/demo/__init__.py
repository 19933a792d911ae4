"""`bwk demo`: fill a new database with realistic synthetic data.

The code is being split into modules along its sections; what is not yet carved out lives in
roster.py. This package re-exports what cli.py and the tests use.
"""
from bwk_tui.demo.base import SCALES, Progress, Scale
from bwk_tui.demo.calendar import _holidays, _saturday_open  # noqa: F401 (tests/test_demo.py uses them)
from bwk_tui.demo.people import HOUSING_CORPORATIONS
from bwk_tui.demo.roster import DemoSummary, build_demo
from bwk_tui.demo.visits import REFERRAL_ORGANISATIONS

__all__ = ["HOUSING_CORPORATIONS", "REFERRAL_ORGANISATIONS", "SCALES", "DemoSummary", "Progress", "Scale",
           "build_demo"]
