"""Money, dates and times the way the user reads them (Babel, in the user's locale)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bwk_tui.i18n import current_locale
from bwk_tui.services.kernel.clock import to_local


def money(cents: int, locale: str | None = None) -> str:
    """``123450`` -> ``€ 1.234,50`` (nl) or ``€1,234.50`` (en). Cents are exact: no float."""
    from babel.numbers import format_currency  # Babel's import is slow; only pay when formatting

    if not isinstance(cents, int):
        raise TypeError("money is an int of cents")
    return format_currency(Decimal(cents).scaleb(-2), "EUR", locale=locale or current_locale())


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
    """``450`` minutes -> ``7,5`` (nl) or ``7.5`` (en): hours with at most two decimals."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(minutes) / 60, format="#,##0.##", locale=locale or current_locale())


def month_name(year: int, month: int, locale: str | None = None) -> str:
    """``november 2026``."""
    from babel.dates import format_date

    return format_date(dt.date(year, month, 1), format="LLLL y", locale=locale or current_locale())
