"""Time as the room knows it: stored in UTC, shown and counted in Amsterdam time.

Now and today, times of day, weeks, months and report periods: parsed from what a person
types, formatted the way they read them (Babel, in their locale). Services call
``clock.today()`` through this module, so that one patch moves time for the whole app.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from bwk_tui.i18n import current_locale
from bwk_tui.services.kernel.errors import InvalidInput, UsageError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now_utc() -> dt.datetime:
    """Now, as a naive UTC datetime (how the database stores times)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_local(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as Amsterdam wall-clock time."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(AMSTERDAM)


def to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """Amsterdam wall-clock ``time`` on ``day`` as a stored (naive UTC) time."""
    local = dt.datetime.combine(day, time, tzinfo=AMSTERDAM)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def today() -> dt.date:
    """The room's calendar day."""
    return to_local(now_utc()).date()


def day(value: dt.date, style: str = "full", locale: str | None = None) -> str:
    """``woensdag 25 november 2026``."""
    from babel.dates import format_date

    return format_date(value, format=style, locale=locale or current_locale())


def clock_time(moment: dt.datetime, locale: str | None = None) -> str:
    """A stored UTC time as Amsterdam wall-clock time, ``14:05``."""
    from babel.dates import format_time

    return format_time(to_local(moment), format="short", locale=locale or current_locale())


def moment(moment: dt.datetime, locale: str | None = None) -> str:
    from babel.dates import format_datetime

    return format_datetime(to_local(moment), format="short", locale=locale or current_locale())


def hours(minutes: int, locale: str | None = None) -> str:
    """``450`` minutes -> ``7,5`` (nl) or ``7.5`` (en); ``271`` -> ``4,5``; ``600`` -> ``10``.

    The one way bwk writes hours, on every screen, print and export: at most one decimal, rounded half
    up (never ``4,52`` beside ``3,5``)."""
    from decimal import ROUND_HALF_UP

    from babel.numbers import format_decimal

    tenths = (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_decimal(tenths, format="#,##0.#", locale=locale or current_locale())


def month_name(year: int, month: int, locale: str | None = None) -> str:
    """``november 2026``."""
    from babel.dates import format_date

    return format_date(dt.date(year, month, 1), format="LLLL y", locale=locale or current_locale())


def parse_time(text: str, field: str = "starts") -> int:
    """"9", "9:30", "09.30", "0930" -> minutes after midnight; InvalidInput otherwise."""
    raw = (text or "").strip().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?", raw)
    if match is None:
        raise InvalidInput("error.roster_time", field=field, value=text or "")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise InvalidInput("error.roster_time", field=field, value=text)
    return hours * 60 + minutes


def time_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def times_text(starts_min: int, ends_min: int) -> str:
    """(540, 750) -> "09:00-12:30"."""
    return f"{time_text(starts_min)}-{time_text(ends_min)}"


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# Years a desk can mean. Beyond them date arithmetic overflows (9999-W52 plus six days): refused
# plainly, before anything is computed.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _check_year(year: int, error=None, **params) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise (error or UsageError)("error.year_range", first=FIRST_YEAR, last=LAST_YEAR, **params)


def parse_week(text: str | None) -> dt.date:
    """"2026-W48" (ISO week) -> its Monday; None -> this week's Monday."""
    if not text:
        return week_start(today())
    match = re.fullmatch(r"([0-9]{4})-?[Ww]([0-9]{1,2})", text.strip())
    if match is None:
        raise InvalidInput("error.roster_week", field="week", value=text)
    _check_year(int(match.group(1)), InvalidInput, field="week")
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InvalidInput("error.roster_week", field="week", value=text) from None


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_month(text: str | None) -> tuple[int, int]:
    """"2026-11" -> (2026, 11); None -> this month."""
    if not text:
        day = today()
        return day.year, day.month
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("error.roster_month", field="month", value=text)
    _check_year(int(match.group(1)), InvalidInput, field="month")
    return int(match.group(1)), int(match.group(2))


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def year_earlier(self) -> "Period":
        def back(d: dt.date) -> dt.date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:  # 29 February
                return d.replace(year=d.year - 1, day=28)
        start, end = back(self.start), back(self.end)
        if self.label.startswith(str(self.start.year)) and "–" not in self.label:
            return Period(start, end, str(start.year) + self.label[4:])  # 2026-Q3 -> 2025-Q3
        return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")


_QUARTER = re.compile(r"^([0-9]{4})-?Q([1-4])$", re.I)


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


_YEAR = re.compile(r"^([0-9]{4})$")


def month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))


def _date(text: str, option: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("error.report_date", option=option, value=text) from None
    _check_year(day.year)
    return day


def parse_period(period: str | None = None, date_from: str | None = None, date_to: str | None = None) -> Period:
    """``2026-Q3``, ``2026-07``, ``2026``, or ``--from``/``--to`` (ISO dates); default: this year so far."""
    if period and (date_from or date_to):
        raise UsageError("error.report_period_and_dates")
    if period:
        text = period.strip()
        if re.match(r"^[0-9]{4}", text):
            _check_year(int(text[:4]))
        if m := _QUARTER.match(text):
            year, q = int(m.group(1)), int(m.group(2))
            return Period(dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"{year}-Q{q}")
        if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
            year, month = int(m.group(1)), int(m.group(2))
            return Period(dt.date(year, month, 1), month_end(year, month), f"{year}-{month:02d}")
        if m := _YEAR.match(text):
            year = int(m.group(1))
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
        raise UsageError("error.report_period", period=period)
    if date_from or date_to:
        start = _date(date_from, "--from") if date_from else dt.date(today().year, 1, 1)
        end = _date(date_to, "--to") if date_to else today()
        if start > end:
            raise UsageError("error.report_from_after_to", start=start.isoformat(), end=end.isoformat())
        return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")
    year = today().year
    return Period(dt.date(year, 1, 1), today(), f"{year}")
