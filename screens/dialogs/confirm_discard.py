"""Escape on a form with something typed: a note or a contact is never thrown away silently.
Discard it, keep it as a draft for later, or go back to typing."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from screens.dialogs.question import Answer, Question
from screens.text import safe_markup


class ConfirmDiscard(Question):
    """Escape with something typed: "discard" it, "keep" it as a draft, or None: back to typing."""

    dialog_id = "confirm-discard"
    BINDINGS = [
        Binding("d,y", "choose('discard')", "Discard", id="confirm-discard.discard"),
        Binding("k", "choose('keep')", "Keep as draft", id="confirm-discard.keep"),
        Binding("escape,n,b", "choose(None)", "Back", id="confirm-discard.back"),
    ]

    def __init__(self, subject: str = "note", *, can_keep: bool = True) -> None:
        """`subject` is what would be thrown away ("note", "contact"); `can_keep` offers keeping it
        as a draft (the quick-log keeps drafts; a contact form does not)."""
        super().__init__()
        self.subject = subject
        self.can_keep = can_keep

    def heading(self) -> Content:
        return safe_markup("[b]Discard this $subject?[/b]", subject=self.subject)

    def key_words(self) -> str:
        keep = " · k keep it as a draft for later" if self.can_keep else ""
        return f"d discard it{keep} · n / esc back to typing"

    def answers(self) -> list[Answer]:
        keep = [Answer("cd-keep", "Keep draft (k)", "keep")] if self.can_keep else []
        return [Answer("cd-discard", "Discard (d)", "discard", "error"), *keep,
                Answer("cd-back", "Back (n)", None, "primary", safe=True)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_keep or parameters != ("keep",)
