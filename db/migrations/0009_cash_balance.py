"""The database itself keeps the cash box at or above zero.

``cash_balance`` holds each room's balance (all money in minus all money out); a trigger on
every new cash entry moves it and refuses money out that would take it below zero. The
service checks the same rule first (with a plain message, and day by day); this is the
guard for anything that slips past it: two desks at once, a script, a bug. The balance row
is also the point where two inserts for one room meet on PostgreSQL (a row lock), so the
second sees the first's amount.

A room that is below zero already (from before this guard) is not refused money in, only
further money out; ``bwk check`` reports the days it went below zero.
"""
from peewee import AutoField, ForeignKeyField, IntegerField, Model, SqliteDatabase

REFUSED = "cash balance would go below zero"


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        id = AutoField()

    class CashBalance(Base):
        room = ForeignKeyField(Room, primary_key=True, on_delete="RESTRICT")
        balance_cents = IntegerField()

    db.create_tables([CashBalance])
    db.execute_sql(
        "INSERT INTO cash_balance (room_id, balance_cents) "
        "SELECT room_id, SUM(CASE WHEN direction = 'in' THEN amount_cents ELSE -amount_cents END) "
        "FROM cash_entry GROUP BY room_id")
    delta = "CASE WHEN NEW.direction = 'in' THEN NEW.amount_cents ELSE -NEW.amount_cents END"
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE TRIGGER cash_entry_balance_guard BEFORE INSERT ON cash_entry "
            "WHEN NEW.direction = 'out' AND COALESCE((SELECT balance_cents FROM cash_balance "
            "WHERE room_id = NEW.room_id), 0) - NEW.amount_cents < 0 "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END")
        db.execute_sql(
            "CREATE TRIGGER cash_entry_balance AFTER INSERT ON cash_entry BEGIN "
            "INSERT OR IGNORE INTO cash_balance (room_id, balance_cents) VALUES (NEW.room_id, 0); "
            f"UPDATE cash_balance SET balance_cents = balance_cents + {delta} WHERE room_id = NEW.room_id; "
            "END")
    else:
        # The UPDATE takes the balance row's lock: a second insert for the room waits for the
        # first to commit and then re-reads the row (READ COMMITTED), so both cannot pass.
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION bwk_cash_balance() RETURNS trigger AS $$ "
            "DECLARE after_cents bigint; BEGIN "
            "INSERT INTO cash_balance (room_id, balance_cents) VALUES (NEW.room_id, 0) "
            "ON CONFLICT (room_id) DO NOTHING; "
            f"UPDATE cash_balance SET balance_cents = balance_cents + {delta} WHERE room_id = NEW.room_id "
            "RETURNING balance_cents INTO after_cents; "
            "IF NEW.direction = 'out' AND after_cents < 0 THEN "
            f"RAISE EXCEPTION USING MESSAGE = '{REFUSED}', ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END; $$ LANGUAGE plpgsql")
        db.execute_sql("CREATE TRIGGER cash_entry_balance BEFORE INSERT ON cash_entry "
                       "FOR EACH ROW EXECUTE FUNCTION bwk_cash_balance()")
