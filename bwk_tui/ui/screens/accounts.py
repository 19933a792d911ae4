"""Accounts (coordinator): see who is locked out and unlock them."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable

from bwk_tui.i18n import t
from bwk_tui.services import auth, formatting
from bwk_tui.services.clock import now_utc
from bwk_tui.services.errors import BwkError
from bwk_tui.ui.bindings import Key
from bwk_tui.ui.screens.desk import DeskScreen


class AccountsScreen(DeskScreen):
    TITLE_KEY = "section.accounts"
    KEYS = (Key("o", "unlock", "key.unlock"),)

    def compose_body(self) -> ComposeResult:
        table = DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("accounts.name"), t("accounts.role"), t("accounts.language"), t("accounts.locked"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        now = now_utc()
        for account in auth.list_accounts(self.app.session):
            locked = ""
            if account.locked_until and account.locked_until > now:
                locked = t("accounts.locked_until", time=formatting.clock_time(account.locked_until))
            table.add_row(account.name, t(f"role.{account.role}"), t(f"language.{account.language}"), locked,
                          key=str(account.id))

    def action_unlock(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify(t("accounts.none_selected"), severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        try:
            info = auth.unlock(self.app.session, int(key))
        except BwkError as exc:
            self.notify(exc.message(), severity="error")
            return
        self.notify(t("accounts.unlocked", name=info.name))
        self.reload()
