"""Privacy (AVG, issue 13): inzage (art. 15), vergeten worden (art. 17) that keeps the counts,
withdrawing consent, and the retention rules. The desk's settings are declared here."""
from bwk_tui.services.room import backup, settings
from bwk_tui.services.privacy import forget

settings.declare("retention_months", "24", settings.number(6, 240),
                 "Wie zo veel maanden geen bezoek, geen lopende koppeling en geen open vervolgafspraak had, "
                 "wordt bij de dagafsluiting geanonimiseerd.")
settings.declare("note_retention_months", "12", settings.number(1, 240),
                 "Notities bij bezoeken die ouder zijn dan zo veel maanden worden bij de dagafsluiting verwijderd.")

# A restored backup from before someone was forgotten would bring them back: forget them again.
if forget.reapply not in backup.RESTORE_HOOKS:
    backup.RESTORE_HOOKS.append(forget.reapply)
