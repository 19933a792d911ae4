"""The visitor log: households, persons, help domains and visits."""
import datetime

from peewee import (AutoField, BooleanField, CharField, Check, CompositeKey, DateField,
                    DateTimeField, ForeignKeyField, IntegerField, Model, TextField)

HELP_DOMAINS = [
    # code, Dutch, English
    ("koffie", "koffie/ontmoeting", "coffee/meeting people"),
    ("welzijn", "welzijn", "wellbeing"),
    ("zorg", "zorg", "care"),
    ("wonen", "wonen", "housing"),
    ("geldzaken", "geldzaken/armoede", "money/poverty"),
    ("schulden", "schulden", "debts"),
    ("werk", "werk en dagbesteding", "work and daytime activities"),
    ("formulieren", "formulieren en post", "forms and letters"),
    ("taal", "taal", "language"),
]


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        id = AutoField()

    class Account(Base):
        id = AutoField()

    class Household(Base):
        id = AutoField()
        code = CharField(max_length=8, unique=True)
        pc4 = IntegerField(null=True, constraints=[Check("pc4 BETWEEN 1000 AND 9999")])
        size = IntegerField(null=True, constraints=[Check("size BETWEEN 1 AND 30")])
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class Person(Base):
        id = AutoField()
        first_name = CharField(max_length=60, constraints=[Check("length(first_name) > 0")])
        last_name = CharField(max_length=80, null=True)
        search_key = CharField(max_length=200, index=True)
        household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
        pc4 = IntegerField(null=True, constraints=[Check("pc4 BETWEEN 1000 AND 9999")])
        languages = CharField(max_length=120, default="")
        housing_corporation = CharField(max_length=80, null=True)
        birth_year = IntegerField(null=True, constraints=[Check("birth_year BETWEEN 1900 AND 2100")])
        consent_date = DateField(null=True)
        consent_scope = CharField(max_length=200, null=True)
        consent_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
        merged_into = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class HelpDomain(Base):
        id = AutoField()
        code = CharField(max_length=30, unique=True)
        name_nl = CharField(max_length=60)
        name_en = CharField(max_length=60)
        sort = IntegerField(default=0)
        active = BooleanField(default=True)

    class Visit(Base):
        id = AutoField()
        person = ForeignKeyField(Person, on_delete="RESTRICT")
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        visit_date = DateField()
        arrived_at = DateTimeField()
        left_at = DateTimeField(null=True)
        referral = CharField(max_length=80, null=True)
        follow_up_date = DateField(null=True)
        note = TextField(null=True)
        recorded_by = ForeignKeyField(Account, on_delete="RESTRICT")

        class Meta:
            indexes = ((("visit_date", "room"), False), (("person", "visit_date"), False))

    class VisitDomain(Base):
        visit = ForeignKeyField(Visit, on_delete="CASCADE")
        domain = ForeignKeyField(HelpDomain, on_delete="RESTRICT")

        class Meta:
            primary_key = CompositeKey("visit", "domain")

    db.create_tables([Household, Person, HelpDomain, Visit, VisitDomain])
    HelpDomain.insert_many(
        [{"code": c, "name_nl": nl, "name_en": en, "sort": i} for i, (c, nl, en) in enumerate(HELP_DOMAINS)]
    ).execute()
