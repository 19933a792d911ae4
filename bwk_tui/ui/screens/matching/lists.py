"""The proposal for all open requests (``v``) and the matches with their check-ins (``l``).

The proposal is worked out in a worker (on a big room it takes up to a second) and saves
nothing: Enter on a pair asks the coordinator, and only then is that one pair matched.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable
from bwk_tui.ui.widgets.plain import Static
from textual.worker import Worker, WorkerState

from bwk_tui.i18n import t
from bwk_tui.services.matching.requests import ACTIVE, PROPOSED
from bwk_tui.services.matching import scoring
from bwk_tui.services.matching import matches
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError
from bwk_tui.services.matching.scoring import Scored
from bwk_tui.services.matching.matches import MatchInfo
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen, require_coordinator
from bwk_tui.ui.screens.matching.forms import FinishModal, status_text
from bwk_tui.ui.widgets.texts import reasons_text, score_question
from bwk_tui.ui.screens.matching.forms import propose_and_confirm
from bwk_tui.ui.widgets.confirm import ConfirmModal
from bwk_tui.ui.widgets.tables import room
from bwk_tui.services.kernel.text import cut


class ProposalScreen(DeskScreen):
    TITLE_KEY = "section.matching"
    CSS_PATH = "matching.tcss"
    HELP_KEY = "f4.proposal_help"
    HINT_KEY = "f4.proposal_keys"
    KEYS = (Key("escape", "back", show=False),)

    def __init__(self):
        super().__init__()
        self.pairs: list[Scored] = []

    def compose_body(self) -> ComposeResult:
        yield Static(t("f4.proposal_loading"), id="proposal-total")
        yield DataTable(id="proposal", cursor_type="row", zebra_stripes=True)
        yield Static("", id="proposal-reasons", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#proposal", DataTable).focus()
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False, group="proposal")
    def compute(self) -> list[Scored]:
        return scoring.propose_all(self.app.session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.group == "proposal":
            self.pairs = list(event.worker.result)
            self.render_table()
        super().on_worker_state_changed(event)

    def on_resize(self, event) -> None:
        if self.pairs:
            self.render_table()

    def render_table(self) -> None:
        table = self.query_one("#proposal", DataTable)
        width = max(self.size.width or self.app.size.width, 60)
        reasons_width = max(16, room(width, 4) - 18 - 18 - 6)
        table.clear(columns=True)
        table.add_column(t("f4.col_person"), width=18, key="person")
        table.add_column(t("f4.col_helper"), width=18, key="helper")
        table.add_column(Text(t("f4.col_score"), justify="right"), width=6, key="score")
        table.add_column(t("f4.col_reasons"), width=reasons_width, key="reasons")
        for pair in self.pairs:
            table.add_row(Text(cut(pair.request_name, 18)), Text(cut(pair.offer_name, 18)),
                          Text(str(pair.score), justify="right", style="bold"),
                          Text(cut(reasons_text(pair.reasons), reasons_width)),
                          key=f"{pair.request_id}-{pair.offer_id}")
        total = sum(pair.score for pair in self.pairs)
        self.query_one("#proposal-total", Static).update(
            t("f4.proposal_total", count=len(self.pairs), total=total) if self.pairs
            else t("f4.proposal_empty"))
        self.show_reasons()

    def highlighted(self) -> Scored | None:
        table = self.query_one("#proposal", DataTable)
        if not self.pairs or not table.row_count:
            return None
        return self.pairs[min(table.cursor_row, len(self.pairs) - 1)]

    @on(DataTable.RowHighlighted, "#proposal")
    def show_reasons(self, event=None) -> None:
        pair = self.highlighted()
        self.query_one("#proposal-reasons", Static).update(
            t("f4.reasons_of", helper=pair.offer_name, score=pair.score, reasons=reasons_text(pair.reasons))
            if pair else "")

    @on(DataTable.RowSelected, "#proposal")
    def _pair_chosen(self, event: DataTable.RowSelected) -> None:
        pair = self.highlighted()
        if pair is not None:
            propose_and_confirm(self, pair, lambda match, pair=pair: self._matched(pair, match))

    def _matched(self, pair: Scored, match: MatchInfo | None) -> None:
        if match is None:
            self.compute()  # refused (someone else was faster, or a capacity changed): work it out again
            return
        # The rest of the proposal still holds: the confirmed pair was part of it.
        table = self.query_one("#proposal", DataTable)
        row = table.cursor_row
        self.pairs = [p for p in self.pairs if p is not pair]
        self.render_table()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()


class MatchesScreen(DeskScreen):
    """Active (and proposed) matches, the next check-in first; c check-in done, a finish, Enter confirm."""

    TITLE_KEY = "section.matching"
    CSS_PATH = "matching.tcss"
    HELP_KEY = "f4.matches_help"
    HINT_KEY = "f4.matches_keys"
    KEYS = (
        Key("escape", "back", show=False),
        Key("c", "follow_up", show=False),
        Key("a", "finish", show=False),
    )

    def __init__(self):
        super().__init__()
        self.rows: list[MatchInfo] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="matches-count")
        yield DataTable(id="matches", cursor_type="row", zebra_stripes=True)
        yield Static("", id="match-detail", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#matches", DataTable).focus()
        self.reload()

    def on_resize(self, event) -> None:
        if self.rows:
            self.reload()

    def reload(self) -> None:
        table = self.query_one("#matches", DataTable)
        row = table.cursor_row if table.row_count else 0
        active = matches.matches(ACTIVE)
        active.sort(key=lambda m: (m.next_follow_up is None, m.next_follow_up or clock.today(), m.person_name))
        self.rows = matches.matches(PROPOSED) + active
        width = max(self.size.width or self.app.size.width, 60)
        helper_width = max(12, room(width, 5) - 18 - 11 - 11 - 12)
        table.clear(columns=True)
        table.add_column(t("f4.col_person"), width=18, key="person")
        table.add_column(t("f4.col_helper"), width=helper_width, key="helper")
        table.add_column(t("f4.col_status"), width=11, key="status")
        table.add_column(t("f4.col_since"), width=11, key="since")
        table.add_column(t("f4.col_follow_up"), width=12, key="follow_up")
        day = clock.today()
        for match in self.rows:
            since = match.started_at or match.proposed_at
            follow = match.next_follow_up
            due = follow is not None and follow <= day and match.status == ACTIVE
            table.add_row(Text(cut(match.person_name, 18)), Text(cut(match.offer_name, helper_width)),
                          Text(status_text(match.status)),
                          Text(clock.day(since.date(), "dd-MM-yy")),
                          Text((clock.day(follow, "dd-MM-yy") if follow else "")
                               + (" !" if due else ""), style="bold red" if due else ""),
                          key=str(match.id))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        due_count = sum(1 for m in self.rows if m.status == ACTIVE and m.next_follow_up is not None
                        and m.next_follow_up <= day)
        self.query_one("#matches-count", Static).update(
            t("f4.matches_count", count=len(active), due=due_count) if self.rows
            else t("f4.matches_empty"))
        self.show_detail()

    def highlighted(self) -> MatchInfo | None:
        table = self.query_one("#matches", DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowHighlighted, "#matches")
    def show_detail(self, event=None) -> None:
        match = self.highlighted()
        self.query_one("#match-detail", Static).update(
            t("f4.reasons_of", helper=match.offer_name, score=match.score, reasons=reasons_text(match.reasons))
            if match else "")

    @on(DataTable.RowSelected, "#matches")
    def _confirm_proposed(self, event: DataTable.RowSelected) -> None:
        """A match left proposed (its confirmation was refused earlier) is confirmed here."""
        match = self.highlighted()
        if match is None or match.status != PROPOSED or not require_coordinator(self):
            return
        question = score_question("f4.confirm_question", match.score, match.reasons,
                                  person=match.person_name, helper=match.offer_name)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: matches.confirm(self.app.session, match.id), "f4.confirmed_short")

        self.app.push_screen(ConfirmModal(question, yes_key="f4.confirm_yes"), answered)

    def _run(self, call, done_key: str) -> None:
        try:
            match = call()
        except BwkError as exc:
            self.notify(exc.message(), severity="error", timeout=8)
            return
        self.notify(t(done_key, person=match.person_name, helper=match.offer_name,
                      day=clock.day(match.next_follow_up, "medium") if match.next_follow_up else "-"))
        self.reload()

    def action_follow_up(self) -> None:
        match = self.highlighted()
        if match is None or match.status != ACTIVE:
            self.notify(t("f4.choose_active"), severity="warning")
            return
        self._run(lambda: matches.follow_up_done(self.app.session, match.id), "f4.follow_up_done")

    def action_finish(self) -> None:
        if not require_coordinator(self):
            return
        match = self.highlighted()
        if match is None:
            self.notify(t("f4.choose_active"), severity="warning")
            return
        self.app.push_screen(FinishModal(match), self._finished)

    def _finished(self, match: MatchInfo | None) -> None:
        if match is None:
            return
        self.notify(t("f4.finished", person=match.person_name, helper=match.offer_name,
                      status=status_text(match.status)))
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
