"""The rules of the room, one package per desk over a small shared kernel. No Textual here."""
import importlib

DESKS = ("room", "visitors", "cash", "roster", "matching", "privacy", "closing", "reports")


def load_desks() -> None:
    """Import every desk, so that all their settings and checks are declared (``bwk settings``,
    ``bwk check``, F8 list them all)."""
    for desk in DESKS:
        importlib.import_module(f"bwk_tui.services.{desk}")
