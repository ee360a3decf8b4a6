"""Saving a call with someone a colleague reached lately ("Jonas spoke to them Tue"): the desk
shares one memory of every contact, so a second call in a week is asked about before it is
logged. `y` logs it anyway; `n` or escape goes back to the note, which stays as typed."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from screens.dialogs.question import Answer, Question
from screens.text import safe_markup


class ConfirmRecent(Question):
    """True: log the call anyway."""

    dialog_id = "confirm-recent"
    BINDINGS = [
        Binding("y", "choose(True)", "Log anyway", id="confirm-recent.log"),
        Binding("escape,n,ctrl+g", "choose(False)", "Back", id="confirm-recent.back"),
    ]

    def __init__(self, words: str, days: int) -> None:
        super().__init__()
        self.words = words
        self.days = days

    def heading(self) -> Content:
        return safe_markup("[b]$words[/b]", words=self.words)

    def details(self) -> list[Content]:
        return [safe_markup("within the last $days days: log this call anyway?", days=str(self.days))]

    def key_words(self) -> str:
        return "y log it · n / esc back to the note"

    def answers(self) -> list[Answer]:
        return [Answer("recent-log", "Log anyway (y)", True, "warning"),
                Answer("recent-back", "Back (n)", False, "primary", safe=True)]
