"""Rooms, settings, accounts and the append-only audit log."""
import datetime

from peewee import (AutoField, BooleanField, CharField, Check, DateTimeField,
                    ForeignKeyField, IntegerField, Model, SqliteDatabase, TextField)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        id = AutoField()
        name = CharField(max_length=80, unique=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class Setting(Base):
        key = CharField(max_length=64, primary_key=True)
        value = TextField()

    class Account(Base):
        id = AutoField()
        name = CharField(max_length=60, constraints=[Check("length(name) > 0")])
        name_key = CharField(max_length=60, unique=True)
        role = CharField(max_length=12, constraints=[Check("role IN ('volunteer', 'coordinator')")])
        language = CharField(max_length=2, default="nl", constraints=[Check("language IN ('nl', 'en')")])
        pin_hash = CharField(max_length=255, constraints=[Check("substr(pin_hash, 1, 10) = '$argon2id$'")])
        failed_pins = IntegerField(default=0, constraints=[Check("failed_pins >= 0")])
        lockouts = IntegerField(default=0, constraints=[Check("lockouts >= 0")])
        locked_until = DateTimeField(null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class AuditLog(Base):
        id = AutoField()
        at = DateTimeField(index=True)
        account = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
        action = CharField(max_length=40)
        entity = CharField(max_length=40, default="")
        entity_id = IntegerField(null=True)
        detail = TextField(default="")

    db.create_tables([Room, Setting, Account, AuditLog])

    if isinstance(db, SqliteDatabase):
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION bwk_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION bwk_append_only()"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION bwk_append_only()"
        )
