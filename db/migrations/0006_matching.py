"""Peer support: help requests of residents, help offers of peers and volunteers, and matches."""
import datetime

from peewee import (AutoField, BooleanField, CharField, Check, CompositeKey, DateField, DateTimeField,
                    ForeignKeyField, IntegerField, Model, TextField)


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

    class HelpDomain(Base):
        id = AutoField()

    class HelpRequest(Base):
        id = AutoField()
        person = ForeignKeyField(Person, on_delete="RESTRICT")
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        description = CharField(max_length=300, default="")
        languages = CharField(max_length=120, default="")
        availability = CharField(max_length=60, default="")  # e.g. "ma-o,di-m,do-a": weekday-dagdeel
        urgency = IntegerField(default=1, constraints=[Check("urgency BETWEEN 1 AND 3")])
        preferred_offer = IntegerField(null=True)  # a help_offer id the resident asked for
        status = CharField(max_length=10, default="open",
                           constraints=[Check("status IN ('open', 'matched', 'closed')")])
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        created_by = ForeignKeyField(Account, on_delete="RESTRICT")

    class HelpRequestDomain(Base):
        request = ForeignKeyField(HelpRequest, on_delete="CASCADE")
        domain = ForeignKeyField(HelpDomain, on_delete="RESTRICT")

        class Meta:
            primary_key = CompositeKey("request", "domain")

    class HelpOffer(Base):
        id = AutoField()
        person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")  # a resident who helps
        account = ForeignKeyField(Account, null=True, on_delete="RESTRICT")  # or a volunteer
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        languages = CharField(max_length=120, default="")
        availability = CharField(max_length=60, default="")
        capacity = IntegerField(constraints=[Check("capacity > 0 AND capacity <= 20")])
        active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            constraints = [Check("(person_id IS NULL) <> (account_id IS NULL)")]

    class HelpOfferDomain(Base):
        offer = ForeignKeyField(HelpOffer, on_delete="CASCADE")
        domain = ForeignKeyField(HelpDomain, on_delete="RESTRICT")
        lived_experience = BooleanField(default=False)

        class Meta:
            primary_key = CompositeKey("offer", "domain")

    class Match(Base):
        id = AutoField()
        request = ForeignKeyField(HelpRequest, on_delete="RESTRICT")
        offer = ForeignKeyField(HelpOffer, on_delete="RESTRICT")
        status = CharField(max_length=12, constraints=[
            Check("status IN ('voorgesteld', 'actief', 'afgerond', 'gestopt')")])
        score = IntegerField()
        reasons = TextField(default="")  # JSON: [[text key, params, points], ...]
        proposed_at = DateTimeField()
        started_at = DateTimeField(null=True)
        ended_at = DateTimeField(null=True)
        outcome = CharField(max_length=300, default="")
        confirmed_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
        next_follow_up = DateField(null=True)

        class Meta:
            indexes = ((("offer", "status"), False), (("request", "status"), False))

    db.create_tables([HelpRequest, HelpRequestDomain, HelpOffer, HelpOfferDomain, Match])
