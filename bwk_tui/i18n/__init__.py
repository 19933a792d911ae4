"""The translation layer: every text a user sees comes from here.

Dutch is the default; English is complete (a test keeps the catalogues equal).
Texts are looked up by key; ``{name}`` placeholders are filled from keyword arguments.
"""
from __future__ import annotations

from bwk_tui.i18n import en, nl

CATALOGUES = {"nl": nl.TEXTS, "en": en.TEXTS}
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
DEFAULT_LANGUAGE = "nl"

# One desk, one user at a time: the language is process-wide (a ContextVar would not
# reach across the tasks and threads of the Textual app).
_state = {"language": DEFAULT_LANGUAGE}


def set_language(language: str) -> None:
    _state["language"] = language if language in CATALOGUES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _state["language"]


def current_locale() -> str:
    return LOCALES[current_language()]


def t(text_key: str, /, language: str | None = None, **params) -> str:
    """The text for ``text_key`` in the current (or given) language."""
    catalogue = CATALOGUES.get(language or current_language(), CATALOGUES[DEFAULT_LANGUAGE])
    text = catalogue.get(text_key) or CATALOGUES[DEFAULT_LANGUAGE].get(text_key) or text_key
    return text.format(**params) if params else text
