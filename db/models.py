"""The peewee models of bwk, as they are after the newest migration.

The schema itself is made by the numbered migrations in ``db/migrations``; these
classes only describe it for queries. Times (``*_at``) are stored in UTC without
a zone; days (``*_date``) are Amsterdam calendar days. Money, wherever it
appears, is an INTEGER number of euro cents.
"""
from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SQL,
    Model,
    TextField,
)

from db.connection import database

ROLES = ("volunteer", "coordinator")
LANGUAGES = ("nl", "en")
# Someone on a shift: planned, can't come (the place is free again), or did not turn up.
PLANNED, CANT_COME, ABSENT = "ingepland", "kan_niet", "afwezig"


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Room(BaseModel):
    id = AutoField()
    name = CharField(max_length=80, unique=True)
    created_at = DateTimeField()


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class Account(BaseModel):
    id = AutoField()
    name = CharField(max_length=60)
    # Case- and accent-folded name: unique, and what login matches against.
    name_key = CharField(max_length=60, unique=True)
    role = CharField(max_length=12)
    language = CharField(max_length=2, default="nl")
    pin_hash = CharField(max_length=255)
    failed_pins = IntegerField(default=0)
    lockouts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()


class AuditLog(BaseModel):
    """Append-only: the database refuses UPDATE and DELETE (see migration 0001)."""

    id = AutoField()
    at = DateTimeField(index=True)
    account = ForeignKeyField(Account, null=True, backref="audit_entries", on_delete="RESTRICT")
    action = CharField(max_length=40)
    entity = CharField(max_length=40, default="")
    entity_id = IntegerField(null=True)
    detail = TextField(default="")
    # db/chain.py: a hash over this row and the previous row's hash
    hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])


class Household(BaseModel):
    id = AutoField()
    code = CharField(max_length=8, unique=True)
    pc4 = IntegerField(null=True)
    size = IntegerField(null=True)
    created_at = DateTimeField()


class Person(BaseModel):
    id = AutoField()
    first_name = CharField(max_length=60)  # first name or nickname
    last_name = CharField(max_length=80, null=True)
    search_key = CharField(max_length=200, index=True)
    household = ForeignKeyField(Household, null=True, backref="members", on_delete="RESTRICT")
    pc4 = IntegerField(null=True)
    languages = CharField(max_length=120, default="")
    housing_corporation = CharField(max_length=80, null=True)
    birth_year = IntegerField(null=True)
    consent_date = DateField(null=True)
    consent_scope = CharField(max_length=200, null=True)
    consent_by = ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT")
    merged_into = ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField()
    last_visit_date = DateField(null=True, index=True)  # kept by the check-in service, ranks search
    # Migration 13: an anonymised (forgotten) person stays as a row without names, so the counts hold.
    forgotten_at = DateTimeField(null=True)
    consent_withdrawn_on = DateField(null=True)


class HelpDomain(BaseModel):
    id = AutoField()
    code = CharField(max_length=30, unique=True)
    name_nl = CharField(max_length=60)
    name_en = CharField(max_length=60)
    sort = IntegerField(default=0)
    active = BooleanField(default=True)
    sensitive = BooleanField(default=False)  # gevoelig (migration 13): never pre-ticked; volunteers see it on their own visits


class Visit(BaseModel):
    id = AutoField()
    person = ForeignKeyField(Person, backref="visits", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="visits", on_delete="RESTRICT")
    visit_date = DateField()
    arrived_at = DateTimeField()
    left_at = DateTimeField(null=True)
    referral = CharField(max_length=80, null=True)
    follow_up_date = DateField(null=True)
    follow_up_done = DateField(null=True)
    note = TextField(null=True)
    recorded_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("visit_date", "room"), False), (("person", "visit_date"), False))


class VisitDomain(BaseModel):
    visit = ForeignKeyField(Visit, backref="domains", on_delete="CASCADE")
    domain = ForeignKeyField(HelpDomain, backref="+", on_delete="RESTRICT")

    class Meta:
        primary_key = CompositeKey("visit", "domain")


class WalkIn(BaseModel):
    """An anonymous visitor ("+1 koffiebezoeker"): counted, not registered."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    visit_date = DateField(index=True)
    at = DateTimeField()
    recorded_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")


class CashCategory(BaseModel):
    id = AutoField()
    code = CharField(max_length=30, unique=True)
    name_nl = CharField(max_length=60)
    name_en = CharField(max_length=60)
    direction = CharField(max_length=4)  # in, out or both
    budget_cents = IntegerField(null=True)  # per year
    sort = IntegerField(default=0)
    active = BooleanField(default=True)


class CashEntry(BaseModel):
    """Append-only (see migration 0004). ``amount_cents`` is always positive; ``direction`` says which way."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    entry_date = DateField()
    direction = CharField(max_length=3)
    amount_cents = IntegerField()
    category = ForeignKeyField(CashCategory, backref="+", on_delete="RESTRICT")
    description = CharField(max_length=200, default="")
    receipt_year = IntegerField()
    receipt_no = IntegerField()
    entered_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    entered_at = DateTimeField()
    reverses = ForeignKeyField("self", null=True, unique=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("room", "receipt_year", "receipt_no"), True), (("room", "entry_date"), False))


class CashBalance(BaseModel):
    """Each room's cash balance, kept by a trigger on cash_entry (migration 0009), which refuses
    money out that would take it below zero. Never written by bwk itself."""

    room = ForeignKeyField(Room, primary_key=True, backref="+", on_delete="RESTRICT")
    balance_cents = IntegerField()


class CashClosing(BaseModel):
    """One closed day of one room's cash box; append-only, chained by hash."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    day = DateField()
    opening_cents = IntegerField()
    in_cents = IntegerField()
    out_cents = IntegerField()
    expected_cents = IntegerField()
    counted_cents = IntegerField()
    difference_cents = IntegerField()
    reason = TextField(default="")
    counts = TextField(default="")
    summary = TextField(default="")
    signed_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    signed_at = DateTimeField()
    prev_hash = CharField(max_length=64, default="")
    hash = CharField(max_length=64)
    # The audit log's head when the day was signed (migration 8 on).
    audit_hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("room", "day"), True),)


class ClosingReport(BaseModel):
    """The signed report of one closing, as it was signed (migration 10); never changed."""

    closing = ForeignKeyField(CashClosing, primary_key=True, backref="+", on_delete="RESTRICT")
    text = TextField()
    created_at = DateTimeField()


class HelpRequest(BaseModel):
    """A resident's help request (hulpvraag)."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="help_requests", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    description = CharField(max_length=300, default="")
    languages = CharField(max_length=120, default="")
    availability = CharField(max_length=60, default="")  # "ma-o,di-m": weekday-dagdeel (o/m/a)
    urgency = IntegerField(default=1)  # 1 normal, 2 soon, 3 urgent
    preferred_offer = IntegerField(null=True)
    status = CharField(max_length=10, default="open")  # open, matched, closed
    created_at = DateTimeField()
    created_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")


class HelpRequestDomain(BaseModel):
    request = ForeignKeyField(HelpRequest, backref="domains", on_delete="CASCADE")
    domain = ForeignKeyField(HelpDomain, backref="+", on_delete="RESTRICT")

    class Meta:
        primary_key = CompositeKey("request", "domain")


class HelpOffer(BaseModel):
    """A peer's or volunteer's help offer (hulpaanbod): exactly one of person and account."""

    id = AutoField()
    person = ForeignKeyField(Person, null=True, backref="help_offers", on_delete="RESTRICT")
    account = ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    languages = CharField(max_length=120, default="")
    availability = CharField(max_length=60, default="")
    capacity = IntegerField()  # active matches at most
    active = BooleanField(default=True)
    created_at = DateTimeField()


class HelpOfferDomain(BaseModel):
    offer = ForeignKeyField(HelpOffer, backref="domains", on_delete="CASCADE")
    domain = ForeignKeyField(HelpDomain, backref="+", on_delete="RESTRICT")
    lived_experience = BooleanField(default=False)  # ervaringsdeskundig in this domain

    class Meta:
        primary_key = CompositeKey("offer", "domain")


class Match(BaseModel):
    """voorgesteld -> actief -> afgerond or gestopt; a person confirms every match."""

    id = AutoField()
    request = ForeignKeyField(HelpRequest, backref="matches", on_delete="RESTRICT")
    offer = ForeignKeyField(HelpOffer, backref="matches", on_delete="RESTRICT")
    status = CharField(max_length=12)
    score = IntegerField()
    reasons = TextField(default="")
    proposed_at = DateTimeField()
    started_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)
    outcome = CharField(max_length=300, default="")
    confirmed_by = ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT")
    next_follow_up = DateField(null=True)

    class Meta:
        indexes = ((("offer", "status"), False), (("request", "status"), False))


class Volunteer(BaseModel):
    """A volunteer profile: one per account; ``person`` when a resident became a volunteer."""

    id = AutoField()
    account = ForeignKeyField(Account, unique=True, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="RESTRICT")
    skills = CharField(max_length=300, default="")  # codes, comma-separated
    languages = CharField(max_length=120, default="")
    availability = CharField(max_length=100, default="")  # "ma-o,di-m"
    hourly_allowance_cents = IntegerField(null=True)
    started_on = DateField()
    active = BooleanField(default=True)
    created_at = DateTimeField()
    under_21 = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])  # the lower hourly maximum of the allowance (migration 0011)


class ShiftTemplate(BaseModel):
    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    weekday = IntegerField()  # 0 = Monday
    dagdeel = CharField(max_length=1)  # o(chtend), m(iddag), a(vond)
    starts_min = IntegerField()  # minutes after local midnight
    ends_min = IntegerField()
    needed = IntegerField()
    skill = CharField(max_length=30, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()


class ClosedDay(BaseModel):
    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    day = DateField()
    reason = CharField(max_length=100, default="")
    created_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("room", "day"), True),)


class Shift(BaseModel):
    id = AutoField()
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    template = ForeignKeyField(ShiftTemplate, null=True, backref="+", on_delete="RESTRICT")
    shift_date = DateField()
    dagdeel = CharField(max_length=1)
    starts_min = IntegerField()
    ends_min = IntegerField()
    needed = IntegerField()
    skill = CharField(max_length=30, null=True)

    class Meta:
        indexes = ((("room", "shift_date", "dagdeel"), True),)


class ShiftAssignment(BaseModel):
    """ingepland, kan_niet (the place is free again) or afwezig; ``minutes`` once hours are recorded."""

    id = AutoField()
    shift = ForeignKeyField(Shift, backref="assignments", on_delete="CASCADE")
    volunteer = ForeignKeyField(Volunteer, backref="+", on_delete="RESTRICT")
    status = CharField(max_length=10, default="ingepland")
    assigned_by = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    assigned_at = DateTimeField()
    signed_in_at = DateTimeField(null=True)
    signed_out_at = DateTimeField(null=True)
    minutes = IntegerField(null=True)
    confirmed_by = ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("shift", "volunteer"), True), (("volunteer", "status"), False))


ALL_MODELS = (Room, Setting, Account, AuditLog, Household, Person, HelpDomain, Visit, VisitDomain, WalkIn,
              CashCategory, CashEntry, CashBalance, CashClosing, ClosingReport,
              HelpRequest, HelpRequestDomain, HelpOffer, HelpOfferDomain, Match,
              Volunteer, ShiftTemplate, ClosedDay, Shift, ShiftAssignment)
