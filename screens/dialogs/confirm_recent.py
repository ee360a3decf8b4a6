"""Saving a call with someone a colleague reached lately ("Jonas spoke to them Tue"): the desk
shares one memory of every contact, so a second call in a week is asked about before it is
logged. `y` logs it anyway; `n` or escape goes back to the note, which stays as typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.text import safe_markup, user_text


class ConfirmRecent(ModalScreen[bool]):
    """True: log the call anyway."""

    BINDINGS = [
        Binding("y", "choose(True)", "Log anyway", id="confirm-recent.log"),
        Binding("escape,n,ctrl+g", "choose(False)", "Back", id="confirm-recent.back"),
    ]

    def __init__(self, words: str, days: int) -> None:
        super().__init__(classes="dialog-screen")
        self.words = words
        self.days = days

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-recent"):
            yield Label(safe_markup("[b]$words[/b]", words=self.words), classes="dialog-title")
            yield Label(safe_markup("within the last $days days: log this call anyway?", days=str(self.days)))
            yield Label(user_text("y log it · n / esc back to the note"), classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log anyway (y)", variant="warning", id="recent-log", compact=True)
                yield Button("Back (n)", variant="primary", id="recent-back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#recent-back", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id == "recent-log")

    def action_choose(self, choice: bool) -> None:
        self.dismiss(choice)
