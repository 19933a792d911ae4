"""Bewaartermijnen (retention), one step of the day's closing and ``bwk privacy retention``.

``retention_months`` (24): a person with no visit, no open match and no open follow-up for that
long is forgotten (anonymised, the counts kept: see ``forget``). ``note_retention_months`` (12):
notes on visits older than that are removed. A person registered but never seen counts from the
day they were registered.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from db import write
from db.models import HelpOffer, HelpRequest, Match, Person, Shift, ShiftAssignment, Visit, Volunteer

from bwk_tui.services.room import audit
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.text import display_name
from bwk_tui.services.matching.requests import ACTIVE, PROPOSED
from bwk_tui.services.privacy import forget

CHUNK = 900  # ids per IN (...): well below SQLite's limit on variables


@dataclasses.dataclass(frozen=True)
class Due:
    id: int
    name: str
    last_visit: dt.date | None
    registered: dt.date


@dataclasses.dataclass(frozen=True)
class Plan:
    person_cutoff: dt.date  # no visit on or after this day
    note_cutoff: dt.date  # notes on visits before this day go
    persons: list[Due]
    notes: int


def _utc_midnight(day: dt.date) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(), tzinfo=clock.AMSTERDAM)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _due_query(cutoff: dt.date):
    open_matches = Match.status.in_((PROPOSED, ACTIVE))
    asking = HelpRequest.select(HelpRequest.person).join(Match).where(open_matches)
    helping = (HelpOffer.select(HelpOffer.person).join(Match)
               .where(open_matches, HelpOffer.person.is_null(False)))
    follow_ups = Visit.select(Visit.person).where(Visit.follow_up_date.is_null(False), Visit.follow_up_done.is_null())
    unpaid = (Volunteer.select(Volunteer.person).join(ShiftAssignment, on=(ShiftAssignment.volunteer == Volunteer.id))
              .join(Shift).where(Volunteer.person.is_null(False), ShiftAssignment.minutes.is_null(False),
                                 Shift.shift_date >= clock.today().replace(day=1)))
    quiet = ((Person.last_visit_date < cutoff)
             | (Person.last_visit_date.is_null() & (Person.created_at < _utc_midnight(cutoff))))
    return (Person.select(Person.id, Person.first_name, Person.last_name, Person.last_visit_date, Person.created_at)
            .where(Person.forgotten_at.is_null(), Person.merged_into.is_null(), quiet,
                   Person.id.not_in(asking), Person.id.not_in(helping), Person.id.not_in(follow_ups),
                   Person.id.not_in(unpaid))
            .order_by(Person.last_visit_date, Person.id))


def plan() -> Plan:
    """What the retention rules would remove today (nothing is changed)."""
    person_cutoff = forget.last_visit_before(settings.get_int("retention_months"))
    note_cutoff = forget.last_visit_before(settings.get_int("note_retention_months"))
    due = [Due(p.id, display_name(p.first_name, p.last_name), p.last_visit_date, clock.to_local(p.created_at).date())
           for p in _due_query(person_cutoff)]
    notes = Visit.select().where(Visit.visit_date < note_cutoff, Visit.note.is_null(False)).count()
    return Plan(person_cutoff, note_cutoff, due, notes)


@dataclasses.dataclass(frozen=True)
class Applied:
    persons: int  # anonymised (with the records merged into them)
    notes: int  # old visit notes removed


def apply(actor_id: int | None) -> Applied:
    """Apply the retention rules in one transaction (the closing calls it inside its own).
    Call ``after_commit`` once the transaction is committed."""
    with write():
        person_cutoff = forget.last_visit_before(settings.get_int("retention_months"))
        note_cutoff = forget.last_visit_before(settings.get_int("note_retention_months"))
        ids = [p.id for p in _due_query(person_cutoff)]
        group = list(ids)
        for chunk in range(0, len(ids), CHUNK):
            group += [p.id for p in Person.select(Person.id).where(Person.merged_into.in_(ids[chunk:chunk + CHUNK]))]
        notes = (Visit.update(note=None).where(Visit.visit_date < note_cutoff, Visit.note.is_null(False))
                 .execute())
        if notes:
            audit.record(actor_id, "privacy.note_retention", "visit", None,
                         f"notes={notes}; before={note_cutoff.isoformat()}")
        for chunk in range(0, len(group), CHUNK):
            forget.forget_unchecked(group[chunk:chunk + CHUNK], "privacy.retention", actor_id)
    return Applied(len(ids), notes)


def after_commit(applied: Applied) -> None:
    """After the transaction: the forget-list, and the WAL truncated so no old text stays in it."""
    if applied.persons or applied.notes:
        if applied.persons:
            forget.write_list()
        forget.checkpoint()


@coordinator_only
def run(session: Session) -> Applied:
    """``bwk privacy retention``: apply the rules now (outside a closing)."""
    applied = apply(session.account_id)
    after_commit(applied)
    return applied
