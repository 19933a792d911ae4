"""The top line of every screen: room, date, and who is logged in."""
from __future__ import annotations

from bwk_tui.ui.widgets.plain import Static

from bwk_tui.i18n import t
from bwk_tui.services.kernel import clock


class DeskHeader(Static):
    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
        text-style: bold;
    }
    """

    def __init__(self, title: str = "", **kwargs):
        super().__init__(**kwargs)
        self.section_title = title

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(60, self.refresh_text)

    def refresh_text(self) -> None:
        app = self.app
        parts = [app.room_name or "bwk"]
        if self.section_title:
            parts.append(self.section_title)
        parts.append(clock.day(clock.today(), style="EEE d MMM y"))
        session = getattr(app, "session", None)
        if session is not None:
            parts.append(t("header.user", name=session.name, role=t(f"role.{session.role}")))
        self.update(" · ".join(parts))
