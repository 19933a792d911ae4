"""F3 Rooster, coordinator: the room's weekly templates (vaste diensten).

``n`` makes a new template, Enter changes the highlighted one (its day and dagdeel stay:
stop it and make another to move it), ``x`` stops it after a question: its empty shifts
after today go, shifts with people on them stay. Escape goes back to the week.
"""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.roster import templates
from bwk_tui.services.roster import volunteers
from bwk_tui.services.kernel.availability import DAGDELEN
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.roster.templates import DEFAULT_TIMES, TemplateForm, TemplateInfo
from bwk_tui.services.kernel.clock import time_text, times_text
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen, require_coordinator
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.ui.widgets.form import FORM_CSS, FormModal
from bwk_tui.services.kernel.text import cut
from bwk_tui.ui.widgets.tables import table_room

# Absolute: the modals are styled from here too, and DeskScreen subclasses live elsewhere.
ADMIN_CSS = Path(__file__).with_name("admin.tcss")
# The skill Select's "no skill needed": a value no skill code has.
NO_SKILL = "-"


class TemplatesScreen(DeskScreen):
    TITLE_KEY = "section.roster"
    CSS_PATH = ADMIN_CSS
    HELP_KEY = "f3a.templates_help"
    HINT_KEY = "f3a.templates_keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("n", "new_template", show=False),
        Key("x", "stop_template", show=False),
    )

    def __init__(self):
        super().__init__()
        self.rows: list[TemplateInfo] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="templates-title", classes="column-title")
        yield DataTable(id="templates", cursor_type="row", zebra_stripes=True)
        yield Static(t("f3a.templates_empty"), id="templates-empty", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#templates", DataTable).focus()
        self.reload()

    def on_resize(self, event) -> None:
        if self.rows:
            self.reload()

    def reload(self, show_id: int | None = None) -> None:
        table = self.query_one("#templates", DataTable)
        current = self.highlighted()
        show_id = show_id or (current.id if current else None)
        row = table.cursor_row if table.row_count else 0
        self.rows = templates.templates()
        skill_width = table_room(self, 16 + 11 + 5, 4)
        table.clear(columns=True)
        table.add_column(t("f3a.col_slot"), width=16, key="slot")
        table.add_column(t("f3a.col_times"), width=11, key="times")
        table.add_column(Text(t("f3a.col_needed"), justify="right"), width=5, key="needed")
        table.add_column(t("f3a.col_skill"), width=skill_width, key="skill")
        for tpl in self.rows:
            table.add_row(cut(tpl.label, 16), times_text(tpl.starts_min, tpl.ends_min),
                          Text(str(tpl.needed), justify="right"), cut(volunteers.skill_name(tpl.skill), skill_width),
                          key=str(tpl.id))
        ids = [tpl.id for tpl in self.rows]
        if show_id in ids:
            row = ids.index(show_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        needed = sum(tpl.needed for tpl in self.rows)
        self.query_one("#templates-title", Static).update(t("f3a.templates_title", count=len(self.rows),
                                                             needed=needed))
        self.query_one("#templates-empty", Static).display = not self.rows

    def highlighted(self) -> TemplateInfo | None:
        table = self.query_one("#templates", DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_template(self) -> None:
        if require_coordinator(self):
            self.app.push_screen(TemplateModal(), self._saved)

    @on(DataTable.RowSelected, "#templates")
    def _edit_template(self, event: DataTable.RowSelected) -> None:
        template = self.highlighted()
        if template is not None and require_coordinator(self):
            self.app.push_screen(TemplateModal(template), self._saved)

    def _saved(self, template: TemplateInfo | None) -> None:
        if template is None:
            return
        self.notify(t("f3a.template_saved", slot=template.label,
                      times=times_text(template.starts_min, template.ends_min), needed=template.needed))
        self.reload(show_id=template.id)

    def action_stop_template(self) -> None:
        if not require_coordinator(self):
            return
        template = self.highlighted()
        if template is None:
            self.notify(t("f3a.none_selected"), severity="warning")
            return
        self.app.push_screen(ConfirmModal(t("f3a.stop_question", slot=template.label), yes_key="f3a.stop_yes"),
                             lambda yes: self._stop(template, yes))

    def _stop(self, template: TemplateInfo, yes: bool | None) -> None:
        if not yes:
            return
        try:
            removed = templates.end_template(self.app.session, template.id)
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=8)
            self.reload()
            return
        self.notify(t("f3a.stopped", slot=template.label, count=removed))
        self.reload()


class TemplateModal(FormModal):
    """A new template, or new times, number or skill for one. Dismisses with the TemplateInfo, or None."""

    CSS_PATH = [FORM_CSS, ADMIN_CSS]
    DEFAULT_FOCUS = "#field-weekday"

    def __init__(self, template: TemplateInfo | None = None):
        super().__init__()
        self.template = template
        if template is not None:
            self.DEFAULT_FOCUS = "#field-starts"  # the day and dagdeel are fixed

    def title_text(self) -> str:
        if self.template is None:
            return t("f3a.template_new_title")
        return t("f3a.template_edit_title", slot=self.template.label)

    def compose_top(self) -> ComposeResult:
        yield Static(t("f3a.template_times_hint"), classes="muted")

    def fields(self):
        tpl = self.template
        dagdeel = tpl.dagdeel if tpl else DAGDELEN[0]
        usual_start, usual_end = DEFAULT_TIMES[dagdeel]
        yield "weekday", t("f3a.weekday"), Select(
            [(t(f"roster.weekday_{day}"), day) for day in range(7)], value=tpl.weekday if tpl else 0,
            allow_blank=False, compact=True, disabled=tpl is not None)
        yield "dagdeel", t("f3a.dagdeel"), Select(
            [(t(f"roster.dagdeel_{p}"), p) for p in DAGDELEN], value=dagdeel, allow_blank=False, compact=True,
            disabled=tpl is not None)
        yield "starts", t("f3a.starts"), Input(time_text(tpl.starts_min) if tpl else "",
                                               placeholder=time_text(usual_start), compact=True, max_length=5)
        yield "ends", t("f3a.ends"), Input(time_text(tpl.ends_min) if tpl else "",
                                           placeholder=time_text(usual_end), compact=True, max_length=5)
        yield "needed", t("f3a.needed"), Input(str(tpl.needed) if tpl else "2", compact=True, max_length=2)
        yield "skill", t("f3a.skill"), Select(
            [(t("f3a.no_skill"), NO_SKILL)] + [(name, code) for code, name in volunteers.skills()],
            value=(tpl.skill if tpl and tpl.skill else NO_SKILL), allow_blank=False, compact=True)

    @on(Select.Changed, "#field-dagdeel")
    def _usual_times(self, event: Select.Changed) -> None:
        if event.value in DEFAULT_TIMES:
            usual_start, usual_end = DEFAULT_TIMES[event.value]
            self.query_one("#field-starts", Input).placeholder = time_text(usual_start)
            self.query_one("#field-ends", Input).placeholder = time_text(usual_end)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> TemplateInfo:
        skill = self.field("skill").value
        form = TemplateForm(weekday=self.field("weekday").value, dagdeel=self.field("dagdeel").value,
                            starts=self.field("starts").value, ends=self.field("ends").value,
                            needed=self.field("needed").value,
                            skill=None if skill in (NO_SKILL, Select.NULL) else skill)
        if self.template is None:
            return templates.add_template(self.app.session, form)
        return templates.update_template(self.app.session, self.template.id, form)
