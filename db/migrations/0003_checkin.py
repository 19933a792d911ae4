"""Check-in: last visit per person (ranks search), one open visit per person per day, walk-ins,
and when a follow-up was done."""
import datetime

from peewee import AutoField, DateField, DateTimeField, ForeignKeyField, Model
from playhouse.migrate import migrate as run_ops


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        id = AutoField()

    class Account(Base):
        id = AutoField()

    class WalkIn(Base):
        """An anonymous visitor ("+1 koffiebezoeker"): counted, not registered."""

        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        visit_date = DateField(index=True)
        at = DateTimeField(default=datetime.datetime.utcnow)
        recorded_by = ForeignKeyField(Account, on_delete="RESTRICT")

    run_ops(migrator.add_column("person", "last_visit_date", DateField(null=True)),
            migrator.add_column("visit", "follow_up_done", DateField(null=True)))
    db.execute_sql("UPDATE person SET last_visit_date = "
                   "(SELECT MAX(v.visit_date) FROM visit v WHERE v.person_id = person.id)")
    db.execute_sql("CREATE INDEX person_last_visit_date ON person (last_visit_date)")
    # A person can be checked in only once at a time on a day; the service says so in words,
    # the database makes sure even when two desks try at the same moment.
    db.execute_sql("CREATE UNIQUE INDEX visit_one_open_per_day ON visit (person_id, visit_date) "
                   "WHERE left_at IS NULL")
    db.create_tables([WalkIn])
