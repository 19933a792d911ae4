"""The signed closing report is kept inside the (encrypted) database, not as a text file.

Until now each closing's report was also written as ``afsluitingen/afsluiting-ROOM-DAY.txt``
beside the database: a plain file with names in the cash descriptions. ``closing_report`` holds
the text as it was signed, one row per closing, never changed or removed (triggers).
"""
from peewee import AutoField, DateTimeField, ForeignKeyField, Model, SqliteDatabase, TextField

REFUSED = "a signed closing report is never changed"


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class CashClosing(Base):
        id = AutoField()

    class ClosingReport(Base):
        closing = ForeignKeyField(CashClosing, primary_key=True, on_delete="RESTRICT")
        text = TextField()
        created_at = DateTimeField()

    db.create_tables([ClosingReport])
    _take_in_the_files(db)
    if isinstance(db, SqliteDatabase):
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER closing_report_no_{event.lower()} BEFORE {event} ON closing_report "
                           f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END")
    else:
        db.execute_sql("CREATE OR REPLACE FUNCTION bwk_closing_report_frozen() RETURNS trigger AS $$ BEGIN "
                       f"RAISE EXCEPTION USING MESSAGE = '{REFUSED}', ERRCODE = 'check_violation'; END; "
                       "$$ LANGUAGE plpgsql")
        db.execute_sql("CREATE TRIGGER closing_report_frozen BEFORE UPDATE OR DELETE ON closing_report "
                       "FOR EACH ROW EXECUTE FUNCTION bwk_closing_report_frozen()")


def _take_in_the_files(db) -> None:
    """The reports signed before this migration: each ``afsluitingen/afsluiting-ROOM-DAY.txt`` of a
    closing in this database is taken in as it is. The files are removed after the commit, by the
    room's start (``room.remove_plain_reports``), never inside this transaction."""
    import datetime as dt
    from pathlib import Path

    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return
    folder = Path(db.database).resolve().parent / "afsluitingen"
    if not folder.is_dir():
        return
    closings = db.execute_sql("SELECT id, room_id, day FROM cash_closing").fetchall()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for closing_id, room_id, day in closings:
        path = folder / f"afsluiting-{room_id}-{str(day)[:10]}.txt"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        db.execute_sql("INSERT INTO closing_report (closing_id, text, created_at) VALUES (?, ?, ?)",
                       (closing_id, text, now))


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for event in ("update", "delete"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS closing_report_no_{event}")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS closing_report_frozen ON closing_report")
        db.execute_sql("DROP FUNCTION IF EXISTS bwk_closing_report_frozen()")
    db.execute_sql("DROP TABLE closing_report")
