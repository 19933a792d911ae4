"""Bezoekers (F2): persons, households and their visits; the desk's settings are declared here."""
from bwk_tui.services.room import settings

# Lists kept by the coordinator, one item per line.
settings.declare("housing_corporations",
                 "Ymere\nEigen Haard\nRochdale\nStadgenoot\nDe Key\nparticuliere verhuurder\neigen woning",
                 settings.lines, "De woningcorporaties waaruit de balie kiest (gescheiden door ;).")
settings.declare("referral_organisations",
                 "Wijkteam Zuidoost\nSchuldhulpverlening Amsterdam\nJuridisch Loket\nVoedselbank\n"
                 "WPI / Werk en Inkomen\nHuisarts\nWoningcorporatie\nSociaal raadslieden",
                 settings.lines, "De organisaties waarnaar de balie doorverwijst (gescheiden door ;).")
settings.declare("consent_scope", "registratie van bezoeken en anonieme rapportage aan financiers",
                 settings.text, "Waarvoor een bezoeker toestemming geeft, zoals de balie het voorleest.")
