"""User text is text, never markup: the one place that decides how text reaches the screen.

Textual parses a ``str`` as markup almost everywhere: in Static and Label, in a DataTable cell,
in a Select or SelectionList prompt, in a Checkbox or Button label and in a toast. A person
registered as ``Jan [/]`` then crashes the screen that shows them, and ``[@click=app.quit]Piet``
quits the app when clicked. bwk's own texts (bwk_tui/i18n) use no markup at all, so nothing is
lost by showing every text as it is:

- ``plain(text)`` gives a ``rich.text.Text`` that no widget parses; control characters (ESC,
  BEL, NUL ...) are shown as their visible Unicode pictures (␛, ␇, ␀) instead of reaching the
  terminal, where they could move the cursor or change its title.
- ``Static``, ``Label``, ``Select``, ``SelectionList`` and ``Checkbox`` here are Textual's with
  markup switched off; screens import them from here instead of from ``textual.widgets``.
- ``install()`` (called once by the app) makes every DataTable show ``str`` cells as plain text
  (DataTable has no switch for that), and the app's ``notify`` passes ``markup=False``.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from rich.text import Text
from textual import widgets as _widgets
from textual.widgets import _data_table
from textual.widgets.selection_list import Selection

_PICTURES = {c: chr(0x2400 + c) for c in range(0x20)}
_PICTURES[0x7F] = "\u2421"  # ␡
_MULTILINE = dict(_PICTURES)
del _MULTILINE[ord("\n")]


def visible(text: object, multiline: bool = True) -> str:
    """``text`` as a str with every control character replaced by a visible sign.

    Newlines stay when ``multiline`` (notes, messages); tabs become a space."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    table = dict(_MULTILINE if multiline else _PICTURES)
    table[ord("\t")] = " "
    out = text.translate(table)
    # C1 controls (U+0080-U+009F) and other Cc characters left: the replacement character.
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" and c != "\n" else c for c in out)


def plain(text: object, multiline: bool = True) -> Text:
    """``text`` (a str, or anything shown with str()) as Text that no widget reads as markup."""
    if isinstance(text, Text):
        return text
    return Text(visible(text, multiline), end="")


def _prompt(value: object) -> object:
    return plain(value, multiline=False) if isinstance(value, str) else value


class Static(_widgets.Static):
    """Textual's Static without markup: what it is given is shown as it is."""

    def __init__(self, content: object = "", *, markup: bool = False, **kwargs) -> None:
        super().__init__(_prompt_multiline(content), markup=markup, **kwargs)

    def update(self, content: object = "", *, layout: bool = True) -> None:
        super().update(_prompt_multiline(content), layout=layout)


class Label(_widgets.Label):
    """Textual's Label without markup."""

    def __init__(self, content: object = "", *, markup: bool = False, **kwargs) -> None:
        super().__init__(_prompt_multiline(content), markup=markup, **kwargs)

    def update(self, content: object = "", *, layout: bool = True) -> None:
        super().update(_prompt_multiline(content), layout=layout)


def _prompt_multiline(content: object) -> object:
    return visible(content) if isinstance(content, str) else content


class Select(_widgets.Select):
    """Textual's Select whose option prompts are plain text (categories, names, domains)."""

    def __init__(self, options: Iterable = (), **kwargs) -> None:
        super().__init__([(_prompt(p), v) for p, v in options], **kwargs)

    def set_options(self, options: Iterable) -> None:
        super().set_options([(_prompt(p), v) for p, v in options])


def _selection(item):
    if isinstance(item, Selection):
        return item
    prompt, *rest = item
    return (_prompt(prompt), *rest)


class SelectionList(_widgets.SelectionList):
    """Textual's SelectionList whose prompts are plain text."""

    def __init__(self, *selections, **kwargs) -> None:
        super().__init__(*[_selection(s) for s in selections], **kwargs)

    def add_options(self, items):
        return super().add_options([_selection(i) for i in items])


class Checkbox(_widgets.Checkbox):
    """Textual's Checkbox whose label is plain text."""

    def __init__(self, label: object = "", *args, **kwargs) -> None:
        super().__init__(_prompt(label), *args, **kwargs)


_original_cell_formatter = _data_table.default_cell_formatter


def _plain_cell_formatter(obj: object, wrap: bool = True, height: int = 0):
    if isinstance(obj, str):
        obj = plain(obj, multiline=height != 1)
        obj.no_wrap = not wrap
    return _original_cell_formatter(obj, wrap=wrap, height=height)


def install() -> None:
    """Make every DataTable show str cells as plain text (it parses them as markup, with no switch).

    The cells keep the str the screen gave them (tests and sorting read them); only what is
    drawn and measured changes. Idempotent."""
    _data_table.default_cell_formatter = _plain_cell_formatter
