"""The audit log becomes a hash chain (each row's hash over its content and the previous row's
hash), and each closing seals the chain's head in its own hash (``cash_closing.audit_hash``).
Existing rows are chained here, in id order; the append-only guard is lifted only for that."""
from peewee import AutoField, CharField, DateTimeField, IntegerField, Model, SqliteDatabase, TextField

from db.chain import row_hash


def up(migrator, db):
    class AuditLog(Model):
        id = AutoField()
        at = DateTimeField()
        account_id = IntegerField(null=True, column_name="account_id")
        action = CharField()
        entity = CharField()
        entity_id = IntegerField(null=True)
        detail = TextField()

        class Meta:
            database = db
            table_name = "audit_log"

    # Plain ADD COLUMN on both backends: no UPDATE of the guarded tables, no table rebuild.
    db.execute_sql("ALTER TABLE audit_log ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE cash_closing ADD COLUMN audit_hash VARCHAR(64) NOT NULL DEFAULT ''")
    sqlite = isinstance(db, SqliteDatabase)
    if sqlite:
        db.execute_sql("DROP TRIGGER audit_log_no_update")
    else:
        db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    prev = ""
    for row in AuditLog.select().order_by(AuditLog.id):
        prev = row_hash(prev, row.at, row.account_id, row.action, row.entity, row.entity_id, row.detail)
        mark = "?" if sqlite else "%s"
        db.execute_sql(f"UPDATE audit_log SET hash = {mark} WHERE id = {mark}", (prev, row.id))
    if sqlite:
        db.execute_sql("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    else:
        db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
