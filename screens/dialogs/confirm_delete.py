"""Deleting something for good asks first: `y` (or `d` again) deletes, `n` or escape keeps it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.text import safe_markup, user_text


class ConfirmDelete(ModalScreen[bool]):
    """Returns True to delete. `what` names the thing in the user's terms ("the call of 20 Nov")."""

    BINDINGS = [
        Binding("y,d", "choose(True)", "Delete", id="confirm-delete.yes"),
        Binding("escape,n,q", "choose(False)", "Keep", id="confirm-delete.no"),
    ]

    def __init__(self, what: str, consequence: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.what = what
        self.consequence = consequence

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-delete"):
            yield Label(safe_markup("[b]Delete[/b] $what?", what=self.what), classes="dialog-title")
            if self.consequence:
                yield Label(user_text(self.consequence))
            with Horizontal(classes="dialog-buttons"):
                yield Label(user_text("y delete · n / esc keep"), classes="muted save-hint")
                yield Button("Delete (y)", variant="error", id="cdel-yes", compact=True)
                yield Button("Keep (n)", variant="primary", id="cdel-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cdel-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "cdel-yes")

    def action_choose(self, delete: bool) -> None:
        self.dismiss(delete)
