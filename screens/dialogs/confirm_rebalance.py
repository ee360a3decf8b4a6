"""Before a rebalance is stored: its figures before and after, and the question. A rebalance
moves many calls at once, so it is never stored without the user saying so."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from screens.dialogs.question import Answer, Question
from screens.text import safe_markup, user_text


class ConfirmRebalance(Question):
    """True to store the rebalanced plan, False to keep the plan as it is."""

    dialog_id = "confirm-rebalance"
    BINDINGS = [
        Binding("y", "choose(True)", "Store it", id="confirm-rebalance.apply"),
        Binding("escape,n", "choose(False)", "Keep the plan", id="confirm-rebalance.keep"),
    ]

    def __init__(self, words: str, moved: int) -> None:
        super().__init__()
        self.words = words
        self.moved = moved

    def heading(self) -> Content:
        return safe_markup("[b]Store the rebalanced plan?[/b]")

    def details(self) -> list[Content]:
        calls = "1 call" if self.moved == 1 else f"{self.moved} calls"
        return [user_text(f"{self.words} · {calls} would move; today's calls stay")]

    def key_words(self) -> str:
        return "y store it · n / esc keep the plan as it is"

    def answers(self) -> list[Answer]:
        return [Answer("cr-apply", "Store (y)", True, "primary"), Answer("cr-keep", "Keep (n)", False, safe=True)]
