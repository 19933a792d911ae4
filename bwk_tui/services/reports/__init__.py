"""Rapportage (F6): the funders' figures and their exports; the desk's settings are declared here."""
from bwk_tui.services.room import settings

# "1": exports show counts of 1 to 4 as "<5" so no resident can be recognised.
settings.declare("report_suppress_small", "1", settings.number(0, 1),
                 "1: exports tonen aantallen van 1 tot 4 als <5, zodat niemand herkenbaar is.")
