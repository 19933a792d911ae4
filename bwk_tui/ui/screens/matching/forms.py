"""The matching forms: a help request, a help offer, finishing a match; and how a score reads.

The field names follow the ``field=`` the matching service names in its errors, with the
dataclass names (``domain_ids``, ``person_id``) mapped onto the widgets that hold them.
"""
from __future__ import annotations

from pathlib import Path

from textual import on
from textual.widgets import Input
from bwk_tui.ui.widgets.plain import Select

from bwk_tui.i18n import t
from bwk_tui.services.room import auth
from bwk_tui.services.matching.requests import ACTIVE, DONE, PROPOSED, STOPPED
from bwk_tui.services.matching import matches
from bwk_tui.services.matching import requests
from bwk_tui.services.visitors import persons
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel.errors import InvalidInput
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.matching.scoring import Scored
from bwk_tui.services.matching.matches import MatchInfo
from bwk_tui.services.matching.requests import OfferInfo, OfferForm, RequestForm, RequestInfo
from bwk_tui.ui.screens.desk import require_coordinator
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.ui.widgets.availability_grid import AvailabilityGrid
from bwk_tui.ui.widgets.form import FORM_CSS, FormModal
from bwk_tui.ui.widgets.texts import score_question
from bwk_tui.ui.widgets.tick_list import TickList

# How many people a name search offers to choose from.
PICK_LIMIT = 8

URGENCIES = (1, 2, 3)


def urgency_text(urgency: int) -> str:
    return t(f"f4.urgency_{urgency if urgency in URGENCIES else 1}")


class MatchingForm(FormModal):
    """A FormModal that marks the widget for a service field named after the dataclass."""

    # Absolute, as FormModal's: the two tick lists of an offer must fit at 80x24.
    CSS_PATH = [FORM_CSS, Path(__file__).with_name("forms.tcss")]
    ALIASES = {"account": "person", "lived_experience": "lived", "preferred_offer": "person"}

    def mark(self, field: str | None) -> None:
        super().mark(self.ALIASES.get(field or "", field))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "field-query":
            self.focus_next()  # the name was looked up as it was typed: on to the choice
        else:
            self.submit()

    def domain_options(self, ticked: set[int] | None = None) -> list[tuple[str, int, bool]]:
        ticked = ticked or set()
        return [(d.name, d.id, d.id in ticked) for d in visits.domains()]

    @staticmethod
    def person_options(text: str) -> list[tuple[str, str]]:
        hits = persons.search(text, limit=PICK_LIMIT) if text.strip() else []
        return [(f"{h.name} ({h.household_code})" if h.household_code else h.name, f"p:{h.id}") for h in hits]

    def extra_options(self) -> list[tuple[str, str]]:
        return []

    @on(Input.Changed, "#field-query")
    def _look_up(self, event: Input.Changed) -> None:
        options = self.person_options(event.value) + self.extra_options()
        pick = self.query_one("#field-person", Select)
        pick.set_options(options)
        if options and event.value.strip():
            pick.value = options[0][1]  # the best match is taken unless another is chosen

    def chosen(self) -> tuple[int | None, int | None]:
        """(person id, account id) of the chosen person or volunteer."""
        value = self.query_one("#field-person", Select).value
        if value is Select.NULL or not value:
            return None, None
        kind, _, number = str(value).partition(":")
        return (int(number), None) if kind == "p" else (None, int(number))


class RequestModal(MatchingForm):
    """A new help request. Dismisses with the RequestInfo, or None."""

    DEFAULT_FOCUS = "#field-query"

    def title_text(self) -> str:
        return t("f4.request_title")

    def fields(self):
        yield "query", t("f4.find_person"), Input(placeholder=t("f4.find_placeholder"), compact=True,
                                                         max_length=60)
        yield "person", t("f4.person"), Select([], prompt=t("f4.no_person"), allow_blank=True,
                                                      compact=True)
        yield "domains", t("f4.domains"), TickList(*self.domain_options(), classes="domains")
        yield "description", t("f4.description"), Input(compact=True, max_length=200)
        yield "languages", t("f4.languages"), Input(placeholder=t("f4.languages_placeholder"),
                                                          compact=True, max_length=120)
        yield "availability", t("f4.availability"), AvailabilityGrid()
        yield "urgency", t("f4.urgency"), Select([(urgency_text(u), u) for u in URGENCIES], value=1,
                                                       allow_blank=False, compact=True)

    def save(self) -> RequestInfo:
        person_id, _ = self.chosen()
        if person_id is None:
            raise InvalidInput("f4.choose_person", field="query")
        form = RequestForm(person_id=person_id, domain_ids=list(self.field("domains").selected),
                           description=self.field("description").value, languages=self.field("languages").value,
                           availability=self.field("availability").value,
                           urgency=int(self.field("urgency").value))
        return requests.create_request(self.app.session, form)


class DescriptionModal(FormModal):
    """The description of a help request, shown and changed (issue 13). Dismisses with the RequestInfo."""

    DEFAULT_FOCUS = "#field-description"

    def __init__(self, request: RequestInfo):
        super().__init__()
        self.request = request

    def title_text(self) -> str:
        return t("f4.description_title", person=self.request.person_name)

    def fields(self):
        yield "description", t("f4.description"), Input(self.request.description, compact=True, max_length=300)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> RequestInfo:
        return requests.edit_description(self.app.session, self.request.id, self.field("description").value)


class OfferModal(MatchingForm):
    """A new help offer (coordinator): a resident or a volunteer. Dismisses with the OfferInfo, or None."""

    DEFAULT_FOCUS = "#field-query"

    def __init__(self):
        super().__init__()
        session = self.app.session
        self.volunteers = [(t("f4.volunteer_option", name=a.name), f"a:{a.id}")
                           for a in auth.list_accounts(session) if a.active] if session else []

    def title_text(self) -> str:
        return t("f4.offer_title")

    def extra_options(self) -> list[tuple[str, str]]:
        return self.volunteers

    def fields(self):
        yield "query", t("f4.find_helper"), Input(placeholder=t("f4.find_placeholder"), compact=True,
                                                         max_length=60)
        yield "person", t("f4.helper"), Select(self.volunteers, prompt=t("f4.no_person"),
                                                      allow_blank=True, compact=True)
        yield "domains", t("f4.domains"), TickList(*self.domain_options(), classes="domains")
        yield "lived", t("f4.lived"), TickList(*self.domain_options(), classes="domains")
        yield "languages", t("f4.languages"), Input(placeholder=t("f4.languages_placeholder"),
                                                          compact=True, max_length=120)
        yield "availability", t("f4.availability"), AvailabilityGrid()
        yield "capacity", t("f4.capacity"), Input("1", compact=True, max_length=4)

    def save(self) -> OfferInfo:
        person_id, account_id = self.chosen()
        domain_ids = list(self.field("domains").selected)
        # Lived experience counts in the domains offered: ticking it there offers that domain too.
        lived = list(self.field("lived").selected)
        domain_ids += [d for d in lived if d not in domain_ids]
        form = OfferForm(domain_ids=domain_ids, capacity=self.field("capacity").value, person_id=person_id,
                         account_id=account_id, lived_experience_ids=lived,
                         languages=self.field("languages").value, availability=self.field("availability").value)
        return requests.create_offer(self.app.session, form)


class FinishModal(MatchingForm):
    """A coordinator ends an active match: afgerond or gestopt, with an outcome. Dismisses with the MatchInfo."""

    SAVE_KEY = "f4.finish_save"
    DEFAULT_FOCUS = "#field-outcome"

    def __init__(self, match: MatchInfo):
        super().__init__()
        self.match = match

    def title_text(self) -> str:
        return t("f4.finish_title", person=self.match.person_name, helper=self.match.offer_name)

    def fields(self):
        yield "ending", t("f4.ending"), Select(
            [(t("f4.status_afgerond"), DONE), (t("f4.status_gestopt"), STOPPED)],
            value=STOPPED if self.match.status == PROPOSED else DONE,
            allow_blank=False, compact=True)
        yield "outcome", t("f4.outcome"), Input(placeholder=t("f4.outcome_placeholder"), compact=True,
                                                      max_length=200)

    def save(self) -> MatchInfo:
        stopped = self.field("ending").value == STOPPED
        return matches.finish(self.app.session, self.match.id, self.field("outcome").value, stopped=stopped)


def status_text(status: str) -> str:
    return t(f"f4.status_{status}") if status in (PROPOSED, ACTIVE, DONE,
                                                          STOPPED) else status


def propose_and_confirm(screen, pair: Scored, done) -> None:
    """Ask, then record the match and make it active; ``done(match)`` afterwards (None when refused)."""
    if not require_coordinator(screen):
        return
    question = score_question("f4.confirm_question", pair.score, pair.reasons,
                              person=pair.request_name, helper=pair.offer_name)

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        session = screen.app.session
        try:
            proposed = matches.propose(session, pair.request_id, pair.offer_id)
        except BwkError as exc:
            screen.notify(exc.message(), severity="error", timeout=8)
            done(None)
            return
        try:
            match = matches.confirm(session, proposed.id)
        except BwkError as exc:
            # Refused (the helper filled up meanwhile): the proposal is turned down again, so the
            # request stays open and nothing is matched.
            try:
                matches.finish(session, proposed.id, "", stopped=True)
            except BwkError:
                pass
            screen.notify(exc.message(), severity="error", timeout=8)
            done(None)
            return
        screen.notify(t("f4.confirmed", person=match.person_name, helper=match.offer_name,
                        day=clock.day(match.next_follow_up, "medium") if match.next_follow_up else "-"))
        done(match)

    screen.app.push_screen(ConfirmModal(question, yes_key="f4.confirm_yes"), answered)
