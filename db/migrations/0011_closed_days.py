"""A signed day is closed for the visitor log too, and no cash entry goes before the latest closing.

After a closing, the day's visits, their help domains and its walk-ins are what the signed
report counted: the database refuses a new visit or walk-in on a closed day, and any change
to one that the report could have counted (its day, room, arrival, referral, follow-up date,
note, domains) or its removal. Still allowed on a closed day's visit: erasing its note (the
AVG: forgetting a person, the retention of notes), checking out a visit
that was left open (``left_at`` from empty), marking its follow-up done, and moving it to the
person it is merged into (the person behind a visit, not the count).

The cash book's insert guard of migration 0004 refused an entry on a closed day only; an entry
on an open day *before* the latest closing changes the opening balance of every later closing.
It is now refused on any day on or before the room's latest closing.

Volunteer profiles get an "under 21" tick (``volunteer.under_21``): the law's hourly maximum of
the allowance is lower for volunteers under 21 (a tick, not a birth date: less personal data).

The services refuse all of this first, with a plain message; these are the guards for a
script, a second desk or a bug (``bwk check`` verifies that they are in place).
"""
from peewee import SqliteDatabase

CASH_CLOSED = "cash day is closed"
VISIT_CLOSED = "visit day is closed"


def _closed(row: str) -> str:
    return (f"EXISTS (SELECT 1 FROM cash_closing c WHERE c.room_id = {row}.room_id "
            f"AND c.day = {row}.visit_date)")


def _visit_closed(row: str) -> str:
    return (f"EXISTS (SELECT 1 FROM visit v JOIN cash_closing c ON c.room_id = v.room_id "
            f"AND c.day = v.visit_date WHERE v.id = {row}.visit_id)")


def _visit_changed(differ: str) -> str:
    """What of a visit the signed report counted: any of these changing is refused."""
    columns = ("room_id", "visit_date", "arrived_at", "referral", "follow_up_date", "recorded_by_id")
    changed = " OR ".join(f"NEW.{c} {differ} OLD.{c}" for c in columns)
    # A note may be erased (forgetting a person, the notes' retention: the AVG), never rewritten.
    note = f"(NEW.note {differ} OLD.note AND COALESCE(NEW.note, '') <> '')"
    return f"({changed} OR {note} OR (OLD.left_at IS NOT NULL AND NEW.left_at {differ} OLD.left_at))"


def up(migrator, db):
    # peewee's BooleanField: INTEGER on SQLite, BOOLEAN on PostgreSQL (as the model declares it).
    if isinstance(db, SqliteDatabase):
        db.execute_sql("ALTER TABLE volunteer ADD COLUMN under_21 INTEGER NOT NULL DEFAULT FALSE")
    else:
        db.execute_sql("ALTER TABLE volunteer ADD COLUMN under_21 BOOLEAN NOT NULL DEFAULT FALSE")
    latest = "(SELECT MAX(c.day) FROM cash_closing c WHERE c.room_id = NEW.room_id)"
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TRIGGER cash_entry_closed_day")
        db.execute_sql(f"CREATE TRIGGER cash_entry_closed_day BEFORE INSERT ON cash_entry "
                       f"WHEN NEW.entry_date <= {latest} "
                       f"BEGIN SELECT RAISE(ABORT, '{CASH_CLOSED}'); END")
        refuse = f"BEGIN SELECT RAISE(ABORT, '{VISIT_CLOSED}'); END"
        db.execute_sql(f"CREATE TRIGGER visit_closed_day_insert BEFORE INSERT ON visit "
                       f"WHEN {_closed('NEW')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER visit_closed_day_update BEFORE UPDATE ON visit "
                       f"WHEN ({_closed('OLD')} OR {_closed('NEW')}) AND {_visit_changed('IS NOT')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER visit_closed_day_delete BEFORE DELETE ON visit "
                       f"WHEN {_closed('OLD')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER walk_in_closed_day_insert BEFORE INSERT ON walk_in "
                       f"WHEN {_closed('NEW')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER walk_in_closed_day_update BEFORE UPDATE ON walk_in "
                       f"WHEN {_closed('OLD')} OR {_closed('NEW')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER walk_in_closed_day_delete BEFORE DELETE ON walk_in "
                       f"WHEN {_closed('OLD')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER visit_domain_closed_day_insert BEFORE INSERT ON visit_domain "
                       f"WHEN {_visit_closed('NEW')} {refuse}")
        db.execute_sql(f"CREATE TRIGGER visit_domain_closed_day_delete BEFORE DELETE ON visit_domain "
                       f"WHEN {_visit_closed('OLD')} {refuse}")
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION bwk_cash_day_closed() RETURNS trigger AS $$ "
        f"BEGIN IF NEW.entry_date <= {latest} THEN RAISE EXCEPTION USING MESSAGE = '{CASH_CLOSED}'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql")
    raise_closed = f"RAISE EXCEPTION USING MESSAGE = '{VISIT_CLOSED}'"
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION bwk_visit_day_closed() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' AND {_closed('NEW')} THEN {raise_closed}; END IF; "
        f"IF TG_OP = 'UPDATE' AND ({_closed('OLD')} OR {_closed('NEW')}) "
        f"AND {_visit_changed('IS DISTINCT FROM')} THEN {raise_closed}; END IF; "
        f"IF TG_OP = 'DELETE' THEN IF {_closed('OLD')} THEN {raise_closed}; END IF; RETURN OLD; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql")
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION bwk_walk_in_day_closed() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND {_closed('OLD')} THEN {raise_closed}; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND {_closed('NEW')} THEN {raise_closed}; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql")
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION bwk_visit_domain_day_closed() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' AND {_visit_closed('NEW')} THEN {raise_closed}; END IF; "
        f"IF TG_OP = 'DELETE' THEN IF {_visit_closed('OLD')} THEN {raise_closed}; END IF; RETURN OLD; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql")
    for table, function in (("visit", "bwk_visit_day_closed"), ("walk_in", "bwk_walk_in_day_closed"),
                            ("visit_domain", "bwk_visit_domain_day_closed")):
        db.execute_sql(f"CREATE TRIGGER {table}_closed_day BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {function}()")
