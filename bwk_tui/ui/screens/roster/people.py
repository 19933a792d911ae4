"""F3 Rooster, coordinator: the volunteers' profiles, and their hours and allowance.

Profiles: ``n`` a new profile for an account that has none yet, Enter changes the
highlighted one. Hours: a month at a time (``←``/``→``), the allowance beside the legal
maximums, an amount over a maximum red *and* marked ✗; ``e`` writes the highlighted
volunteer's month statement as csv into ``vergoedingen/`` beside the database.
"""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.roster import allowance
from bwk_tui.services.kernel.money import money
from bwk_tui.services.visitors import persons
from bwk_tui.services.roster import volunteers
from bwk_tui.services.roster.allowance import HoursLine
from bwk_tui.services.kernel.availability import availability_text
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.roster.volunteers import ProfileForm, VolunteerInfo
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen, require_coordinator
from bwk_tui.services.kernel.text import cut
from bwk_tui.ui.widgets.availability_grid import AvailabilityGrid
from bwk_tui.ui.widgets.form import FORM_CSS, FormModal
from bwk_tui.ui.widgets.tables import table_room
from bwk_tui.ui.widgets.tick_list import TickBox, TickList

ADMIN_CSS = Path(__file__).with_name("admin.tcss")  # the roster's admin screens' styles (as templates.py)

# How many residents a name search offers to link.
PICK_LIMIT = 8
OVER = "✗"


def euros_text(cents: int | None) -> str:
    """250 -> "2,50", as it is typed in the form; None -> ""."""
    return f"{cents // 100},{cents % 100:02d}" if cents else ""


def money_or_blank(cents: int | None) -> str:
    return money(cents) if cents else ""


# --- profiles ------------------------------------------------------------------------------


class ProfilesScreen(DeskScreen):
    TITLE_KEY = "section.roster"
    CSS_PATH = ADMIN_CSS
    HELP_KEY = "f3a.profiles_help"
    HINT_KEY = "f3a.profiles_keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("n", "new_profile", show=False),
    )

    def __init__(self):
        super().__init__()
        self.rows: list[VolunteerInfo] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="profiles-title", classes="column-title")
        yield DataTable(id="profiles", cursor_type="row", zebra_stripes=True)
        yield Static("", id="profile-detail", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#profiles", DataTable).focus()
        self.reload()

    def on_resize(self, event) -> None:
        if self.rows:
            self.reload()

    def reload(self, show_id: int | None = None) -> None:
        table = self.query_one("#profiles", DataTable)
        current = self.highlighted()
        show_id = show_id or (current.id if current else None)
        row = table.cursor_row if table.row_count else 0
        # Also those who stopped: this is where they are switched on again.
        self.rows = volunteers.volunteers(active_only=False)
        widths = {"name": 14, "active": 6, "skills": 15, "availability": 11, "rate": 7}
        widths["person"] = table_room(self, sum(widths.values()), len(widths) + 1)
        table.clear(columns=True)
        for key in widths:
            justify = "right" if key == "rate" else "left"
            table.add_column(Text(t(f"f3a.col_{key}"), justify=justify), width=widths[key], key=key)
        for v in self.rows:
            style = "" if v.active else "dim"
            table.add_row(
                Text(cut(v.name, widths["name"]), style=style),
                Text(t("f3a.yes") if v.active else t("f3a.no"), style=style),
                Text(cut(", ".join(v.skill_names), widths["skills"]), style=style),
                Text(cut(availability_text(v.availability), widths["availability"]), style=style),
                Text(money_or_blank(v.hourly_allowance_cents), justify="right", style=style),
                Text(cut(v.person_name, widths["person"]), style=style),
                key=str(v.id))
        ids = [v.id for v in self.rows]
        if show_id in ids:
            row = ids.index(show_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        active = sum(1 for v in self.rows if v.active)
        self.query_one("#profiles-title", Static).update(t("f3a.profiles_title", count=active))
        self.show_detail()

    def highlighted(self) -> VolunteerInfo | None:
        table = self.query_one("#profiles", DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowHighlighted, "#profiles")
    def show_detail(self, event=None) -> None:
        """What the columns cut short: every skill and slot, and the languages and since when."""
        v = self.highlighted()
        if v is None:
            text = t("f3a.profiles_empty")
        else:
            text = t("f3a.profile_detail", name=v.name, skills=", ".join(v.skill_names) or "–",
                     languages=", ".join(v.languages) or "–",
                     availability=availability_text(v.availability) or "–",
                     since=clock.day(v.started_on, "d MMMM y"))
        self.query_one("#profile-detail", Static).update(text)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_profile(self) -> None:
        if not require_coordinator(self):
            return
        if not volunteers.accounts_without_profile():
            self.notify(t("f3a.no_free_accounts"), severity="warning", timeout=8)
            return
        self.app.push_screen(ProfileModal(), self._saved)

    @on(DataTable.RowSelected, "#profiles")
    def _edit_profile(self, event: DataTable.RowSelected) -> None:
        volunteer = self.highlighted()
        if volunteer is not None and require_coordinator(self):
            self.app.push_screen(ProfileModal(volunteer), self._saved)

    def _saved(self, volunteer: VolunteerInfo | None) -> None:
        if volunteer is None:
            return
        self.notify(t("f3a.profile_saved", name=volunteer.name))
        self.reload(show_id=volunteer.id)


class ProfileModal(FormModal):
    """A new volunteer profile, or changes to one. Dismisses with the VolunteerInfo, or None."""

    CSS_PATH = [FORM_CSS, ADMIN_CSS]
    DEFAULT_FOCUS = "#field-account"
    # The service names the field of the skills list in the singular.
    ALIASES = {"skill": "skills"}

    def __init__(self, volunteer: VolunteerInfo | None = None):
        super().__init__()
        self.volunteer = volunteer
        if volunteer is not None:
            self.DEFAULT_FOCUS = "#field-skills"
        # The linked resident stays on offer while nothing is searched for.
        self.linked: list[tuple[str, int]] = (
            [(volunteer.person_name, volunteer.person_id)] if volunteer and volunteer.person_id else [])

    def title_text(self) -> str:
        if self.volunteer is None:
            return t("f3a.profile_new_title")
        return t("f3a.profile_edit_title", name=self.volunteer.name)

    def fields(self):
        v = self.volunteer
        if v is None:
            # A Select takes (text, value); the service gives (id, name).
            account = Select([(name, account_id) for account_id, name in volunteers.accounts_without_profile()],
                             prompt=t("f3a.choose_account"), allow_blank=True, compact=True)
        else:
            account = Select([(v.name, v.account_id)], value=v.account_id, allow_blank=False, compact=True,
                             disabled=True)
        yield "account", t("f3a.account"), account
        yield "query", t("f3a.find_resident"), Input(placeholder=t("f3a.find_placeholder"), compact=True,
                                                     max_length=60)
        yield "person", t("f3a.resident"), Select(self.linked, prompt=t("f3a.no_resident"), allow_blank=True,
                                                  value=v.person_id if v and v.person_id else Select.NULL,
                                                  compact=True)
        ticked = set(v.skills) if v else set()
        yield "skills", t("f3a.skills"), TickList(*[(name, code, code in ticked) for code, name in volunteers.skills()],
                                                  classes="domains")
        yield "languages", t("f3a.languages"), Input(", ".join(v.languages) if v else "",
                                                     placeholder=t("f3a.languages_placeholder"), compact=True,
                                                     max_length=120)
        yield "availability", t("f3a.availability"), AvailabilityGrid(availability_text(v.availability) if v else "")
        yield "hourly_allowance", t("f3a.hourly_allowance"), Input(
            euros_text(v.hourly_allowance_cents) if v else "", placeholder=t("f3a.allowance_placeholder"),
            compact=True, max_length=10)
        yield "under_21", t("f3a.under_21"), TickBox(t("f3a.under_21_box"), v.under_21 if v else False,
                                                     compact=True)
        yield "active", t("f3a.active"), TickBox(t("f3a.active_box"), v.active if v else True, compact=True)

    def mark(self, field: str | None) -> None:
        super().mark(self.ALIASES.get(field or "", field))

    @on(Input.Changed, "#field-query")
    def _look_up(self, event: Input.Changed) -> None:
        pick = self.query_one("#field-person", Select)
        if not event.value.strip():
            pick.set_options(self.linked)
            if self.linked:
                pick.value = self.linked[0][1]
            return
        hits = persons.search(event.value, limit=PICK_LIMIT)
        options = [(f"{h.name} ({h.household_code})" if h.household_code else h.name, h.id) for h in hits]
        pick.set_options(options)
        if options:
            pick.value = options[0][1]  # the best match is taken unless another is chosen

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "field-query":
            self.focus_next()  # the name was looked up as it was typed: on to the choice
        else:
            self.submit()

    def save(self) -> VolunteerInfo:
        account = self.field("account").value
        if account is Select.NULL:
            raise InvalidInput("error.roster_no_account", field="account")
        person = self.field("person").value
        form = ProfileForm(account_id=int(account), person_id=None if person is Select.NULL else int(person),
                           skills=list(self.field("skills").selected), languages=self.field("languages").value,
                           availability=self.field("availability").value,
                           hourly_allowance=self.field("hourly_allowance").value,
                           active=bool(self.field("active").value),
                           under_21=bool(self.field("under_21").value))
        return volunteers.save_profile(self.app.session, form, self.volunteer.id if self.volunteer else None)


# --- hours and allowance -------------------------------------------------------------------


class HoursScreen(DeskScreen):
    TITLE_KEY = "section.roster"
    CSS_PATH = ADMIN_CSS
    HELP_KEY = "f3a.hours_help"
    HINT_KEY = "f3a.hours_keys"
    KEYS = (
        Key("escape", "back", show=False),
        # priority: the table would otherwise take the arrows to scroll sideways
        Key("left", "step(-1)", show=False, priority=True),
        Key("right", "step(1)", show=False, priority=True),
        Key("e", "export", show=False),
    )

    def __init__(self, year: int | None = None, month: int | None = None):
        super().__init__()
        now = clock.today()
        self.year = year or now.year
        self.month = month or now.month
        self.lines: list[HoursLine] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="hours-period", classes="column-title")
        yield DataTable(id="hours", cursor_type="row", zebra_stripes=True)
        yield Static("", id="hours-total", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#hours", DataTable).focus()
        self.reload()

    def on_resize(self, event) -> None:
        if self.lines:
            self.reload()

    def reload(self) -> None:
        table = self.query_one("#hours", DataTable)
        current = self.highlighted()
        row = table.cursor_row if table.row_count else 0
        self.lines = lines = allowance.hours(self.app.session, self.year, self.month)
        widths = {"month": 8, "year": 9, "planned": 8, "money_month": 12, "money_year": 12}
        name_width = table_room(self, sum(widths.values()), len(widths) + 1)
        table.clear(columns=True)
        table.add_column(t("f3a.col_volunteer"), width=name_width, key="name")
        for key, width in widths.items():
            table.add_column(Text(t(f"f3a.col_{key}"), justify="right"), width=width, key=key)
        for line in lines:
            table.add_row(Text(cut(line.name, name_width)), _hours(line.month_minutes), _hours(line.year_minutes),
                          _hours(line.planned_minutes), _money(line.month_cents, line.over_month),
                          _money(line.year_cents, line.over_year), key=str(line.volunteer_id))
        ids = [line.volunteer_id for line in lines]
        if current is not None and current.volunteer_id in ids:
            row = ids.index(current.volunteer_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self.query_one("#hours-period", Static).update(self.period_text())
        over = sum(1 for line in lines if line.over_month or line.over_year)
        total = t("f3a.hours_total", month_hours=clock.hours(sum(line.month_minutes for line in lines)),
                  year_hours=clock.hours(sum(line.year_minutes for line in lines)), count=len(lines))
        if over:
            total += " · " + t("f3a.hours_over", count=over, symbol=OVER)
        self.query_one("#hours-total", Static).update(total if lines else t("f3a.hours_empty"))

    def period_text(self) -> str:
        month = clock.month_name(self.year, self.month)
        bounds = allowance.limits(self.year)
        if bounds is None:
            return t("f3a.hours_period_no_limits", month=month)
        law = allowance.law(self.year)
        text = t("f3a.hours_period", month=month, month_max=money(bounds[0]), year_max=money(bounds[1]))
        if law.hourly_cents is not None:
            text += " · " + t("f3a.hours_period_hourly", hour=money(law.hourly_cents),
                              young=money(law.hourly_under_21_cents))
        return text + " · " + t("f3a.hours_figures_of", year=law.year)

    def highlighted(self) -> HoursLine | None:
        table = self.query_one("#hours", DataTable)
        if not self.lines or not table.row_count:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        self.year, month = divmod(self.year * 12 + self.month - 1 + step, 12)
        self.month = month + 1
        self.reload()

    def action_export(self) -> None:
        if not require_coordinator(self):
            return
        line = self.highlighted()
        if line is None:
            self.notify(t("f3a.none_selected"), severity="warning")
            return
        try:
            st = allowance.statement(self.app.session, line.volunteer_id, self.year, self.month)
            path = allowance.write_statement(st, "csv", allowance.statement_path(st, allowance.statements_dir(), "csv"))
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=10)
            return
        self.notify(t("f3a.statement_written", name=line.name, month=clock.month_name(self.year, self.month),
                      path=str(path)), timeout=12)


def _hours(minutes: int) -> Text:
    return Text(clock.hours(minutes) if minutes else "", justify="right")


def _money(cents: int, over: bool) -> Text:
    """An amount over a legal maximum is red *and* ends in ✗, so it reads without colour."""
    if over:
        return Text(f"{money(cents)} {OVER}", justify="right", style="bold red")
    return Text(money(cents) if cents else "", justify="right")
