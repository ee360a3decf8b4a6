"""`f` on a contact: which way did the favour go? Then the favour form (screens/favor_entry.py).

One key answers (g gave, r received); escape, q or Cancel closes without a choice.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens import stylesheets
from screens.text import safe_markup


class FavorDirection(ModalScreen[str | None]):
    """Returns "gave", "received" or None."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("g", "choose('gave')", "I gave", id="favor-direction.gave"),
        Binding("r", "choose('received')", "I received", id="favor-direction.received"),
        Binding("escape,q", "choose('')", "Cancel", id="favor-direction.cancel"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.contact_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="favor-direction"):
            yield Label(safe_markup("[b]A favour with $name[/b]", name=self.contact_name), classes="dialog-title")
            yield Label(safe_markup("[b]g[/b] you gave them something   [b]r[/b] they gave you something"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Gave (g)", id="favor-gave", variant="primary")
                yield Button("Received (r)", id="favor-received")
                yield Button("Cancel (q)", id="favor-cancel")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose({"favor-gave": "gave", "favor-received": "received"}.get(event.button.id or "", ""))

    def action_choose(self, direction: str) -> None:
        self.dismiss(direction or None)
