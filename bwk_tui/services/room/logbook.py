"""The Logboek (F8, coordinator): the audit log to read, newest first, a page at a time, filtered by
account, kind of action, the records of one or more persons, and day. Opening it is itself logged."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN

from db.models import Account, AuditLog

from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.text import fold
from bwk_tui.services.room import audit
from bwk_tui.services.room.auth import Session, coordinator_only

PAGE = 100


@dataclasses.dataclass(frozen=True)
class Filter:
    account: str = ""                    # part of an account's name
    action: str = ""                     # the start of the kind: "person", "visit.edit", "login"
    person_ids: tuple[int, ...] = ()     # rows about these persons (entity "person")
    day: dt.date | None = None           # Amsterdam day


@dataclasses.dataclass(frozen=True)
class Line:
    id: int
    at: dt.datetime
    account_name: str | None
    action: str
    entity: str
    entity_id: int | None
    detail: str


@coordinator_only
def open_logbook(session: Session) -> None:
    """Who read the log is in the log."""
    audit.record(session.account_id, "audit.view", "audit_log")


@coordinator_only
def page(session: Session, where: Filter = Filter(), before_id: int | None = None, limit: int = PAGE) -> list[Line]:
    """One page of lines, newest first; the next page starts before the last line's id."""
    query = (AuditLog.select(AuditLog.id, AuditLog.at, AuditLog.action, AuditLog.entity, AuditLog.entity_id,
                             AuditLog.detail, Account.name.alias("account_name"))
             .join(Account, join_type=JOIN.LEFT_OUTER).order_by(AuditLog.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    if where.account.strip():
        query = query.where(Account.name_key.contains(fold(where.account)))
    if where.action.strip():
        query = query.where(AuditLog.action.startswith(where.action.strip()))
    if where.person_ids:
        query = query.where((AuditLog.entity == "person") & AuditLog.entity_id.in_(list(where.person_ids)))
    if where.day is not None:
        start = dt.datetime.combine(where.day, dt.time(), tzinfo=clock.AMSTERDAM).astimezone(dt.timezone.utc)
        end = start + dt.timedelta(days=1)
        query = query.where((AuditLog.at >= start.replace(tzinfo=None)) & (AuditLog.at < end.replace(tzinfo=None)))
    return [Line(r.id, r.at, r.account_name, r.action, r.entity, r.entity_id, r.detail) for r in query.objects()]
