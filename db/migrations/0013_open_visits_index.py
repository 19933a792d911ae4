"""An index on the visits nobody checked out yet ("Nu binnen").

F2 asks at every opening and after every check-in who is in: the open visits of the room up to
today. With only the (visit_date, room_id) index that read every visit of the room's history
(340 ms on the large demo of a million visits); the open ones are a few dozen.
"""


def up(migrator, db):
    db.execute_sql("CREATE INDEX visit_open ON visit (room_id, visit_date) WHERE left_at IS NULL")


def down(migrator, db):
    db.execute_sql("DROP INDEX visit_open")
