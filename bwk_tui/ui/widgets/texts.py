"""Texts that several screens show the same way: a score's reasons, someone's hours, a shift's title."""
from __future__ import annotations

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.scoring import Reason
from bwk_tui.services.roster.shifts import ShiftInfo


def reason_line(reason: Reason) -> str:
    return f"{reason.points:+d} {reason.text}"


def reasons_text(reasons: list[Reason], separator: str = " · ") -> str:
    """``+40 schulden · +20 ervaringsdeskundig: schulden · +15 spreekt Twi``: adds up to the score."""
    return separator.join(reason_line(r) for r in reasons)


def score_question(question_key: str, score: int, reasons: list[Reason], **names) -> str:
    """The text of a ConfirmModal: who with whom, the score, and each reason with its points."""
    lines = [t(question_key, **names), t("f4.score_line", score=score)]
    lines += [f"  {reason_line(r)}" for r in reasons]
    return "\n".join(lines)


def count_text(key: str, count: int) -> str:
    """``1 koffiebezoeker``, ``2 koffiebezoekers``: the singular has its own text (``key_one``)."""
    return t(f"{key}_one" if count == 1 else key, count=count)


def hours_text(entry) -> str:
    """The hours of someone on a shift (an OnShift or AttendanceLine): worked, or signed in since."""
    if entry.minutes is not None:
        return t("f3.hours_done", hours=clock.hours(entry.minutes))
    if entry.signed_in_at is not None:
        return t("f3.hours_in", time=clock.clock_time(entry.signed_in_at))
    return ""


def shift_title(shift: ShiftInfo) -> str:
    """"donderdag 26 november · ochtend 09:00-12:30"."""
    return t("f3.shift_title", day=clock.day(shift.shift_date, "EEEE d MMMM"),
             dagdeel=t(f"roster.dagdeel_{shift.dagdeel}"), times=shift.times)
