"""Lists a coordinator keeps (help domains, cash categories): rows with a stable code,
a Dutch and an English name, an order, and an active flag. New rows get a free code
and go to the end of the list; a name is never used twice."""
from __future__ import annotations

from peewee import Model, fn

from bwk_tui.services.kernel.errors import InvalidInput


def prepare_new(model: type[Model], name_nl: str, empty_key: str, exists_key: str, fallback: str) -> dict:
    """Check the name and return the fields of a new row: name_nl, code, sort. Call inside write()."""
    name_nl = " ".join((name_nl or "").split())
    if not name_nl:
        raise InvalidInput(empty_key, field="name")
    if model.select().where(fn.LOWER(model.name_nl) == name_nl.lower()).exists():
        raise InvalidInput(exists_key, field="name", name=name_nl)
    base = "".join(c for c in name_nl.lower() if c.isalnum())[:30] or fallback
    code, n = base, 2
    while model.select().where(model.code == code).exists():
        code, n = f"{base[:27]}{n}", n + 1
    sort = (model.select(fn.MAX(model.sort)).scalar() or 0) + 1
    return {"name_nl": name_nl, "code": code, "sort": sort}
