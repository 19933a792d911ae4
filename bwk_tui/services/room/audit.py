"""The append-only audit log: who did what to which record, and when.

Details never contain personal data or PINs: only ids and short facts.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN

from db import write
from db.models import Account, AuditLog

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import NotAllowed


def record(actor_id: int | None, action: str, entity: str = "", entity_id: int | None = None,
           detail: str = "") -> None:
    """Append one line. Call it inside the transaction of the change it describes."""
    with write():
        AuditLog.create(at=clock.now_utc(), account=actor_id, action=action, entity=entity,
                        entity_id=entity_id, detail=detail)


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
