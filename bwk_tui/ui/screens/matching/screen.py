"""F4 Koppelingen: open help requests and, for the highlighted one, the best helpers with their reasons.

``n`` records a help request, ``a`` a help offer (coordinator). Enter on a request goes to
its shortlist; Enter on a helper there proposes and confirms that match after the coordinator
has seen the score and its reasons. ``v`` shows the proposal for all open requests at once,
``l`` the matches with their check-ins. Every rule is the matching service's: this screen
shows what it returns and the messages it gives.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.matching import scoring
from bwk_tui.services.matching import matches
from bwk_tui.services.matching import requests
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.clock import to_local
from bwk_tui.services.matching.scoring import Scored
from bwk_tui.services.matching.requests import RequestInfo
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen, require_coordinator
from bwk_tui.ui.screens.matching.forms import OfferModal, RequestModal, urgency_text
from bwk_tui.ui.widgets.texts import reasons_text
from bwk_tui.ui.widgets.tables import room
from bwk_tui.services.kernel.text import cut
from bwk_tui.ui.screens.matching.forms import propose_and_confirm

SHORTLIST = 5


class MatchingScreen(DeskScreen):
    TITLE_KEY = "section.matching"
    CSS_PATH = "matching.tcss"
    HELP_KEY = "f4.help"
    HINT_KEY = "f4.keys"
    KEYS = (
        Key("n", "new_request", show=False),
        Key("a", "new_offer", show=False),
        Key("v", "proposal", show=False),
        Key("l", "matches", show=False),
        Key("e", "edit_description", show=False),
        Key("escape", "to_requests", show=False),
    )

    def __init__(self):
        super().__init__()
        session = self.app.session
        if session is not None and not session.is_coordinator:
            self.HINT_KEY = "f4.keys_volunteer"  # only the keys a volunteer can use
        self.requests: list[RequestInfo] = []
        self.pairs: list[Scored] = []
        self.shown_request: int | None = None
        self.stale = True  # read the lists again when the screen comes back

    def compose_body(self) -> ComposeResult:
        yield Static("", id="matching-due")
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static(t("f4.no_requests"), id="requests-empty", classes="muted")
        yield Static("", id="request-description", classes="muted")
        yield Static("", id="shortlist-title")
        yield DataTable(id="shortlist", cursor_type="row", zebra_stripes=True)
        yield Static("", id="shortlist-reasons", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#requests", DataTable).focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown; back from the proposal or the matches list
        # something may have been matched, so the lists are read again (not after a modal:
        # the cursors stay where they were).
        if self.stale:
            self.stale = False
            self.reload()

    def on_resize(self, event) -> None:
        if not self.stale:  # the columns take the new width
            self.reload()

    # --- loading ------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        self.show_due()
        table = self.query_one("#requests", DataTable)
        current = keep if keep is not None else self.highlighted_request_id()
        old_row = table.cursor_row if table.row_count else 0
        self.requests = requests.open_requests()
        width = max(self.size.width or self.app.size.width, 60)
        name_width = 20 + max(0, min(12, (room(width, 4) - 20 - 8 - 10 - 29) // 3))  # wider on a wide screen
        domains_width = max(12, room(width, 4) - name_width - 8 - 10)
        table.clear(columns=True)
        table.add_column(t("f4.col_person"), width=name_width, key="person")
        table.add_column(t("f4.col_domains"), width=domains_width, key="domains")
        table.add_column(t("f4.col_urgency"), width=8, key="urgency")
        table.add_column(t("f4.col_waiting"), width=10, key="waiting")
        # The same request stays highlighted; when it was matched, the one that took its place.
        row = min(old_row, max(len(self.requests) - 1, 0))
        for index, request in enumerate(self.requests):
            style = "bold red" if request.urgency >= 3 else ("bold" if request.urgency == 2 else "")
            table.add_row(Text(cut(request.person_name, name_width)), Text(cut(", ".join(request.domains), domains_width)),
                          Text(urgency_text(request.urgency), style=style),
                          Text(self.waiting_text(request)), key=str(request.id))
            if request.id == current:
                row = index
        self.query_one("#requests-empty", Static).display = not self.requests
        if self.requests:
            table.move_cursor(row=row, animate=False)
        self.shown_request = None
        self.show_shortlist()

    @staticmethod
    def waiting_text(request: RequestInfo) -> str:
        start = to_local(request.created_at).date()
        days = (clock.today() - start).days
        return t("f4.waiting_days", days=days) if days else t("f4.waiting_today")

    def show_due(self) -> None:
        due = matches.follow_ups_due()
        widget = self.query_one("#matching-due", Static)
        widget.update(t("f4.due", count=len(due)) if due else t("f4.due_none"))
        widget.set_class(bool(due), "-due")

    def highlighted_request(self) -> RequestInfo | None:
        table = self.query_one("#requests", DataTable)
        if not self.requests or not table.row_count:
            return None
        return self.requests[min(table.cursor_row, len(self.requests) - 1)]

    def highlighted_request_id(self) -> int | None:
        request = self.highlighted_request() if self.requests else None
        return request.id if request else None

    @on(DataTable.RowHighlighted, "#requests")
    def _request_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_shortlist()

    def show_shortlist(self) -> None:
        request = self.highlighted_request()
        if request is not None and request.id == self.shown_request:
            return
        self.shown_request = request.id if request else None
        table = self.query_one("#shortlist", DataTable)
        title = self.query_one("#shortlist-title", Static)
        self.pairs = scoring.shortlist(request.id, top=SHORTLIST) if request else []
        table.clear(columns=True)
        width = max(self.size.width or self.app.size.width, 60)
        reasons_width = max(16, room(width, 4) - 20 - 6 - 6)
        table.add_column(t("f4.col_helper"), width=20, key="helper")
        table.add_column(Text(t("f4.col_score"), justify="right"), width=6, key="score")
        table.add_column(Text(t("f4.col_room"), justify="right"), width=6, key="room")
        table.add_column(t("f4.col_reasons"), width=reasons_width, key="reasons")
        for pair in self.pairs:
            table.add_row(Text(cut(pair.offer_name, 20)), Text(str(pair.score), justify="right", style="bold"),
                          Text(str(pair.remaining_capacity), justify="right"),
                          Text(cut(reasons_text(pair.reasons), reasons_width)), key=str(pair.offer_id))
        description = self.query_one("#request-description", Static)
        description.update(t("f4.description_line", text=request.description or "-") if request else "")
        if request is None:
            title.update("")
        elif self.pairs:
            title.update(t("f4.shortlist_title", person=request.person_name, count=len(self.pairs)))
        else:
            title.update(t("f4.shortlist_none", person=request.person_name))
        table.display = bool(self.pairs)
        table.styles.height = len(self.pairs) + 1  # the header and at most five helpers, no scrolling
        self.show_reasons()

    @on(DataTable.RowHighlighted, "#shortlist")
    def _pair_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_reasons()

    def highlighted_pair(self) -> Scored | None:
        table = self.query_one("#shortlist", DataTable)
        if not self.pairs or not table.row_count:
            return None
        return self.pairs[min(table.cursor_row, len(self.pairs) - 1)]

    def show_reasons(self) -> None:
        pair = self.highlighted_pair()
        text = t("f4.reasons_of", helper=pair.offer_name, score=pair.score,
                 reasons=reasons_text(pair.reasons)) if pair else ""
        self.query_one("#shortlist-reasons", Static).update(text)

    # --- moving between the two lists ---------------------------------------------------

    @on(DataTable.RowSelected, "#requests")
    def _request_chosen(self, event: DataTable.RowSelected) -> None:
        if self.pairs:
            self.query_one("#shortlist", DataTable).focus()

    def action_to_requests(self) -> None:
        self.query_one("#requests", DataTable).focus()

    @on(DataTable.RowSelected, "#shortlist")
    def _pair_chosen(self, event: DataTable.RowSelected) -> None:
        pair = self.highlighted_pair()
        if pair is not None:
            propose_and_confirm(self, pair, self._matched)

    def _matched(self, match) -> None:
        self.reload()
        self.query_one("#requests", DataTable).focus()

    # --- new requests and offers --------------------------------------------------------

    def action_edit_description(self) -> None:
        request = self.highlighted_request()
        if request is None:
            return
        from bwk_tui.ui.screens.matching.forms import DescriptionModal

        def saved(result) -> None:
            if result is not None:
                self.shown_request = None
                self.reload(keep=request.id)
                self.notify(t("f4.description_saved"))

        self.app.push_screen(DescriptionModal(request), saved)

    def action_new_request(self) -> None:
        self.app.push_screen(RequestModal(), self._request_added)

    def _request_added(self, request: RequestInfo | None) -> None:
        if request is None:
            return
        self.notify(t("f4.request_added", person=request.person_name))
        self.reload(keep=request.id)

    def action_new_offer(self) -> None:
        if not require_coordinator(self):
            return
        self.app.push_screen(OfferModal(), self._offer_added)

    def _offer_added(self, offer) -> None:
        if offer is None:
            return
        self.notify(t("f4.offer_added", helper=offer.name, capacity=offer.capacity))
        self.shown_request = None
        self.show_shortlist()

    # --- the proposal and the matches ---------------------------------------------------

    def action_proposal(self) -> None:
        if not require_coordinator(self):  # the proposal names every resident with a request
            return
        from bwk_tui.ui.screens.matching.lists import ProposalScreen

        self.stale = True
        self.app.push_screen(ProposalScreen())

    def action_matches(self) -> None:
        from bwk_tui.ui.screens.matching.lists import MatchesScreen

        self.stale = True
        self.app.push_screen(MatchesScreen())
