"""The volunteer roster: volunteer profiles, weekly shift templates, closed days, concrete shifts
and who is on them (with attendance and hours)."""
import datetime

from peewee import (AutoField, BooleanField, CharField, Check, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, Model)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        id = AutoField()

    class Account(Base):
        id = AutoField()

    class Person(Base):
        id = AutoField()

    class Volunteer(Base):
        """A volunteer profile: one per account; optionally the resident's own person record."""

        id = AutoField()
        account = ForeignKeyField(Account, unique=True, on_delete="RESTRICT")
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")  # a resident who became a volunteer
        skills = CharField(max_length=300, default="")  # codes: help domains and practical skills
        languages = CharField(max_length=120, default="")
        availability = CharField(max_length=100, default="")  # "ma-o,di-m": weekday-dagdeel
        hourly_allowance_cents = IntegerField(null=True, constraints=[
            Check("hourly_allowance_cents IS NULL OR hourly_allowance_cents >= 0")])
        started_on = DateField()
        active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class ShiftTemplate(Base):
        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        weekday = IntegerField(constraints=[Check("weekday BETWEEN 0 AND 6")])  # 0 = Monday
        dagdeel = CharField(max_length=1, constraints=[Check("dagdeel IN ('o', 'm', 'a')")])
        starts_min = IntegerField()  # minutes after midnight, local time
        ends_min = IntegerField()
        needed = IntegerField(constraints=[Check("needed > 0 AND needed <= 20")])
        skill = CharField(max_length=30, null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            constraints = [Check("starts_min >= 0 AND starts_min < ends_min AND ends_min <= 1440")]

    class ClosedDay(Base):
        """A day the room is closed (a holiday, an outing): no shifts."""

        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        day = DateField()
        reason = CharField(max_length=100, default="")
        created_by = ForeignKeyField(Account, on_delete="RESTRICT")

        class Meta:
            indexes = ((("room", "day"), True),)

    class Shift(Base):
        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        template = ForeignKeyField(ShiftTemplate, null=True, on_delete="RESTRICT")
        shift_date = DateField()
        dagdeel = CharField(max_length=1, constraints=[Check("dagdeel IN ('o', 'm', 'a')")])
        starts_min = IntegerField()
        ends_min = IntegerField()
        needed = IntegerField(constraints=[Check("needed > 0 AND needed <= 20")])
        skill = CharField(max_length=30, null=True)

        class Meta:
            indexes = ((("room", "shift_date", "dagdeel"), True),)
            constraints = [Check("starts_min >= 0 AND starts_min < ends_min AND ends_min <= 1440")]

    class ShiftAssignment(Base):
        """Someone on a shift: planned, can't come (the place is free again) or absent.

        ``minutes`` are the hours worked once recorded: by signing in and out, or the
        coordinator confirming (or correcting) the planned times.
        """

        id = AutoField()
        shift = ForeignKeyField(Shift, on_delete="CASCADE")
        volunteer = ForeignKeyField(Volunteer, on_delete="RESTRICT")
        status = CharField(max_length=10, default="ingepland", constraints=[
            Check("status IN ('ingepland', 'kan_niet', 'afwezig')")])
        assigned_by = ForeignKeyField(Account, on_delete="RESTRICT")
        assigned_at = DateTimeField(default=datetime.datetime.utcnow)
        signed_in_at = DateTimeField(null=True)
        signed_out_at = DateTimeField(null=True)
        minutes = IntegerField(null=True, constraints=[Check("minutes IS NULL OR minutes BETWEEN 0 AND 1440")])
        confirmed_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")

        class Meta:
            indexes = ((("shift", "volunteer"), True), (("volunteer", "status"), False))

    db.create_tables([Volunteer, ShiftTemplate, ClosedDay, Shift, ShiftAssignment])
    # One active template per room, weekday and dagdeel: the week view has one cell for it.
    db.execute_sql("CREATE UNIQUE INDEX shift_template_one_active ON shift_template "
                   "(room_id, weekday, dagdeel) WHERE active")
    # A resident is linked to at most one volunteer profile.
    db.execute_sql("CREATE UNIQUE INDEX volunteer_one_per_person ON volunteer (person_id) "
                   "WHERE person_id IS NOT NULL")
