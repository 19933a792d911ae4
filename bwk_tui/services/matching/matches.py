"""Matches (koppelingen): proposed -> active -> finished or stopped, and their contactmomenten."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

from peewee import JOIN

from db import serialise, write
from db.models import (Account, HelpOffer, HelpRequest, Match,
                       Person)

from bwk_tui.services.room import audit
from bwk_tui.services.room import settings
from bwk_tui.services.room.auth import coordinator_only, require_role
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.scoring import Reason
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.kernel.text import display_name
from bwk_tui.services.matching.requests import ACTIVE, DONE, PROPOSED, STOPPED, domain_names, offer_info, request_info
from bwk_tui.services.matching.scoring import explained, continued_pairs, raw_reasons, weights


@dataclasses.dataclass(frozen=True)
class MatchInfo:
    id: int
    request_id: int
    offer_id: int
    person_name: str  # who asked
    offer_name: str  # who helps
    status: str
    score: int
    reasons: list[Reason]
    proposed_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    outcome: str
    next_follow_up: dt.date | None


def _info_rows(where, limit: int | None = 200, order=None) -> list[MatchInfo]:
    asker = Person.alias()
    helper = Person.alias()
    query = (Match.select(Match, asker.first_name.alias("a_first"), asker.last_name.alias("a_last"),
                          helper.first_name.alias("h_first"), helper.last_name.alias("h_last"),
                          HelpOffer.person.alias("h_person"), Account.name.alias("h_account"))
             .join(HelpRequest, on=(Match.request == HelpRequest.id))
             .join(asker, on=(HelpRequest.person == asker.id))
             .switch(Match).join(HelpOffer, on=(Match.offer == HelpOffer.id))
             .join(helper, JOIN.LEFT_OUTER, on=(HelpOffer.person == helper.id))
             .switch(HelpOffer).join(Account, JOIN.LEFT_OUTER, on=(HelpOffer.account == Account.id))
             .where(where).order_by(*(order or (Match.id.desc(),))))
    if limit is not None:
        query = query.limit(limit)
    names = domain_names()
    out = []
    for m in query.objects():
        raw = json.loads(m.reasons) if m.reasons else []
        offer_name = display_name(m.h_first, m.h_last) if m.h_person else (m.h_account or "?")
        out.append(MatchInfo(m.id, m.request_id, m.offer_id, display_name(m.a_first, m.a_last), offer_name,
                             m.status, m.score, explained(raw, names), m.proposed_at, m.started_at, m.ended_at,
                             m.outcome, m.next_follow_up))
    return out


def _match_info(match_id: int) -> MatchInfo:
    found = _info_rows(Match.id == match_id, 1)
    if not found:
        raise BwkError("error.match_unknown")
    return found[0]


def _lock_offer(offer_id: int) -> None:
    """Serialise matching in the offer's room: its capacity and the request's one match hold
    when two desks propose or confirm at once (SQLite's IMMEDIATE does it; on PostgreSQL an
    advisory lock per room, which also covers two offers competing for one request)."""
    room_id = HelpOffer.select(HelpOffer.room).where(HelpOffer.id == offer_id).scalar()
    if room_id is not None:
        serialise("matching", room_id)


@coordinator_only
def propose(session, request_id: int, offer_id: int) -> MatchInfo:
    """Coordinator: record a proposed match (status voorgesteld) with its score and reasons."""
    with write():
        _lock_offer(offer_id)
        req, off = request_info(request_id), offer_info(offer_id)
        if req.status != "open" or Match.select().where(Match.request == request_id,
                                                        Match.status.in_((PROPOSED, ACTIVE))).exists():
            raise BwkError("error.match_request_not_open")
        if not off.active:
            raise BwkError("error.match_offer_inactive")
        if not set(req.domain_ids) & set(off.domain_ids):
            raise BwkError("error.match_no_common_domain")
        if off.remaining <= 0:
            raise BwkError("error.match_offer_full", name=off.name, capacity=off.capacity)
        raw = raw_reasons(req, off, weights(), continued_pairs())
        match = Match.create(request=request_id, offer=offer_id, status=PROPOSED,
                             score=sum(points for _, _, points in raw), reasons=json.dumps(raw),
                             proposed_at=clock.now_utc())
        audit.record(session.account_id, "match.propose", "match", match.id,
                     f"request={request_id} offer={offer_id}")
    return _match_info(match.id)


@coordinator_only
def confirm(session, match_id: int) -> MatchInfo:
    """Coordinator: voorgesteld -> actief; refused when the offer is at capacity. Sets the first follow-up."""
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        _lock_offer(match.offer_id)
        if match.status != PROPOSED:
            raise BwkError("error.match_not_proposed")
        offer = HelpOffer.get_by_id(match.offer_id)
        active = Match.select().where(Match.offer == match.offer_id, Match.status == ACTIVE).count()
        if not offer.active:
            raise BwkError("error.match_offer_inactive")
        if active >= offer.capacity:
            raise BwkError("error.match_offer_full", name=offer_info(offer.id).name, capacity=offer.capacity)
        if Match.select().where(Match.request == match.request_id, Match.status == ACTIVE).exists():
            raise BwkError("error.match_request_not_open")
        now = clock.now_utc()
        follow_up = clock.today() + dt.timedelta(days=max(1, settings.get_int("match_follow_up_days")))
        Match.update(status=ACTIVE, started_at=now, confirmed_by=session.account_id,
                     next_follow_up=follow_up).where(Match.id == match_id).execute()
        HelpRequest.update(status="matched").where(HelpRequest.id == match.request_id).execute()
        audit.record(session.account_id, "match.confirm", "match", match_id)
    return _match_info(match_id)


@coordinator_only
def finish(session, match_id: int, outcome: str, stopped: bool = False) -> MatchInfo:
    """Coordinator: actief -> afgerond (or gestopt), with an outcome; the request is closed.

    A proposal that is turned down (voorgesteld, stopped=True) becomes gestopt and its request
    stays open for another helper."""
    outcome = " ".join((outcome or "").split())
    if len(outcome) > 300:
        raise InvalidInput("error.match_outcome_long", field="outcome")
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        if match.status == PROPOSED and stopped:
            Match.update(status=STOPPED, ended_at=clock.now_utc(), outcome=outcome).where(Match.id == match_id).execute()
            audit.record(session.account_id, "match.decline", "match", match_id)
        elif match.status == ACTIVE:
            if not outcome:
                raise InvalidInput("error.match_outcome_empty", field="outcome")
            Match.update(status=STOPPED if stopped else DONE, ended_at=clock.now_utc(), outcome=outcome,
                         next_follow_up=None).where(Match.id == match_id).execute()
            HelpRequest.update(status="closed").where(HelpRequest.id == match.request_id).execute()
            audit.record(session.account_id, "match.stop" if stopped else "match.finish", "match", match_id)
        else:
            raise BwkError("error.match_not_active")
    return _match_info(match_id)


def matches(status: str | None = None, limit: int = 200) -> list[MatchInfo]:
    where = (Match.status == status) if status else (Match.id > 0)
    return _info_rows(where, limit)


def follow_ups_due(until: dt.date | None = None) -> list[MatchInfo]:
    """Active matches whose next follow-up is due (today or earlier)."""
    until = until or clock.today()
    return _info_rows((Match.status == ACTIVE) & (Match.next_follow_up <= until), None,
                      (Match.next_follow_up, Match.id))


def follow_up_done(session, match_id: int) -> MatchInfo:
    """The check-in happened: the next one is set `match_follow_up_every_days` later."""
    require_role(session, "volunteer")
    with write():
        match = Match.get_or_none(Match.id == match_id)
        if match is None:
            raise BwkError("error.match_unknown")
        if match.status != ACTIVE:
            raise BwkError("error.match_not_active")
        following = clock.today() + dt.timedelta(days=max(1, settings.get_int("match_follow_up_every_days")))
        Match.update(next_follow_up=following).where(Match.id == match_id).execute()
        audit.record(session.account_id, "match.follow_up", "match", match_id)
    return _match_info(match_id)
