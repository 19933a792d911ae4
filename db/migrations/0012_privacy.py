"""Privacy (AVG): a person can be forgotten (anonymised, the counts kept) and can withdraw consent.

``person.forgotten_at`` marks the anonymous row that stays so every past report keeps its figures;
``person.consent_withdrawn_on`` records the day consent was withdrawn (the person is then forgotten).
``help_domain.sensitive``: a *gevoelig* domain (seeded: zorg, schulden, geldzaken/armoede) is not
pre-ticked at check-in, and a volunteer sees it only on visits they recorded themselves.
"""
from peewee import BooleanField, DateField, DateTimeField
from peewee import SqliteDatabase
from playhouse.migrate import migrate as run_ops


def up(migrator, db):
    run_ops(migrator.add_column("person", "forgotten_at", DateTimeField(null=True)),
            migrator.add_column("person", "consent_withdrawn_on", DateField(null=True)),
            migrator.add_column("help_domain", "sensitive", BooleanField(default=False)))
    db.execute_sql("UPDATE help_domain SET sensitive = %s WHERE code IN ('zorg', 'schulden', 'geldzaken')"
                   % ("1" if isinstance(db, SqliteDatabase) else "TRUE"))
