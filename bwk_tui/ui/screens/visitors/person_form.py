"""Registering a new person, or editing one: the least data that works."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel.text import split_name
from bwk_tui.services.room import settings
from bwk_tui.services.visitors.persons import DuplicateWarning, PersonDetail, PersonForm
from bwk_tui.ui.widgets.form import FormModal
from bwk_tui.ui.widgets.tick_list import TickBox


class PersonModal(FormModal):
    """Dismisses with the saved PersonDetail, or None when cancelled."""

    DEFAULT_FOCUS = "#field-first_name"

    def __init__(self, typed: str = "", person: PersonDetail | None = None):
        super().__init__()
        self.person = person
        first, last = split_name(typed)
        self.start = person.form() if person else PersonForm(first_name=first, last_name=last)
        if person is None and first:
            self.DEFAULT_FOCUS = "#field-pc4"  # the name came from the search box: on to what is missing
        self._warned_for: tuple[str, str] | None = None  # a duplicate warning seen for this name + PC4

    def title_text(self) -> str:
        if self.person is not None:
            return t("person.edit_title", name=self.person.name)
        return t("person.new_title")

    def compose_top(self) -> ComposeResult:
        if self.person is None:
            yield Static(t("person.new_help"), classes="muted")

    def fields(self):
        # What a new visitor needs comes first (name, PC4, languages, consent): Tab goes there first.
        f = self.start
        yield "first_name", t("person.first_name"), Input(f.first_name, compact=True, max_length=60)
        yield "last_name", t("person.last_name"), Input(f.last_name, compact=True, max_length=80)
        yield "pc4", t("person.pc4"), Input(f.pc4, placeholder="1102", compact=True, max_length=4)
        yield "languages", t("person.languages"), Input(
            f.languages, placeholder=t("person.languages_placeholder"), compact=True, max_length=120)
        # The box has a short label; its whole text stands beside it, wrapped (a Checkbox label is
        # cut at the edge of the dialog).
        consent = TickBox(t("person.consent_box"), f.consent, compact=True)
        if self.person is not None and self.person.consent_date is not None:
            consent.disabled = True  # consent once given is recorded with its date and who took it
        yield "consent", t("person.consent"), consent
        yield "consent_scope", "", Static(
            t("person.consent_text") + ". " + t("person.consent_covers", scope=settings.get("consent_scope")),
                                          classes="muted consent-scope")
        yield "household_code", t("person.household_code"), Input(
            f.household_code, placeholder=t("person.household_placeholder"), compact=True, max_length=7)
        yield "household_size", t("person.household_size"), Input(
            f.household_size, compact=True, max_length=2, restrict=r"[0-9]*")
        corporations = visits.housing_corporations()
        if f.housing_corporation and f.housing_corporation not in corporations:
            corporations.append(f.housing_corporation)
        yield "housing_corporation", t("person.corporation"), Select(
            [(c, c) for c in corporations], prompt=t("person.corporation_none"), allow_blank=True,
            value=f.housing_corporation or Select.NULL, compact=True)
        yield "birth_year", t("person.birth_year"), Input(
            f.birth_year, placeholder=t("person.optional"), compact=True, max_length=4, restrict=r"[0-9]*")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter saves from any field; what is missing or wrong is named and gets the focus.
        event.stop()
        self.submit()

    def form(self) -> PersonForm:
        corporation = self.field("housing_corporation").value
        return PersonForm(
            first_name=self.field("first_name").value, last_name=self.field("last_name").value,
            household_code=self.field("household_code").value, household_size=self.field("household_size").value,
            pc4=self.field("pc4").value, languages=self.field("languages").value,
            housing_corporation="" if corporation is Select.NULL else str(corporation),
            birth_year=self.field("birth_year").value, consent=self.field("consent").value)

    def save(self) -> PersonDetail:
        form = self.form()
        confirmed = self._warned_for == (form.first_name.strip().casefold(), form.pc4.strip())
        try:
            if self.person is None:
                return persons.register(self.app.session, form, allow_duplicate=confirmed)
            return persons.update(self.app.session, self.person.id, form, allow_duplicate=confirmed)
        except DuplicateWarning:
            self._warned_for = (form.first_name.strip().casefold(), form.pc4.strip())
            raise
