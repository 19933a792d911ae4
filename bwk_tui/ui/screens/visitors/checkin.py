"""Check-in (and editing a visit): help domains ticked from the last visit, Enter confirms."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel import dates
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.visitors import visits
from bwk_tui.services.visitors.persons import PersonHit
from bwk_tui.services.visitors.visits import VisitForm, VisitLine
from bwk_tui.ui.widgets.form import FormModal
from bwk_tui.ui.widgets.tick_list import TickList


class CheckInModal(FormModal):
    """Dismisses with the visit id, or None when cancelled."""

    SAVE_KEY = "checkin.confirm"

    def __init__(self, person_id: int, person_name: str, visit: VisitLine | None = None):
        super().__init__()
        self.person_id = person_id
        self.person_name = person_name
        self.visit = visit  # editing this visit instead of checking in
        if visit is not None:
            self.SAVE_KEY = "form.save"
        # A visit of a closed day is part of that day's figures: shown, not changed (a coordinator
        # corrects it the way "Klopt het?" gives; the service refuses it too).
        self.read_only = visit is not None and cash.is_closed(visit.visit_date)
        if self.read_only:
            self.DEFAULT_FOCUS = "#cancel"

    @classmethod
    def for_hit(cls, hit: PersonHit) -> "CheckInModal":
        name = f"{hit.name} ({hit.household_code})" if hit.household_code else hit.name
        return cls(hit.id, name)

    def title_text(self) -> str:
        if self.visit is not None:
            return t("checkin.edit_title", name=self.person_name, day=clock.day(self.visit.visit_date, "medium"))
        return t("checkin.title", name=self.person_name)

    def compose_top(self) -> ComposeResult:
        if self.read_only:
            yield Static(t("checkin.day_closed"), classes="error", id="day-closed")
        else:
            yield Static(t("checkin.help"), classes="muted")

    def on_mount(self) -> None:
        # (FormModal's on_mount runs as well and focuses DEFAULT_FOCUS.)
        if self.read_only:
            self.query_one("#save").display = False

    def fields(self):
        for name, label, widget in self._fields():
            if self.read_only:
                widget.disabled = True
            yield name, label, widget

    def _fields(self):
        session = self.app.session
        ticked = set(self.visit.domain_ids if self.visit else visits.last_domain_ids(self.person_id))
        options = [(d.name, d.id, d.id in ticked) for d in visits.domains()]
        yield "domains", t("checkin.domains"), TickList(*options, classes="domains")
        organisations = visits.referral_organisations()
        current = self.visit.referral if self.visit else None
        if current and current not in organisations:
            organisations.append(current)
        yield "referral", t("checkin.referral"), Select(
            [(o, o) for o in organisations], prompt=t("checkin.no_referral"), allow_blank=True,
            value=current if current else Select.NULL, compact=True)
        follow_up = self.visit.follow_up_date.strftime("%d-%m-%Y") if self.visit and self.visit.follow_up_date else ""
        yield "follow_up", t("checkin.follow_up"), Input(follow_up, placeholder=t("checkin.date_placeholder"),
                                                         compact=True, max_length=30)
        yield "follow_up_seen", "", Static("", classes="muted")
        may_note = self.visit is None or self.visit.note is not None or session.is_coordinator
        note = (self.visit.note or "") if self.visit else ""
        yield "note", t("checkin.note"), Input(note, placeholder=t("checkin.note_placeholder"), compact=True,
                                               max_length=500, disabled=not may_note)

    @on(Input.Changed, "#field-follow_up")
    def _date_typed(self, event: Input.Changed) -> None:
        """The date as understood, beside what was typed: "= donderdag 10 december"."""
        seen = self.query_one("#field-follow_up_seen", Static)
        if not event.value.strip():
            seen.update("")
            return
        day = dates.understand(event.value)
        seen.update(t("checkin.date_understood", day=clock.day(day, "EEEE d MMMM yyyy")) if day
                    else t("checkin.date_unknown"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def form(self) -> VisitForm:
        referral = self.field("referral").value
        return VisitForm(domain_ids=list(self.field("domains").selected),
                         referral="" if referral is Select.NULL else str(referral),
                         follow_up=self.field("follow_up").value, note=self.field("note").value)

    def save(self) -> int:
        if self.read_only:
            raise BwkError("checkin.day_closed")
        if self.visit is not None:
            visits.update_visit(self.app.session, self.visit.id, self.form())
            return self.visit.id
        return visits.check_in(self.app.session, self.person_id, self.form())
