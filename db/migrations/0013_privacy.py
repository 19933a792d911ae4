"""Privacy (AVG): a person can be forgotten (anonymised, the counts kept) and can withdraw consent.

``person.forgotten_at`` marks the anonymous row that stays so every past report keeps its figures;
``person.consent_withdrawn_on`` records the day consent was withdrawn (the person is then forgotten).
"""
from peewee import DateField, DateTimeField
from playhouse.migrate import migrate as run_ops


def up(migrator, db):
    run_ops(migrator.add_column("person", "forgotten_at", DateTimeField(null=True)),
            migrator.add_column("person", "consent_withdrawn_on", DateField(null=True)))
