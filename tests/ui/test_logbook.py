"""F8 → l, the Logboek: a coordinator reads the audit log newest first, filters it, and the
opening is itself logged; a volunteer gets nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from db.models import AuditLog

from bwk_tui.services.kernel.errors import NotAllowed
from bwk_tui.services.room import audit, logbook
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors.persons import PersonForm
from bwk_tui.ui.app import BwkApp
from bwk_tui.ui.screens.logbook import LogbookScreen

SIZE = (80, 24)


def _rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _open(app, pilot):
    await pilot.press(*"coby", "tab", *"246813", "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f8", "l")
    await pilot.pause()
    assert isinstance(app.screen, LogbookScreen)


async def test_the_coordinator_reads_filters_and_is_logged_reading(sqlite_room):
    boss = sqlite_room["coordinator"]
    anna = persons.register(boss, PersonForm(first_name="Anna", pc4="1103", consent=True), allow_duplicate=True)
    persons.register(boss, PersonForm(first_name="Kofi", pc4="1104", consent=True), allow_duplicate=True)
    app = BwkApp()
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        table = app.screen.query_one("#logbook", DataTable)
        rows = _rows(table)
        assert rows[0][2] == "audit.view" and rows[0][1] == "Coby"  # newest first: the opening itself
        assert any(r[2] == "person.create" for r in rows)
        app.screen.query_one("#f-person", Input).focus()
        await pilot.press(*"anna", "enter")
        await pilot.pause()
        rows = _rows(table)
        assert rows and all(r[3] == f"person {anna.id}" for r in rows)
        app.screen.query_one("#f-person", Input).focus()
        await pilot.press(*["backspace"] * 4)  # an empty field removes that filter
        app.screen.query_one("#f-action", Input).focus()
        await pilot.press(*"login", "enter")
        await pilot.pause()
        rows = _rows(table)
        assert rows and {r[2] for r in rows} == {"login"}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LogbookScreen)
    assert AuditLog.select().where(AuditLog.action == "audit.view").count() == 1


def test_a_volunteer_cannot_read_the_log(room):
    with pytest.raises(NotAllowed):
        logbook.page(room["volunteer"])
    with pytest.raises(NotAllowed):
        logbook.open_logbook(room["volunteer"])


def test_pages_and_filters(room):
    boss = room["coordinator"]
    for n in range(7):
        audit.record(boss.account_id, "test.thing", "thing", n)
    first = logbook.page(boss, logbook.Filter(action="test."), limit=3)
    assert [line.entity_id for line in first] == [6, 5, 4]
    second = logbook.page(boss, logbook.Filter(action="test."), before_id=first[-1].id, limit=3)
    assert [line.entity_id for line in second] == [3, 2, 1]
    assert {line.account_name for line in logbook.page(boss, logbook.Filter(account="cob"))} == {"Coby"}
    assert logbook.page(boss, logbook.Filter(account="vera", action="test.")) == []
    today = audit.clock.today()
    assert logbook.page(boss, logbook.Filter(action="test.", day=today), limit=10)
    assert logbook.page(boss, logbook.Filter(action="test.", day=today - dt.timedelta(days=1))) == []
