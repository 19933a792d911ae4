"""The demo's closings: the closed days of the cash book as CashClosing rows, signed as closing.close() signs them.

The cash book decides each day's count as it goes; once every entry (and every visit) is in,
each closed day gets its summary (what closing.summary() tells of the day, for all days at
once) and its place in the room's hash chain.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json

from peewee import fn

from db.models import CashClosing, HelpDomain, Person, Visit, VisitDomain, WalkIn

from bwk_tui.services.closing import chain

from bwk_tui.demo.base import _Base, _insert


def _empty_summary() -> dict:
    return {"visits": 0, "households": 0, "walk_ins": 0, "new_persons": 0, "domains": {}, "matches_started": 0,
            "follow_ups_due": 0, "cash_in_cents": 0, "cash_out_cents": 0}


class _Closings(_Base):
    """The closings part of the builder, which the cash book part hands its closed days to."""

    def insert_closings(self, closings: list[dict]) -> int:
        """The closed days as CashClosing rows, signed as closing.close() signs them: each with its
        day's summary and its place in the room's hash chain. Returns how many."""
        cal, scale = self.calendar, self.scale
        summaries = self.day_summaries()
        # The chain: each closing's hash over its fields, its day's entries and the previous hash.
        previous = [""] * scale.rooms
        closing_rows = []
        next_closing = (CashClosing.select(CashClosing.id).order_by(CashClosing.id.desc()).scalar() or 0) + 1
        for number, c in enumerate(closings):
            room, day, fields = c["room"], c["day"], c["fields"]
            room_id, date = self.room_ids[room], cal.dates[day]
            digest = chain.compute_hash(room_id, date, fields, previous[room])
            summary = summaries.get((room_id, date)) or _empty_summary()
            summary["cash_in_cents"], summary["cash_out_cents"] = fields["in_cents"], fields["out_cents"]
            closing_rows.append((
                next_closing + number, room_id, date, fields["opening_cents"], fields["in_cents"],
                fields["out_cents"], fields["expected_cents"], fields["counted_cents"], fields["difference_cents"],
                fields["reason"], fields["counts"], json.dumps(summary, ensure_ascii=False), fields["signed_by_id"],
                cal.utc(day, c["sec"]), previous[room], digest))
            previous[room] = digest
        _insert(CashClosing, [CashClosing.id, CashClosing.room, CashClosing.day, CashClosing.opening_cents,
                              CashClosing.in_cents, CashClosing.out_cents, CashClosing.expected_cents,
                              CashClosing.counted_cents, CashClosing.difference_cents, CashClosing.reason,
                              CashClosing.counts, CashClosing.summary, CashClosing.signed_by,
                              CashClosing.signed_at, CashClosing.prev_hash, CashClosing.hash], closing_rows)
        return len(closing_rows)

    def day_summaries(self) -> dict[tuple[int, dt.date], dict]:
        """What closing.summary() tells of each day, for all days at once (a few grouped queries)."""
        result: dict[tuple[int, dt.date], dict] = {}

        def get(room_id: int, day) -> dict:
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            return result.setdefault((room_id, day), _empty_summary())

        for room_id, day, count, households in (
                Visit.select(Visit.room, Visit.visit_date, fn.COUNT(Visit.id),
                             fn.COUNT(fn.DISTINCT(fn.COALESCE(Person.household, Person.id * -1))))
                .join(Person).group_by(Visit.room, Visit.visit_date).tuples()):
            summary = get(room_id, day)
            summary["visits"], summary["households"] = count, households
        for room_id, day, count in (WalkIn.select(WalkIn.room, WalkIn.visit_date, fn.COUNT(WalkIn.id))
                                    .group_by(WalkIn.room, WalkIn.visit_date).tuples()):
            get(room_id, day)["walk_ins"] = count
        first = (Visit.select(Visit.person, fn.MIN(Visit.visit_date).alias("first_day")).group_by(Visit.person))
        for room_id, day, count in (
                Visit.select(Visit.room, Visit.visit_date, fn.COUNT(fn.DISTINCT(Visit.person)))
                .join(first, on=((Visit.person == first.c.person_id) & (Visit.visit_date == first.c.first_day)))
                .group_by(Visit.room, Visit.visit_date).tuples()):
            get(room_id, day)["new_persons"] = count
        for room_id, day, name, count in (
                VisitDomain.select(Visit.room, Visit.visit_date, HelpDomain.name_nl, fn.COUNT(VisitDomain.visit))
                .join(HelpDomain).switch(VisitDomain).join(Visit)
                .group_by(Visit.room, Visit.visit_date, HelpDomain.name_nl).tuples()):
            get(room_id, day)["domains"][name] = count
        for summary in result.values():
            summary["domains"] = dict(sorted(summary["domains"].items(), key=lambda kv: -kv[1]))
        # Follow-ups due on a day: every open follow-up of the room dated on or before it.
        due: dict[int, list[dt.date]] = {}
        for room_id, day in (Visit.select(Visit.room, Visit.follow_up_date)
                             .where(Visit.follow_up_date.is_null(False), Visit.follow_up_done.is_null()).tuples()):
            due.setdefault(room_id, []).append(dt.date.fromisoformat(day) if isinstance(day, str) else day)
        for dates in due.values():
            dates.sort()
        for (room_id, day), summary in result.items():
            summary["follow_ups_due"] = bisect.bisect_right(due.get(room_id, []), day)
        return result
