"""The append-only audit log: who did what to which record, and when.

Rows form a hash chain (``db/chain.py``): each row's hash covers its content and the previous
row's hash, and each closing seals the chain's head. The database refuses UPDATE and DELETE;
``bwk check`` recomputes the chain, so a row changed or removed behind the guard's back is found.
Details hold ids, short facts, and for edits the fields that changed with their old and new
values (never a PIN or a note's text: only that they changed).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN

from db import database, is_sqlite, write
from db.chain import CHAIN_LOCK, row_hash
from db.models import Account, AuditLog

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import NotAllowed


def record(actor_id: int | None, action: str, entity: str = "", entity_id: int | None = None,
           detail: str = "") -> None:
    """Append one line. Call it inside the transaction of the change it describes."""
    with write():
        if not is_sqlite(database.obj):
            # Two desks appending at once must not both chain onto the same head: on SQLite the
            # IMMEDIATE write lock serialises them, on PostgreSQL this transaction-level lock does.
            database.obj.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
        at = clock.now_utc()
        entity = entity or ""
        detail = detail or ""
        chained = row_hash(head(), at, actor_id, action, entity, entity_id, detail)
        AuditLog.create(at=at, account=actor_id, action=action, entity=entity, entity_id=entity_id,
                        detail=detail, hash=chained)


def head() -> str:
    """The newest row's hash ("" on an empty log)."""
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).first()
    return last.hash if last is not None else ""


def first_broken_row() -> int | None:
    """The id of the first row whose hash does not follow from its content and its predecessor
    (a row changed, removed or put in between), or None when the whole chain holds."""
    prev = ""
    for row in (AuditLog.select(AuditLog.id, AuditLog.at, AuditLog.account, AuditLog.action, AuditLog.entity,
                                AuditLog.entity_id, AuditLog.detail, AuditLog.hash)
                .order_by(AuditLog.id).iterator()):
        expected = row_hash(prev, row.at, row.account_id, row.action, row.entity, row.entity_id, row.detail)
        if row.hash != expected:
            return row.id
        prev = row.hash
    return None


def has_row_with_hash(value: str) -> bool:
    return AuditLog.select().where(AuditLog.hash == value).exists()


def changes(before: dict, after: dict, secret: tuple[str, ...] = ("note", "pin", "pin_hash")) -> dict:
    """``{field: [old, new]}`` for every field whose value changed; a secret field (a note, a PIN)
    is only named: ``{field: "gewijzigd"}``. Values become text (dates as ISO)."""
    out: dict = {}
    for key, new in after.items():
        old = before.get(key)
        if old == new:
            continue
        if key in secret:
            out[key] = "gewijzigd"
        else:
            out[key] = [_plain(old), _plain(new)]
    return out


def _plain(value):
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


SECRET_FIELDS = ("note", "pin", "pin_hash")


def change_detail(before: dict, after: dict, secret: tuple[str, ...] = (), **extra) -> str:
    """The detail of an edit's audit row: JSON of what changed (see ``changes``); ``secret`` names
    more fields that are only said to have changed."""
    import json

    found = changes(before, after, SECRET_FIELDS + tuple(secret))
    return json.dumps({**extra, "changed": found}, ensure_ascii=False, sort_keys=True)


@dataclasses.dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    account_name: str | None
    action: str
    entity: str
    entity_id: int | None
    detail: str


def recent(session, limit: int = 50, before_id: int | None = None) -> list[AuditLine]:
    """The newest lines first (coordinators only).

    ``session`` is an auth.Session. The role is checked here by hand: auth imports this
    module to write its lines, so this one cannot import auth's require_role.
    """
    if session is None:
        raise NotAllowed("error.not_logged_in")
    if session.role != "coordinator":
        raise NotAllowed("error.coordinator_only")
    # .objects(): the joined name lands on the row itself (with a model join peewee
    # would replace row.account_id by a partial Account without an id).
    query = (AuditLog.select(AuditLog, Account.name.alias("account_name"))
             .join(Account, join_type=JOIN.LEFT_OUTER)
             .order_by(AuditLog.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    return [AuditLine(row.at, row.account_name, row.action, row.entity, row.entity_id, row.detail)
            for row in query.objects()]
