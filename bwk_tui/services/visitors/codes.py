"""Household codes: short, random, and easy to read aloud, copy by hand or carry on a card.

A code is ``CODE_LENGTH`` characters from ``ALPHABET``. The alphabet leaves out every
character that is easily mistaken for another one, in print or in handwriting, and both
members of each confusable group: 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B and U/V. Codes are
stored and shown in upper case; what a visitor types is normalised first (case, spaces
and dashes do not matter: "k3p-9a" is "K3P9A").
"""
from __future__ import annotations

import random

# 4 digits + 16 letters = 20 symbols; 20**5 = 3.2 million codes of 5 characters.
ALPHABET = "3479ACDEFHJKMNPRTWXY"
CODE_LENGTH = 5

_ALLOWED = frozenset(ALPHABET)
_SEPARATORS = str.maketrans("", "", " -_.\t")


def random_code(rng: random.Random, length: int = CODE_LENGTH) -> str:
    """A random code of ``length`` characters drawn from ``ALPHABET`` with ``rng``."""
    if length < 1:
        raise ValueError("length must be at least 1")
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str | None) -> str:
    """What was typed, as a code is stored: upper case, without spaces or dashes."""
    return (text or "").translate(_SEPARATORS).upper()


def is_valid_code(text: str | None, length: int = CODE_LENGTH) -> bool:
    """True when ``text`` (after normalising) is a well-formed household code."""
    code = normalise_code(text)
    return len(code) == length and all(c in _ALLOWED for c in code)
