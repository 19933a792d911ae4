"""A modal form: labelled fields in a grid, one error line, Save and Cancel.

The message of a refused save is shown next to the form, the field it is about is
marked and focused, and what was typed stays where it was.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input
from bwk_tui.ui.widgets.plain import Label, Static

from bwk_tui.i18n import t
from bwk_tui.services.kernel.errors import BwkError, InvalidInput

FORM_CSS = Path(__file__).with_name("form.tcss")


class FormModal(ModalScreen):
    """Subclasses yield ``(field name, label text, widget)`` from ``fields()`` and implement ``save()``."""

    # Enter reaches the form only from a field that does not use it itself (a tick box): it saves.
    BINDINGS = [Binding("escape", "cancel", show=False), Binding("enter", "save_form", show=False)]
    # Absolute: subclasses live in other folders. Read when the first form opens, not at start-up.
    CSS_PATH = FORM_CSS
    SAVE_KEY = "form.save"
    DEFAULT_FOCUS = "#save"

    def title_text(self) -> str:
        return ""

    def fields(self):
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Static(self.title_text(), classes="dialog-title")
            yield from self.compose_top()
            with Grid(classes="form-grid"):
                for name, label, widget in self.fields():
                    yield Label(label, classes="form-label", id=f"label-{name}")
                    widget.id = widget.id or f"field-{name}"
                    yield widget
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t(self.SAVE_KEY), id="save", variant="primary")
                yield Button(t("form.cancel"), id="cancel")

    def compose_top(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(self.DEFAULT_FOCUS).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.submit()
        elif event.button.id == "cancel":
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save_form(self) -> None:
        self.submit()

    def submit(self) -> None:
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")
        self.show_error("")
        try:
            result = self.save()
        except InvalidInput as exc:
            self.show_error(exc.message())
            self.mark(exc.field)
            return
        except BwkError as exc:
            self.show_error(exc.message())
            return
        self.dismiss(result)

    def save(self):
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def mark(self, field: str | None) -> None:
        if not field:
            return
        for widget in self.query(f"#field-{field}"):
            widget.add_class("-invalid")
            widget.focus()
            if isinstance(widget, Input):  # typing replaces what was wrong; Enter saves again
                widget.select_all()

    def field(self, name: str) -> Widget:
        return self.query_one(f"#field-{name}")
