"""Money: integer cents from what a person types to what they read (Babel) and what exports write."""
from __future__ import annotations

import re
from decimal import Decimal

from bwk_tui.i18n import current_language, current_locale
from bwk_tui.services.kernel.errors import InvalidInput

MAX_CENTS = 10_000_000  # EUR 100,000: more than any cash box holds; the database refuses more too


def money(cents: int, locale: str | None = None) -> str:
    """``123450`` -> ``€ 1.234,50`` (nl) or ``€1,234.50`` (en). Cents are exact: no float."""
    from babel.numbers import format_currency  # Babel's import is slow; only pay when formatting

    if not isinstance(cents, int):
        raise TypeError("money is an int of cents")
    return format_currency(Decimal(cents).scaleb(-2), "EUR", locale=locale or current_locale())


_AMOUNT = re.compile(r"^([0-9]+)(?:[.,]([0-9]+))?$")
_ONE_GROUP = re.compile(r"^[0-9]{1,3}[.,][0-9]{3}$")


def parse_amount(text: str) -> int:
    """What a person types ("12,50", "€ 1.250,00", "3") as a positive number of cents.

    Decided, not guessed:
    - Only the digits 0-9. Arabic-Indic (٣), Devanagari or full-width digits are refused with a
      message that says so: the cash book, the receipts and every export show 0-9, and a
      mix of scripts in one amount is too easy to misread at a desk.
    - "1.250" in Dutch is twelve hundred and fifty euros (the dot groups thousands in Dutch).
      For an English-speaking user "1.250" and "1,250" are ambiguous (1,250 or 1.25 from a
      Dutch keyboard?), so they are refused and the message asks for 1250 or 1.25.
    """
    raw = (text or "").strip().replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if not raw:
        raise InvalidInput("error.amount_empty", field="amount")
    if raw.startswith("-"):
        raise InvalidInput("error.amount_positive", field="amount")
    if any(ch.isdigit() and ch not in "0123456789" for ch in raw):
        raise InvalidInput("error.amount_digits", field="amount")
    if current_language() != "nl" and _ONE_GROUP.match(raw):
        raise InvalidInput("error.amount_ambiguous", field="amount", text=text.strip())
    if "," in raw and "." in raw:  # "1.250,50" (or "1,250.50"): the last one is the decimal mark
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = raw.rpartition(decimal_mark)
        groups = whole.split(thousands)
        if not groups[0] or any(len(g) != 3 for g in groups[1:]):
            raise InvalidInput("error.amount_format", field="amount")
        raw = "".join(groups) + "," + fraction
    elif raw.count(".") == 1 and len(raw.split(".")[1]) == 3:
        raw = raw.replace(".", "")  # "1.250" is twelve hundred and fifty euros in Dutch
    elif raw.count(".") > 1 and all(len(g) == 3 for g in raw.split(".")[1:]):
        raw = raw.replace(".", "")
    match = _AMOUNT.match(raw)
    if not match:
        raise InvalidInput("error.amount_format", field="amount")
    euros, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > 2:
        raise InvalidInput("error.amount_decimals", field="amount")
    cents = int(euros) * 100 + int((fraction + "00")[:2])
    if cents <= 0:
        raise InvalidInput("error.amount_positive", field="amount")
    if cents > MAX_CENTS:
        raise InvalidInput("error.amount_too_large", field="amount")
    return cents


def decimal(cents: int) -> str:
    """``1250`` -> ``12.50``, ``-5`` -> ``-0.05``: exact, from integer cents."""
    if not isinstance(cents, int):
        raise TypeError("money is an int of cents")
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"
