"""Escape on a form with something typed: a note or a contact is never thrown away silently.
Discard it, keep it as a draft for later, or go back to typing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.text import safe_markup, user_text


class ConfirmDiscard(ModalScreen[str | None]):
    """Escape with something typed: discard it, keep it as a draft, or go back to typing."""

    BINDINGS = [
        Binding("d,y", "choose('discard')", "Discard", id="confirm-discard.discard"),
        Binding("k", "choose('keep')", "Keep as draft", id="confirm-discard.keep"),
        Binding("escape,n,b", "choose('')", "Back", id="confirm-discard.back"),
    ]

    def __init__(self, subject: str = "note", *, can_keep: bool = True) -> None:
        """`subject` is what would be thrown away ("note", "contact"); `can_keep` offers keeping it
        as a draft (the quick-log keeps drafts; a contact form does not)."""
        super().__init__()
        self.subject = subject
        self.can_keep = can_keep

    def compose(self) -> ComposeResult:
        keep = " · k keep it as a draft for later" if self.can_keep else ""
        with Vertical(classes="dialog", id="confirm-discard"):
            yield Label(safe_markup("[b]Discard this $subject?[/b]", subject=self.subject), classes="dialog-title")
            yield Label(user_text(f"d discard it{keep} · n / esc back to typing"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Discard (d)", variant="error", id="cd-discard")
                if self.can_keep:
                    yield Button("Keep draft (k)", id="cd-keep")
                yield Button("Back (n)", variant="primary", id="cd-back")

    def on_mount(self) -> None:
        self.query_one("#cd-back", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose({"cd-discard": "discard", "cd-keep": "keep"}.get(event.button.id or "", ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_keep or parameters != ("keep",)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
