"""A question with a few fixed answers, asked the one way every such dialog asks it: a title, what
it is about, the keys said in words (it is answered from the keyboard at 80x24), and a button
per answer. The safe answer (keep, back) has the focus, so an `enter` pressed by habit changes
nothing.

Each dialog says its keys in its own BINDINGS (their ids are the user's keymap names), each one
`choose(VALUE)`; a button returns its answer's value the same way. A dialog may also have a key that
changes what is asked without answering (which of two contacts a merge keeps): its button is an
`Answer` with an `action` (the screen's own, as its key runs it), the dialog stays open, and
`show_details()` puts what changed on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static
from textual.widgets.button import ButtonVariant

from screens.text import user_text


@dataclass(frozen=True)
class Answer:
    """One button: its label (with its key), what choosing it returns, and its colour."""

    id: str
    label: str
    value: Any
    variant: ButtonVariant = "default"
    safe: bool = False  # focused when the dialog opens
    action: str = ""  # not an answer: the screen's action this button runs, the dialog staying open


class Question(ModalScreen[Any]):
    """Subclasses give `dialog_id` and the parts below; `choose(value)` answers."""

    dialog_id = "question"

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def heading(self) -> Content:
        raise NotImplementedError

    def details(self) -> list[Content]:
        """What the question is about, a line each (none: the title says it all)."""
        return []

    def key_words(self) -> str:
        """The keys, said in words: "y delete · n / esc keep"."""
        raise NotImplementedError

    def answers(self) -> list[Answer]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.dialog_id):
            yield Label(self.heading(), classes="dialog-title")
            for line in self.details():
                yield Static(line, classes="dialog-detail")
            yield Label(user_text(self.key_words()), classes="muted")
            with Horizontal(classes="dialog-buttons"):
                for answer in self.answers():
                    yield Button(answer.label, variant=answer.variant, id=answer.id, compact=True)

    def on_mount(self) -> None:
        safe = next((answer for answer in self.answers() if answer.safe), None)
        if safe is not None:
            self.query_one(f"#{safe.id}", Button).focus()

    def show_details(self) -> None:
        """Show `details()` again, as they are now (after a key that does not answer changed them;
        as many lines as before)."""
        for static, line in zip(self.query(".dialog-detail").results(Static), self.details(), strict=True):
            static.update(line)

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answer = next((answer for answer in self.answers() if answer.id == event.button.id), None)
        if answer is None:
            return
        if answer.action:
            await self.run_action(answer.action)
        else:
            self.action_choose(answer.value)

    def action_choose(self, value: Any) -> None:
        self.dismiss(value)
