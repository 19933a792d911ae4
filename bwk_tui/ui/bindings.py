"""Key bindings whose footer texts follow the user's language.

Textual's BINDINGS are fixed at import time; these are made when a screen (or,
after login, the app) is built, with the texts of the language in force then.
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from bwk_tui.i18n import t


@dataclass(frozen=True)
class Key:
    keys: str
    action: str
    text_key: str = ""
    show: bool = True
    priority: bool = False
    key_display: str | None = None

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, t(self.text_key) if self.text_key else "", show=self.show,
                       priority=self.priority, key_display=self.key_display)


def install(node: DOMNode, keys: list[Key] | tuple[Key, ...], replace: bool = False) -> None:
    """Bind ``keys`` on ``node`` in the current language (``replace``: drop what was bound before)."""
    bindings = [key.binding() for key in keys]
    if replace:
        node._bindings = BindingsMap(bindings)
        return
    for binding in bindings:
        node._bindings.key_to_bindings.setdefault(binding.key, []).insert(0, binding)
