"""Deleting something for good asks first: `y` (or `d` again) deletes, `n` or escape keeps it."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from screens.dialogs.question import Answer, Question
from screens.text import safe_markup, user_text


class ConfirmDelete(Question):
    """Returns True to delete. `what` names the thing in the user's terms ("the call of 20 Nov")."""

    dialog_id = "confirm-delete"
    BINDINGS = [
        Binding("y,d", "choose(True)", "Delete", id="confirm-delete.yes"),
        Binding("escape,n,q", "choose(False)", "Keep", id="confirm-delete.no"),
    ]

    def __init__(self, what: str, consequence: str = "") -> None:
        super().__init__()
        self.what = what
        self.consequence = consequence

    def heading(self) -> Content:
        return safe_markup("[b]Delete[/b] $what?", what=self.what)

    def details(self) -> list[Content]:
        return [user_text(self.consequence)] if self.consequence else []

    def key_words(self) -> str:
        return "y delete · n / esc keep"

    def answers(self) -> list[Answer]:
        return [Answer("cdel-yes", "Delete (y)", True, "error"),
                Answer("cdel-no", "Keep (n)", False, "primary", safe=True)]
