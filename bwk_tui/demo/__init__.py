"""`bwk demo`: fill a new database with realistic synthetic data.

The code is being split into modules along its sections; for now it all lives in roster.py,
and this package re-exports what cli.py and the tests use.
"""
from bwk_tui.demo.roster import (HOUSING_CORPORATIONS, REFERRAL_ORGANISATIONS, SCALES, DemoSummary, Progress,
                                 Scale, _holidays, _saturday_open, build_demo)

__all__ = ["HOUSING_CORPORATIONS", "REFERRAL_ORGANISATIONS", "SCALES", "DemoSummary", "Progress", "Scale",
           "build_demo"]
