"""F8 Beheer (coordinator): accounts (unlock, add) and the help domains (add, rename, switch off)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input
from bwk_tui.ui.widgets.plain import Select, Static

from bwk_tui.i18n import t
from bwk_tui.services.room import auth
from bwk_tui.services.visitors import visits
from bwk_tui.services.kernel import clock
from bwk_tui.services.kernel.errors import BwkError, InvalidInput
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen
from bwk_tui.ui.widgets.form import FormModal


class AccountsScreen(DeskScreen):
    TITLE_KEY = "section.accounts"
    HELP_KEY = "admin.help"
    HINT_KEY = "admin.keys"
    KEYS = (
        Key("o", "unlock", show=False),
        Key("a", "new_account", show=False),
        Key("d", "new_domain", show=False),
        Key("r", "rename_domain", show=False),
        Key("space", "toggle_domain", show=False),
        Key("g", "toggle_sensitive", show=False),
        Key("l", "logbook", show=False),
        Key("x", "deactivate", show=False),
    )

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="admin-columns"):
            with Vertical():
                yield Static(t("section.accounts"), classes="column-title")
                yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static(t("admin.domains"), classes="column-title")
                yield DataTable(id="domains", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#accounts", DataTable).add_columns(
            t("accounts.name"), t("accounts.role"), t("accounts.language"), t("accounts.locked"))
        self.query_one("#domains", DataTable).add_columns(t("admin.domain_name"), t("admin.domain_active"),
                                                          t("admin.domain_sensitive"))
        self.reload()
        self.query_one("#accounts", DataTable).focus()

    def reload(self) -> None:
        table = self.query_one("#accounts", DataTable)
        table.clear()
        now = clock.now_utc()
        for account in auth.list_accounts(self.app.session):
            locked = ""
            if not account.active:
                locked = t("accounts.inactive")
            elif account.locked_until and account.locked_until > now:
                locked = t("accounts.locked_until", time=clock.clock_time(account.locked_until))
            table.add_row(account.name, t(f"role.{account.role}"), t(f"language.{account.language}"), locked,
                          key=str(account.id))
        domains = self.query_one("#domains", DataTable)
        row = domains.cursor_row
        domains.clear()
        for domain in visits.domains(active_only=False):
            domains.add_row(domain.name, "✓" if domain.active else "—", "✓" if domain.sensitive else "—",
                            key=str(domain.id))
        if domains.row_count:
            domains.move_cursor(row=min(row, domains.row_count - 1))

    def action_logbook(self) -> None:
        from bwk_tui.ui.screens.logbook import LogbookScreen

        self.app.push_screen(LogbookScreen())

    def _selected(self, table_id: str) -> int | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            self.notify(t("accounts.none_selected"), severity="warning")
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_unlock(self) -> None:
        account_id = self._selected("accounts")
        if account_id is None:
            return
        try:
            account = auth.unlock(self.app.session, account_id)
        except BwkError as exc:
            self.notify(exc.message(), severity="error")
            return
        self.notify(t("accounts.unlocked", name=account.name))
        self.reload()

    def action_deactivate(self) -> None:
        """x: an account that leaves, after a question that names it and what happens."""
        from bwk_tui.ui.widgets.confirm import ConfirmModal

        account_id = self._selected("accounts")
        if account_id is None:
            return
        table = self.query_one("#accounts", DataTable)
        name = str(table.get_row(str(account_id))[0])

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                account = auth.deactivate(self.app.session, account_id)
            except BwkError as exc:
                self.notify(exc.message(), severity="error")
                return
            self.notify(t("accounts.deactivated", name=account.name))
            self.reload()

        self.app.push_screen(ConfirmModal(t("accounts.deactivate_question", name=name)), answered)

    def action_new_account(self) -> None:
        self.app.push_screen(AccountModal(), lambda result: result and self._saved(result))

    def action_new_domain(self) -> None:
        self.app.push_screen(DomainModal(), lambda result: result and self._saved(result))

    def action_rename_domain(self) -> None:
        domain_id = self._selected("domains")
        if domain_id is None:
            return
        domain = next(d for d in visits.domains(active_only=False) if d.id == domain_id)
        self.app.push_screen(DomainModal(domain), lambda result: result and self._saved(result))

    def action_toggle_domain(self) -> None:
        domain_id = self._selected("domains")
        if domain_id is None:
            return
        domain = next(d for d in visits.domains(active_only=False) if d.id == domain_id)
        visits.set_domain_active(self.app.session, domain_id, not domain.active)
        self.notify(t("admin.domain_on" if not domain.active else "admin.domain_off", name=domain.name))
        self.reload()

    def action_toggle_sensitive(self) -> None:
        domain_id = self._selected("domains")
        if domain_id is None:
            return
        domain = next(d for d in visits.domains(active_only=False) if d.id == domain_id)
        visits.set_domain_sensitive(self.app.session, domain_id, not domain.sensitive)
        self.notify(t("admin.domain_sensitive_on" if not domain.sensitive else "admin.domain_sensitive_off",
                      name=domain.name))
        self.reload()

    def _saved(self, message: str) -> None:
        self.notify(message)
        self.reload()


class AccountModal(FormModal):
    """A new account: name, role, language and PIN (twice)."""

    DEFAULT_FOCUS = "#field-name"

    def title_text(self) -> str:
        return t("admin.new_account")

    def fields(self):
        yield "name", t("accounts.name"), Input(compact=True, max_length=60)
        yield "role", t("accounts.role"), Select([(t("role.volunteer"), "volunteer"), (t("role.coordinator"),
                                                   "coordinator")], value="volunteer", allow_blank=False,
                                                 compact=True)
        yield "language", t("accounts.language"), Select([(t("language.nl"), "nl"), (t("language.en"), "en")],
                                                         value="nl", allow_blank=False, compact=True)
        yield "pin", t("setup.pin"), Input(password=True, max_length=8, restrict=r"[0-9]*", compact=True)
        yield "pin2", t("setup.pin_again"), Input(password=True, max_length=8, restrict=r"[0-9]*", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def save(self) -> str:
        if self.field("pin").value != self.field("pin2").value:
            self.field("pin2").value = ""
            raise InvalidInput("error.pin_mismatch", field="pin")
        account = auth.create_account(self.app.session, self.field("name").value, self.field("role").value,
                                      self.field("pin").value, self.field("language").value)
        return t("admin.account_added", name=account.name)


class DomainModal(FormModal):
    """A new help domain, or a new name for one (Dutch and English)."""

    DEFAULT_FOCUS = "#field-name_nl"

    def __init__(self, domain: visits.Domain | None = None):
        super().__init__()
        self.domain = domain

    def title_text(self) -> str:
        return t("admin.rename_domain" if self.domain else "admin.new_domain")

    def fields(self):
        names = visits.domain_names(self.domain.id) if self.domain else ("", "")
        yield "name_nl", t("admin.domain_name_nl"), Input(names[0], compact=True, max_length=60)
        yield "name_en", t("admin.domain_name_en"), Input(names[1], compact=True, max_length=60)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def save(self) -> str:
        name_nl, name_en = self.field("name_nl").value, self.field("name_en").value
        if self.domain:
            visits.rename_domain(self.app.session, self.domain.id, name_nl, name_en)
        else:
            visits.add_domain(self.app.session, name_nl, name_en)
        return t("admin.domain_saved", name=" ".join(name_nl.split()))
