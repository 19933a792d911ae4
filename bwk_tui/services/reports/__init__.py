"""Rapportage (F6): the funders' figures and their exports; the desk's settings are declared here."""
from bwk_tui.services.room import settings

# Exports show counts from 1 up to below this as "<N", so no resident can be recognised; never
# below 5 (issue 13: an export leaves the room). Changed by a coordinator only (`bwk settings`), audited.
settings.declare("report_suppress_small", "5", settings.number(5, 50),
                 "Exports tonen aantallen van 1 tot dit getal als <getal (minstens 5), zodat niemand herkenbaar is.")
