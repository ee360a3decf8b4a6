"""Before a rebalance is stored: its figures before and after, and the question. A rebalance
moves many calls at once, so it is never stored without the user saying so."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.text import safe_markup, user_text


class ConfirmRebalance(ModalScreen[bool]):
    """True to store the rebalanced plan, False to keep the plan as it is."""

    BINDINGS = [
        Binding("y", "choose(True)", "Store it", id="confirm-rebalance.apply"),
        Binding("escape,n", "choose(False)", "Keep the plan", id="confirm-rebalance.keep"),
    ]

    def __init__(self, words: str, moved: int) -> None:
        super().__init__(classes="dialog-screen")
        self.words = words
        self.moved = moved

    def compose(self) -> ComposeResult:
        calls = "1 call" if self.moved == 1 else f"{self.moved} calls"
        with Vertical(classes="dialog", id="confirm-rebalance"):
            yield Label(safe_markup("[b]Store the rebalanced plan?[/b]"), classes="dialog-title")
            yield Static(user_text(f"{self.words} · {calls} would move; today's calls stay"))
            yield Label(user_text("y store it · n / esc keep the plan as it is"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Store (y)", variant="primary", id="cr-apply")
                yield Button("Keep (n)", id="cr-keep")

    def on_mount(self) -> None:
        self.query_one("#cr-keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id == "cr-apply")

    def action_choose(self, apply: bool) -> None:
        self.dismiss(apply)
