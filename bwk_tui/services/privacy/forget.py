"""Vergeten worden (AVG art. 17) that keeps the counts: a person is anonymised, not deleted.

What goes: names (first name or nickname, last name), the search key, languages, the
consent text, the notes on their visits, their help requests' descriptions, languages and
availability, the outcome texts of matches they were part of, and the lived experience, languages
and availability of a help offer of theirs. What stays, so every report of every past period gives
the same figures: the person as an anonymous row, the household link, PC4, housing corporation,
the birth year (the report's age bands count it; without a name it is one number among many),
every visit's date, room, domains and referral, the matches' dates and states.

A person merged into this one is forgotten with it (the merged record still holds the names).
Afterwards the WAL is checkpointed with TRUNCATE; with ``secure_delete`` on (db/connection.py)
nothing of the old texts remains in the database file or its WAL.

The forget-list (``bwk-vergeten.txt`` beside ``bwk.sqlite3``, named after the database file; mode 0600) holds the ids of every
forgotten person and nothing else; after a restore the ids are forgotten again (see ``reapply``),
so an older backup does not bring a forgotten person back.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from peewee import SqliteDatabase

from db import database, is_sqlite, write
from db.models import (HelpOffer, HelpOfferDomain, HelpRequest, Match, Person, ShiftAssignment, Shift, Visit,
                       Volunteer)

from bwk_tui.services import room
from bwk_tui.services.room import audit
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel import files
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.kernel.text import FORGOTTEN_NAME
from bwk_tui.services.matching.requests import ACTIVE, PROPOSED

_LIST_HEADER = "# bwk: ids of forgotten persons (AVG art. 17), applied again after every restore; no personal data\n"


@dataclasses.dataclass(frozen=True)
class Forgotten:
    person_ids: list[int]  # the person and any record merged into it
    notes: int  # visit notes removed
    requests: int  # help request texts removed
    checkpoint_ok: bool  # the WAL was truncated (False: another desk was reading; done at its next checkpoint)


def _get(person_id: int) -> Person:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise BwkError("error.person_unknown")
    return person


def _group(person_id: int) -> list[int]:
    """The person and every record merged into it (at any depth)."""
    ids, todo = [person_id], [person_id]
    while todo:
        found = [p.id for p in Person.select(Person.id).where(Person.merged_into.in_(todo))]
        found = [i for i in found if i not in ids]
        ids += found
        todo = found
    return ids


def refusal(person_id: int) -> BwkError | None:
    """Why this person cannot be forgotten now (None: they can): checked in now, an open match
    (proposed or running, as the one asking or as the helper), or a volunteer with hours in the
    current month (the month's allowance is not paid yet)."""
    person = _get(person_id)
    if person.merged_into_id is not None:
        return BwkError("error.forget_merged", other=person.merged_into_id)
    ids = _group(person_id)
    if Visit.select().where(Visit.person.in_(ids), Visit.visit_date == clock.today(),
                            Visit.left_at.is_null()).exists():
        return BwkError("error.forget_checked_in")
    open_match = Match.select().where(Match.status.in_((PROPOSED, ACTIVE)))
    asked = open_match.join(HelpRequest).where(HelpRequest.person.in_(ids))
    helps = (Match.select().where(Match.status.in_((PROPOSED, ACTIVE)))
             .join(HelpOffer).where(HelpOffer.person.in_(ids)))
    if asked.exists() or helps.exists():
        return BwkError("error.forget_open_match")
    month_start = clock.today().replace(day=1)
    unpaid = (ShiftAssignment.select().join(Shift).switch(ShiftAssignment).join(Volunteer)
              .where(Volunteer.person.in_(ids), ShiftAssignment.minutes.is_null(False),
                     Shift.shift_date >= month_start))
    if unpaid.exists():
        return BwkError("error.forget_unpaid_hours")
    return None


def _anonymise(ids: list[int]) -> tuple[int, int]:
    """Blank every text that names or describes these persons; counts stay. Inside a transaction."""
    now = clock.now_utc()
    Person.update(first_name=FORGOTTEN_NAME, last_name=None, search_key="", languages="",
                  consent_scope=None, forgotten_at=now).where(Person.id.in_(ids)).execute()
    notes = Visit.update(note=None).where(Visit.person.in_(ids), Visit.note.is_null(False)).execute()
    requests = [r.id for r in HelpRequest.select(HelpRequest.id).where(HelpRequest.person.in_(ids))]
    offers = [o.id for o in HelpOffer.select(HelpOffer.id).where(HelpOffer.person.in_(ids))]
    if requests:
        HelpRequest.update(description="", languages="", availability="").where(HelpRequest.id.in_(requests)).execute()
        # Nobody can help a person who is no longer known; the request is closed (reports do not count states).
        HelpRequest.update(status="closed").where(HelpRequest.id.in_(requests), HelpRequest.status == "open").execute()
        Match.update(outcome="").where(Match.request.in_(requests), Match.outcome != "").execute()
    if offers:
        # The offer stays as it was for the reports (reciprocity counts it); the matching desk no
        # longer proposes a forgotten helper (requests.load_offers).
        HelpOffer.update(languages="", availability="").where(HelpOffer.id.in_(offers)).execute()
        HelpOfferDomain.update(lived_experience=False).where(HelpOfferDomain.offer.in_(offers)).execute()
        Match.update(outcome="").where(Match.offer.in_(offers), Match.outcome != "").execute()
    return notes, len(requests)


def checkpoint() -> bool:
    """Move the WAL into the database file and truncate it, so no old page with a forgotten text
    stays in the WAL (SQLite; True on PostgreSQL). False when another connection was reading."""
    db = database.obj
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return True
    row = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(row) and row[0] == 0


@coordinator_only
def forget(session: Session, person_id: int, action: str = "person.forget") -> Forgotten:
    """Anonymise one person (and what was merged into them), in one transaction; refused with the
    reason when they are checked in now, have an open match or have unpaid hours."""
    with write():
        problem = refusal(person_id)
        if problem is not None:
            raise problem
        if _get(person_id).forgotten_at is not None:
            raise BwkError("error.forget_already")
        ids = _group(person_id)
        notes, requests = _anonymise(ids)
        audit.record(session.account_id, action, "person", person_id,
                     f"persons={len(ids)}; notes={notes}; requests={requests}")
    write_list()
    return Forgotten(ids, notes, requests, checkpoint())


@coordinator_only
def withdraw_consent(session: Session, person_id: int) -> Forgotten:
    """The person withdraws consent: the day is recorded and the person is forgotten, in one transaction."""
    with write():
        problem = refusal(person_id)
        if problem is not None:
            raise problem
        if _get(person_id).forgotten_at is not None:
            raise BwkError("error.forget_already")
        ids = _group(person_id)
        Person.update(consent_withdrawn_on=clock.today()).where(Person.id.in_(ids)).execute()
        notes, requests = _anonymise(ids)
        audit.record(session.account_id, "person.consent_withdrawn", "person", person_id,
                     f"persons={len(ids)}; notes={notes}; requests={requests}")
    write_list()
    return Forgotten(ids, notes, requests, checkpoint())


def forget_unchecked(person_ids: list[int], action: str, actor_id: int | None = None) -> int:
    """Anonymise these persons without the desk's refusals (retention, a restore); one transaction,
    one audit line. Returns how many rows were anonymised. Does not checkpoint."""
    with write():
        ids = [p.id for p in Person.select(Person.id).where(Person.id.in_(person_ids),
                                                             Person.forgotten_at.is_null())]
        if not ids:
            return 0
        notes, requests = _anonymise(ids)
        audit.record(actor_id, action, "person", None, f"persons={len(ids)}; notes={notes}; requests={requests}")
    return len(ids)


# --- the forget-list ------------------------------------------------------------------------------


def list_path() -> Path:
    """The forget-list beside the database; on PostgreSQL in the user's data folder, named after
    the database so two databases never share one list."""
    if is_sqlite():  # bwk.sqlite3 -> bwk-vergeten.txt; a demo in the same folder has its own
        return room.beside_database(f"{Path(database.obj.database).stem}-vergeten.txt")
    return room.beside_database(f"bwk-vergeten-{database.obj.database}.txt")


def read_list(path: Path | None = None) -> set[int]:
    path = path or list_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise BwkError("error.forget_list_read", path=str(path), reason=files.reason(exc)) from None
    return {int(line) for line in (x.strip() for x in text.splitlines()) if line.isdigit()}


def _forgotten_ids() -> set[int]:
    return {p.id for p in Person.select(Person.id).where(Person.forgotten_at.is_null(False))}


def write_list() -> Path:
    """Write the forget-list: every id it held and every forgotten person in the database (so a
    list that could not be written once is complete again the next time). Mode 0600."""
    path = list_path()
    ids = read_list(path) | _forgotten_ids()
    files.make_folder(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # write_atomically keeps the mode
    except FileExistsError:
        pass
    except OSError as exc:
        raise BwkError("error.out_write", path=str(path), reason=files.reason(exc)) from None
    files.write_text(_LIST_HEADER + "".join(f"{i}\n" for i in sorted(ids)), path)
    return path


def reapply(actor_id: int | None = None) -> int:
    """After a restore: forget again everyone on the forget-list (a backup from before they were
    forgotten still holds them). Returns how many came back and were forgotten again."""
    ids = read_list()
    if not ids:
        return 0
    again = forget_unchecked(sorted(ids), "privacy.reapply", actor_id)
    write_list()
    checkpoint()
    return again


def last_visit_before(months: int) -> dt.date:
    """The day ``months`` calendar months before today (for the retention rules)."""
    today = clock.today()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(year, month + 1, day)


def forgotten_on(person_id: int) -> dt.date | None:
    """The Amsterdam day this person was forgotten, or None."""
    at = Person.select(Person.forgotten_at).where(Person.id == person_id).scalar()
    return clock.to_local(at).date() if at else None
