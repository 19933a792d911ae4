"""Folding text for matching: case- and accent-insensitive ("jose" finds "José")."""
from __future__ import annotations

import unicodedata

from bwk_tui.i18n import t

# Letters that Unicode does not decompose into a base letter plus an accent,
# but that a Dutch keyboard user types as the plain letter ("yilmaz" finds "Yılmaz").
_PLAIN = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe",
                        "þ": "th", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


# What a forgotten (anonymised) person's first name becomes: not a name, and the column may not be empty.
FORGOTTEN_NAME = "∅"


def display_name(first_name: str, last_name: str | None) -> str:
    if first_name == FORGOTTEN_NAME and not last_name:  # a forgotten person (AVG): no name left
        return t("person.forgotten_name")
    return f"{first_name} {last_name}" if last_name else first_name


def cut(text: str, width: int) -> str:
    """``text`` shortened to ``width`` with an ellipsis."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


# Tussenvoegsels and their cousins in the names of Zuidoost: they belong to the last name.
NAME_PARTICLES = frozenset({"van", "der", "den", "de", "het", "ten", "ter", "te", "'t", "t", "in", "op", "aan",
                            "la", "le", "da", "das", "do", "dos", "del", "di", "du", "el", "al", "von", "zu"})


def split_name(typed: str) -> tuple[str, str]:
    """'Akosua Mensah' -> ('Akosua', 'Mensah'): with two or more words the last is the last name,
    with the particles before it ('Jan van der Berg' -> ('Jan', 'van der Berg')). One word is a
    first name (or a nickname)."""
    words = typed.split()
    if len(words) < 2:
        return " ".join(words), ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in NAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])
