"""The cash book and the end-of-day closing.

Cash entries and closings are append-only: the database refuses UPDATE and DELETE
of both, and refuses a new entry on a day that has been closed. Corrections are
reversal entries on an open day that point to the entry they correct.
"""
import datetime

from peewee import (AutoField, BooleanField, CharField, Check, DateField, DateTimeField,
                    ForeignKeyField, IntegerField, Model, SqliteDatabase, TextField)

CATEGORIES = [
    # code, Dutch, English, direction
    ("koffie", "bijdrage koffie/thee", "coffee/tea contributions", "in"),
    ("donatie", "donatie", "donation", "in"),
    ("subsidie", "subsidie", "grant", "in"),
    ("verkoop", "verkoop", "sales", "in"),
    ("boodschappen", "boodschappen", "groceries", "out"),
    ("materiaal", "materiaal", "supplies", "out"),
    ("vrijwilligersvergoeding", "vrijwilligersvergoeding", "volunteer allowance", "out"),
    ("kasverschil", "kasverschil", "cash difference", "both"),
    ("storting", "storting naar bank", "deposit to bank", "out"),
    ("opname", "opname van bank", "withdrawal from bank", "in"),
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

    class CashCategory(Base):
        id = AutoField()
        code = CharField(max_length=30, unique=True)
        name_nl = CharField(max_length=60)
        name_en = CharField(max_length=60)
        direction = CharField(max_length=4, constraints=[Check("direction IN ('in', 'out', 'both')")])
        budget_cents = IntegerField(null=True, constraints=[Check("budget_cents >= 0")])  # per year
        sort = IntegerField(default=0)
        active = BooleanField(default=True)

    class CashEntry(Base):
        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        entry_date = DateField()
        direction = CharField(max_length=3, constraints=[Check("direction IN ('in', 'out')")])
        amount_cents = IntegerField(constraints=[Check("amount_cents > 0 AND amount_cents <= 10000000")])
        category = ForeignKeyField(CashCategory, on_delete="RESTRICT")
        description = CharField(max_length=200, default="")
        receipt_year = IntegerField()
        receipt_no = IntegerField(constraints=[Check("receipt_no > 0")])
        entered_by = ForeignKeyField(Account, on_delete="RESTRICT")
        entered_at = DateTimeField(default=datetime.datetime.utcnow)
        reverses = ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")

        class Meta:
            indexes = ((("room", "receipt_year", "receipt_no"), True), (("room", "entry_date"), False))

    class CashClosing(Base):
        id = AutoField()
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        day = DateField()
        opening_cents = IntegerField()
        in_cents = IntegerField()
        out_cents = IntegerField()
        expected_cents = IntegerField()
        counted_cents = IntegerField(constraints=[Check("counted_cents >= 0")])
        difference_cents = IntegerField()
        reason = TextField(default="")
        counts = TextField(default="")
        summary = TextField(default="")
        signed_by = ForeignKeyField(Account, on_delete="RESTRICT")
        signed_at = DateTimeField()
        prev_hash = CharField(max_length=64, default="")
        hash = CharField(max_length=64)

        class Meta:
            indexes = ((("room", "day"), True),)

    db.create_tables([CashCategory, CashEntry, CashClosing])
    CashCategory.insert_many([
        {"code": c, "name_nl": nl, "name_en": en, "direction": d, "sort": i}
        for i, (c, nl, en, d) in enumerate(CATEGORIES)]).execute()

    closed = ("EXISTS (SELECT 1 FROM cash_closing c WHERE c.room_id = NEW.room_id "
              "AND c.day = NEW.entry_date)")
    if isinstance(db, SqliteDatabase):
        db.execute_sql(f"CREATE TRIGGER cash_entry_closed_day BEFORE INSERT ON cash_entry WHEN {closed} "
                       "BEGIN SELECT RAISE(ABORT, 'cash day is closed'); END")
        for table in ("cash_entry", "cash_closing"):
            for op in ("UPDATE", "DELETE"):
                db.execute_sql(f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                               f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION bwk_cash_day_closed() RETURNS trigger AS $$ "
            f"BEGIN IF {closed} THEN RAISE EXCEPTION USING MESSAGE = 'cash day is closed'; END IF; "
            "RETURN NEW; END; $$ LANGUAGE plpgsql")
        db.execute_sql("CREATE TRIGGER cash_entry_closed_day BEFORE INSERT ON cash_entry "
                       "FOR EACH ROW EXECUTE FUNCTION bwk_cash_day_closed()")
        for table in ("cash_entry", "cash_closing"):
            db.execute_sql(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION bwk_append_only()")
            db.execute_sql(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                           "FOR EACH STATEMENT EXECUTE FUNCTION bwk_append_only()")
