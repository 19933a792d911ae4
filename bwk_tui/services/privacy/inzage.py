"""Inzage (AVG art. 15): everything bwk holds about one person, in one readable file (md or json).

Their fields, consent (given, withdrawn), household, every visit with its domains, referral,
follow-up and note, help requests with their matches, help offers, their volunteer profile and
hours if they are one, cash entries whose description names them (a search: cash descriptions
cannot be changed, so they are listed here), and who viewed or changed their record (the audit
rows). Making it is audited. Coordinators only.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from peewee import fn

from db import write
from db.models import (Account, AuditLog, CashEntry, HelpDomain, HelpOffer, HelpOfferDomain, HelpRequest,
                       HelpRequestDomain, Household, Match, Person, Room, Shift, ShiftAssignment, Visit,
                       VisitDomain, Volunteer)

from bwk_tui.i18n import t
from bwk_tui.services import room
from bwk_tui.services.room import audit
from bwk_tui.services.room.auth import Session, coordinator_only
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel import files
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel.text import FORGOTTEN_NAME, display_name
from bwk_tui.services.privacy.forget import _group

FORMATS = ("md", "json")
PERSON_FIELDS = ("id", "first_name", "last_name", "pc4", "languages", "housing_corporation", "birth_year",
                 "created_at", "last_visit_date", "forgotten_at")


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _domains(model, key, ids) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in range(0, len(ids), 900):
        for owner, name in (model.select(getattr(model, key), HelpDomain.name_nl).join(HelpDomain)
                            .where(getattr(model, key).in_(ids[chunk:chunk + 900])).tuples()):
            out.setdefault(owner, []).append(name)
    return out


def _name_terms(persons: list[Person]) -> list[str]:
    """The names to look for in cash descriptions: each name part of 3 letters or more."""
    terms = []
    for p in persons:
        for part in f"{p.first_name or ''} {p.last_name or ''}".split():
            if len(part) >= 3 and part.lower() not in terms:
                terms.append(part.lower())
    return terms


def collect(person_id: int) -> dict:
    """The whole record of one person (and of any record merged into it), as plain data."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise BwkError("error.person_unknown")
    ids = _group(person_id)
    rows = list(Person.select().where(Person.id.in_(ids)).order_by(Person.id))
    accounts = {a.id: a.name for a in Account.select(Account.id, Account.name)}
    rooms = {r.id: r.name for r in Room.select(Room.id, Room.name)}
    household = Household.get_or_none(Household.id == person.household_id) if person.household_id else None

    visits = list(Visit.select().where(Visit.person.in_(ids)).order_by(Visit.visit_date, Visit.id))
    visit_domains = _domains(VisitDomain, "visit", [v.id for v in visits])
    requests = list(HelpRequest.select().where(HelpRequest.person.in_(ids)).order_by(HelpRequest.id))
    request_domains = _domains(HelpRequestDomain, "request", [r.id for r in requests])
    offers = list(HelpOffer.select().where(HelpOffer.person.in_(ids)).order_by(HelpOffer.id))
    offer_domains: dict[int, list[str]] = {}
    for offer_id, name, lived in (HelpOfferDomain.select(HelpOfferDomain.offer, HelpDomain.name_nl,
                                                         HelpOfferDomain.lived_experience).join(HelpDomain)
                                  .where(HelpOfferDomain.offer.in_([o.id for o in offers])).tuples()):
        offer_domains.setdefault(offer_id, []).append(name + (" (ervaringsdeskundig)" if lived else ""))
    request_ids, offer_ids = [r.id for r in requests], [o.id for o in offers]
    matches = list(Match.select().where(Match.request.in_(request_ids) | Match.offer.in_(offer_ids))
                   .order_by(Match.id)) if (request_ids or offer_ids) else []

    volunteers = list(Volunteer.select().where(Volunteer.person.in_(ids)))
    hours = []
    for v in volunteers:
        per_month: dict[str, int] = {}
        for day, minutes in (ShiftAssignment.select(Shift.shift_date, ShiftAssignment.minutes).join(Shift)
                             .where(ShiftAssignment.volunteer == v.id, ShiftAssignment.minutes.is_null(False))
                             .tuples()):
            label = f"{day.year}-{day.month:02d}"
            per_month[label] = per_month.get(label, 0) + int(minutes)
        hours += [{"volunteer": v.id, "month": m, "minutes": n} for m, n in sorted(per_month.items())]

    cash = []
    terms = _name_terms(rows)
    if terms:
        where = None
        for term in terms:
            clause = fn.LOWER(CashEntry.description).contains(term)
            where = clause if where is None else (where | clause)
        cash = [{"date": _plain(c.entry_date), "room": rooms.get(c.room_id), "direction": c.direction,
                 "amount_cents": c.amount_cents, "amount": money(c.amount_cents),
                 "receipt": f"{c.receipt_year}-{c.receipt_no}", "description": c.description}
                for c in CashEntry.select().where(where).order_by(CashEntry.entry_date, CashEntry.id).limit(500)]

    visit_ids = [v.id for v in visits]
    audit_where = (AuditLog.entity == "person") & AuditLog.entity_id.in_(ids)
    for entity, owned in (("visit", visit_ids), ("help_request", request_ids), ("help_offer", offer_ids),
                          ("match", [m.id for m in matches])):
        if owned:
            audit_where |= (AuditLog.entity == entity) & AuditLog.entity_id.in_(owned)
    audit_rows = [{"at": _plain(a.at), "by": accounts.get(a.account_id), "action": a.action, "entity": a.entity,
                   "entity_id": a.entity_id, "detail": a.detail}
                  for a in AuditLog.select().where(audit_where).order_by(AuditLog.id)]

    return {
        "made_at": _plain(clock.now_utc()),
        "room": room.current_room_name(),
        "person": {name: _plain(getattr(person, name)) for name in PERSON_FIELDS},
        "merged_records": [{name: _plain(getattr(p, name)) for name in PERSON_FIELDS} for p in rows if p.id != person_id],
        "consent": {"given_on": _plain(person.consent_date), "scope": person.consent_scope,
                    "recorded_by": accounts.get(person.consent_by_id),
                    "withdrawn_on": _plain(person.consent_withdrawn_on)},
        "household": None if household is None else {
            "code": household.code, "pc4": household.pc4, "size": household.size,
            "members": Person.select().where(Person.household == household.id, Person.merged_into.is_null()).count()},
        "visits": [{"date": _plain(v.visit_date), "room": rooms.get(v.room_id), "arrived_at": _plain(v.arrived_at),
                    "left_at": _plain(v.left_at), "domains": visit_domains.get(v.id, []), "referral": v.referral,
                    "follow_up": _plain(v.follow_up_date), "follow_up_done": _plain(v.follow_up_done),
                    "note": v.note, "recorded_by": accounts.get(v.recorded_by_id)} for v in visits],
        "help_requests": [{"id": r.id, "created_at": _plain(r.created_at), "description": r.description,
                           "domains": request_domains.get(r.id, []), "languages": r.languages,
                           "availability": r.availability, "urgency": r.urgency, "status": r.status}
                          for r in requests],
        "help_offers": [{"id": o.id, "created_at": _plain(o.created_at), "domains": offer_domains.get(o.id, []),
                         "languages": o.languages, "availability": o.availability, "capacity": o.capacity,
                         "active": bool(o.active)} for o in offers],
        "matches": [{"id": m.id, "request": m.request_id, "offer": m.offer_id, "status": m.status,
                     "proposed_at": _plain(m.proposed_at), "started_at": _plain(m.started_at),
                     "ended_at": _plain(m.ended_at), "outcome": m.outcome} for m in matches],
        "volunteer": [{"account": accounts.get(v.account_id), "skills": v.skills, "languages": v.languages,
                       "availability": v.availability, "started_on": _plain(v.started_on), "active": bool(v.active)}
                      for v in volunteers],
        "volunteer_hours": hours,
        "cash_entries_naming": cash,
        "audit": audit_rows,
    }


def render_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _md_value(value) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if value == FORGOTTEN_NAME:
        return t("person.forgotten_name")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    # One line per value: a typed text cannot start a heading or a table of its own.
    return " ".join(str(value).split()).replace("|", "\\|")


def _md_table(rows: list[dict], columns: list[str]) -> list[str]:
    if not rows:
        return [t("inzage.none"), ""]
    out = ["| " + " | ".join(t(f"inzage.col.{c}") for c in columns) + " |",
           "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_md_value(r.get(c)) for c in columns) + " |" for r in rows]
    return out + [""]


def render_md(data: dict) -> str:
    p = data["person"]
    name = display_name(p["first_name"], p["last_name"])
    lines = [f"# {t('inzage.title', name=_md_value(name))}", "",
             t("inzage.intro", room=_md_value(data["room"]), made=data["made_at"][:16].replace("T", " ")), "",
             f"## {t('inzage.sec_person')}", ""]
    for key in PERSON_FIELDS:
        lines.append(f"- {t(f'inzage.field.{key}')}: {_md_value(p[key])}")
    for other in data["merged_records"]:
        lines.append(f"- {t('inzage.merged', id=other['id'], name=_md_value(display_name(other['first_name'], other['last_name'])))}")
    c = data["consent"]
    lines += ["", f"## {t('inzage.sec_consent')}", "",
              f"- {t('inzage.consent_given')}: {_md_value(c['given_on'])} ({_md_value(c['recorded_by'])})",
              f"- {t('inzage.consent_scope')}: {_md_value(c['scope'])}",
              f"- {t('inzage.consent_withdrawn')}: {_md_value(c['withdrawn_on'])}", "",
              f"## {t('inzage.sec_household')}", ""]
    h = data["household"]
    lines += ([f"- {t('inzage.household_line', code=h['code'], pc4=_md_value(h['pc4']), size=_md_value(h['size']), members=h['members'])}", ""]
              if h else [t("inzage.none"), ""])
    sections = [
        ("sec_visits", "visits", ["date", "room", "domains", "referral", "follow_up", "follow_up_done", "note",
                                  "recorded_by"]),
        ("sec_requests", "help_requests", ["id", "created_at", "description", "domains", "languages", "status"]),
        ("sec_offers", "help_offers", ["id", "created_at", "domains", "languages", "capacity", "active"]),
        ("sec_matches", "matches", ["id", "request", "offer", "status", "started_at", "ended_at", "outcome"]),
        ("sec_volunteer", "volunteer", ["account", "skills", "languages", "availability", "started_on", "active"]),
        ("sec_hours", "volunteer_hours", ["month", "minutes"]),
        ("sec_cash", "cash_entries_naming", ["date", "receipt", "direction", "amount", "description"]),
        ("sec_audit", "audit", ["at", "by", "action", "entity", "entity_id", "detail"]),
    ]
    for title, key, columns in sections:
        lines += [f"## {t('inzage.' + title)}", ""]
        if key == "cash_entries_naming":
            lines += [t("inzage.cash_note"), ""]
        lines += _md_table(data[key], columns)
    return "\n".join(lines)


def render(data: dict, fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput("error.inzage_format", formats=", ".join(FORMATS))
    return render_json(data) if fmt == "json" else render_md(data)


@coordinator_only
def export(session: Session, person_id: int, fmt: str = "md") -> str:
    """The inzage text of one person in ``fmt``; audited (who made it, for whom; no personal data)."""
    if fmt not in FORMATS:
        raise InvalidInput("error.inzage_format", formats=", ".join(FORMATS))
    with write():
        text = render(collect(person_id), fmt)
        audit.record(session.account_id, "privacy.inzage", "person", person_id, f"format={fmt}")
    return text


def inzage_dir() -> Path:
    return room.beside_database("inzage")


def default_path(person_id: int, fmt: str) -> Path:
    return inzage_dir() / f"inzage-{person_id}-{clock.today().isoformat()}.{fmt}"


@coordinator_only
def write_file(session: Session, person_id: int, fmt: str = "md", path: str | os.PathLike | None = None) -> Path:
    """Write the inzage of one person to ``path`` (default: inzage/ beside the database)."""
    target = Path(path) if path else default_path(person_id, fmt)
    text = export(session, person_id, fmt)
    files.make_folder(target.parent)
    return files.write_text(text, target)


# Parts of many surnames (tussenvoegsels) and everyday words of a cash description: not a name.
_NOT_NAMES = frozenset("van der den ter ten het des dos das del von voor met bij uit aan".split())


def registered_names_in(text: str, limit: int = 3) -> list[str]:
    """Words of ``text`` that are a registered (not forgotten) person's first or last name: the
    cash form warns, as a cash description can never be changed or forgotten afterwards."""
    from bwk_tui.services.kernel.text import fold

    words = list(dict.fromkeys(w for w in (fold(x.strip(".,;:!?()'\"")) for x in (text or "").split())
                               if len(w) >= 3 and w not in _NOT_NAMES))[:12]
    if not words:
        return []
    where = None
    for word in words:  # one pass over the persons for all words, not one per word
        clause = ((Person.search_key == word) | Person.search_key.startswith(word + " ")
                  | Person.search_key.contains(" " + word + " "))
        where = clause if where is None else (where | clause)
    keys = [p.search_key for p in Person.select(Person.search_key).where(
        Person.forgotten_at.is_null(), Person.merged_into.is_null(), where).limit(200)]
    found = [w for w in words if any(w in k.split(" ") for k in keys)]
    return found[:limit]
