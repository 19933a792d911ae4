"""Peer support in the funders' report and the closing: matches started, active, ended, and
residents who were helped and now help (wederkerigheid)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import fn

from db.models import (HelpOffer, HelpRequest, Match)

from bwk_tui.services.kernel.clock import AMSTERDAM


def reciprocity(start: dt.date, end: dt.date, room_id: int | None = None) -> int:
    """Persons who were helped (a match of theirs started before ``end``) and offer help themselves."""
    since, until = _utc_midnight(start), _utc_midnight(end + dt.timedelta(days=1))
    helped = (HelpRequest.select(HelpRequest.person).join(Match)
              .where(Match.started_at.is_null(False), Match.started_at < until))
    offering = (HelpOffer.select(fn.COUNT(fn.DISTINCT(HelpOffer.person)))
                .where(HelpOffer.person.in_(helped), HelpOffer.created_at < until,
                       (HelpOffer.active == True) | (HelpOffer.created_at >= since)))  # noqa: E712
    if room_id is not None:
        offering = offering.where(HelpOffer.room == room_id)
    return offering.scalar() or 0


def _utc_midnight(day: dt.date) -> dt.datetime:
    """Local (Amsterdam) midnight of ``day`` as the naive UTC time the database stores."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=AMSTERDAM)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def matches_started(start: dt.date, end: dt.date, room_id: int | None = None) -> int:
    """Matches that started (were confirmed) on a day in [start, end] (for reports and the closing)."""
    return match_counts(start, end, room_id).started


@dataclasses.dataclass(frozen=True)
class MatchCounts:
    started: int  # confirmed in the period
    active: int  # running at the end of the period
    ended: int  # afgerond or gestopt in the period


def match_counts(start: dt.date, end: dt.date, room_id: int | None = None) -> MatchCounts:
    """Matches of the requests of one room (all rooms when None) in the period [start, end]."""
    since, until = _utc_midnight(start), _utc_midnight(end + dt.timedelta(days=1))
    base = Match.select().join(HelpRequest)
    if room_id is not None:
        base = base.where(HelpRequest.room == room_id)
    started = base.where(Match.started_at >= since, Match.started_at < until).count()
    active = base.where(Match.started_at < until, Match.started_at.is_null(False),
                        Match.ended_at.is_null() | (Match.ended_at >= until)).count()
    ended = base.where(Match.started_at.is_null(False), Match.ended_at >= since, Match.ended_at < until).count()
    return MatchCounts(started, active, ended)
