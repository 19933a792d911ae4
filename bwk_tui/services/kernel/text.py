"""Folding text for matching: case- and accent-insensitive ("jose" finds "José")."""
from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent,
# but that a Dutch keyboard user types as the plain letter ("yilmaz" finds "Yılmaz").
_PLAIN = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe",
                        "þ": "th", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())
