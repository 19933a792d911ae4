"""The cash book's forms: money in or out, a reversal, a budget, a new category; and one entry in full."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.cash import cash
from bwk_tui.services.kernel import money as kernel_money
from bwk_tui.services.kernel.money import money
from bwk_tui.services.kernel import clock
from bwk_tui.services.cash.cash import Entry
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.services.privacy import inzage
from bwk_tui.ui.widgets.form import FORM_CSS, FormModal

# The field names follow the ``field=`` the cash service names in its errors
# (amount, category, description, reason, name, direction): the form marks that field.


def direction_text(direction: str) -> str:
    return t("cash.dir_in" if direction == cash.IN else "cash.dir_out")


def entry_summary(entry: Entry) -> str:
    """``2026-0004 · 25 nov 2026 · uit · boodschappen · € 12,50``."""
    return " · ".join((entry.receipt, clock.day(entry.entry_date, "medium"), direction_text(entry.direction),
                       entry.category, money(entry.amount_cents)))


class EntryModal(FormModal):
    """Money in or out on today's open day. Dismisses with the booked Entry, or None."""

    DEFAULT_FOCUS = "#field-amount"

    def __init__(self, direction: str):
        super().__init__()
        self.direction = direction

    def title_text(self) -> str:
        return t("cash.title_in" if self.direction == cash.IN else "cash.title_out")

    def compose_top(self) -> ComposeResult:
        yield Static(t("cash.in_box", balance=money(cash.balance())), id="entry-balance",
                     classes="muted")

    def fields(self):
        session = self.app.session
        options = [(c.name, c.id) for c in cash.categories(self.direction)
                   if c.code != cash.DIFFERENCE_CATEGORY or session.is_coordinator]
        yield "amount", t("cash.amount"), Input(placeholder=t("cash.amount_placeholder"), compact=True,
                                                max_length=20)
        yield "category", t("cash.category"), Select(options, allow_blank=not options, compact=True,
                                                     **({"value": options[0][1]} if options else {}))
        yield "description", t("cash.description"), Input(placeholder=t("cash.description_placeholder"),
                                                          compact=True, max_length=200)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> Entry:
        category = self.field("category").value
        category_id = 0 if category is Select.NULL else int(category)
        description = self.field("description").value
        # A cash description can never be changed or forgotten: a person's name in it is asked about
        # once; saving the same text again books it (issue 13).
        names = inzage.registered_names_in(description) if description != getattr(self, "_warned", None) else []
        if names:
            self._warned = description
            raise InvalidInput("cash.description_names_person", field="description", names=", ".join(names))
        return cash.add_entry(self.app.session, self.direction, self.field("amount").value, category_id,
                              self.field("description").value)


class ReverseModal(FormModal):
    """A coordinator undoes an entry by booking its opposite today; the reason is required."""

    SAVE_KEY = "cash.reverse_confirm"
    DEFAULT_FOCUS = "#field-reason"

    def __init__(self, entry: Entry):
        super().__init__()
        self.entry = entry

    def title_text(self) -> str:
        return t("cash.reverse_title", receipt=self.entry.receipt)

    def compose_top(self) -> ComposeResult:
        yield Static(entry_summary(self.entry), id="reverse-entry")
        if self.entry.description:
            yield Static(self.entry.description, classes="muted")
        yield Static(t("cash.reverse_help"), classes="muted")

    def fields(self):
        yield "reason", t("cash.reverse_reason"), Input(placeholder=t("cash.reverse_placeholder"), compact=True,
                                                        max_length=150)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> Entry:
        return cash.reverse(self.app.session, self.entry.id, self.field("reason").value)


def _budget_text(cents: int | None) -> str:
    return money(cents) if cents is not None else ""


class BudgetModal(FormModal):
    """The yearly budget of a category (empty: no budget). Dismisses with the category's name."""

    DEFAULT_FOCUS = "#field-amount"

    def __init__(self, category_name: str | None = None):
        super().__init__()
        self.category_name = category_name
        self.known = {c.id: c for c in cash.categories(active_only=False)}

    def title_text(self) -> str:
        return t("cash.budget_title")

    def compose_top(self) -> ComposeResult:
        yield Static(t("cash.budget_help"), classes="muted")

    def fields(self):
        chosen = next((c for c in self.known.values() if c.name == self.category_name), None)
        chosen = chosen or next(iter(self.known.values()), None)
        yield "category", t("cash.category"), Select(
            [(c.name, c.id) for c in self.known.values()], allow_blank=chosen is None, compact=True,
            **({"value": chosen.id} if chosen else {}))
        yield "amount", t("cash.budget_year"), Input(_budget_text(chosen.budget_cents if chosen else None),
                                                     placeholder=t("cash.budget_placeholder"), compact=True,
                                                     max_length=20)

    @on(Select.Changed, "#field-category")
    def _category_changed(self, event: Select.Changed) -> None:
        category = self.known.get(event.value) if event.value is not Select.NULL else None
        if category is not None:
            self.field("amount").value = _budget_text(category.budget_cents)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> str:
        value = self.field("category").value
        if value is Select.NULL:
            raise BwkError("error.category_unknown")
        cash.set_budget(self.app.session, int(value), self.field("amount").value)
        return self.known[int(value)].name


class CategoryModal(FormModal):
    """A new category (Dutch and English name, direction, optional budget). Dismisses with its name."""

    DEFAULT_FOCUS = "#field-name"

    def title_text(self) -> str:
        return t("cash.new_category_title")

    def fields(self):
        yield "name", t("cash.category_name_nl"), Input(compact=True, max_length=60)
        yield "name_en", t("cash.category_name_en"), Input(compact=True, max_length=60)
        yield "direction", t("cash.direction"), Select(
            [(t("cash.dir_in"), cash.IN), (t("cash.dir_out"), cash.OUT), (t("cash.dir_both"), "both")],
            value=cash.OUT, allow_blank=False, compact=True)
        yield "amount", t("cash.budget_year"), Input(placeholder=t("cash.budget_placeholder"), compact=True,
                                                     max_length=20)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.field("amount"):
            self.submit()
        else:
            self.focus_next()  # Enter moves on to the next field, as in the account form

    def save(self) -> str:
        budget = self.field("amount").value
        cents = kernel_money.parse_amount(budget) if budget.strip() else None
        category = cash.add_category(self.app.session, self.field("name").value, self.field("direction").value,
                                     self.field("name_en").value, cents)
        return category.name


class EntryDetailModal(ModalScreen[None]):
    """One entry in full: the description the table had to shorten, who booked it, reversals."""

    BINDINGS = [Binding("escape,enter", "close", show=False)]
    CSS_PATH = FORM_CSS

    def __init__(self, entry: Entry):
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        e = self.entry
        lines = [entry_summary(e)]
        if e.description:
            lines.append(e.description)
        lines.append(t("cash.detail_by", name=e.entered_by))
        if e.reverses is not None:
            lines.append(t("cash.detail_reverses", receipt=_receipt(e.reverses)))
        if e.reversed_by is not None:
            lines.append(t("cash.detail_reversed_by", receipt=_receipt(e.reversed_by)))
        with Vertical(classes="dialog"):
            yield Static(t("cash.detail_title", receipt=e.receipt), classes="dialog-title")
            yield Static("\n".join(lines), id="entry-detail")
            yield Static(t("help.close"), classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)


def _receipt(entry_id: int) -> str:
    try:
        return cash.entry_info(entry_id).receipt
    except BwkError:
        return "?"
