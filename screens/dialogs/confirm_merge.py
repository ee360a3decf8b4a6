"""`m` on the contacts screen: two contacts who look like one person, named side by side (name,
title, company: never ids, which mean nothing to a person) with why they look alike. `y` merges the
second into the first, `x` swaps which one is kept, `n` or escape leaves both as they are."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.text import safe_markup, user_text


@dataclass(frozen=True)
class Person:
    """One side of the pair, as the dialog shows it."""

    id: int
    name: str
    title: str
    company: str


def describe(person: Person) -> Content:
    return safe_markup("[b]$name[/b] · $title · $company", name=person.name, title=person.title or "no title",
                       company=person.company or "no company")


class ConfirmMerge(ModalScreen[tuple[int, int] | None]):
    """Returns (keep id, other id) to merge, or None to leave both."""

    BINDINGS = [
        Binding("y", "merge", "Merge", id="confirm-merge.merge"),
        Binding("x", "swap", "Swap", id="confirm-merge.swap", tooltip="Keep the other one instead"),
        Binding("escape,n,ctrl+g", "cancel", "Cancel", id="confirm-merge.cancel"),
    ]

    def __init__(self, keep: Person, other: Person, reasons: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.keep, self.other = keep, other
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-merge"):
            yield Label(safe_markup("[b]Merge two contacts into one?[/b]"), classes="dialog-title")
            yield Static(safe_markup("They look like one person: $why", why="; ".join(self.reasons)),
                         id="merge-why")
            yield Static(self._pair(), id="merge-pair")
            yield Label(user_text("y merge · x keep the other one · n / esc leave both · undo with u"),
                        classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Merge (y)", variant="warning", id="merge-ok", compact=True)
                yield Button("Swap (x)", id="merge-swap", compact=True)
                yield Button("Cancel (n)", variant="primary", id="merge-cancel", compact=True)

    def _pair(self) -> Content:
        return Content("\n").join([
            safe_markup("[b]Keep[/b]      $who", who=""), describe(self.keep).pad_left(2),
            safe_markup("[b]Merge in[/b]  $who", who="(its history, favours, emails and phones move over)"),
            describe(self.other).pad_left(2),
        ])

    def on_mount(self) -> None:
        self.query_one("#merge-cancel", Button).focus()

    @on(Button.Pressed, "#merge-ok")
    def action_merge(self) -> None:
        self.dismiss((self.keep.id, self.other.id))

    @on(Button.Pressed, "#merge-swap")
    def action_swap(self) -> None:
        self.keep, self.other = self.other, self.keep
        self.query_one("#merge-pair", Static).update(self._pair())

    @on(Button.Pressed, "#merge-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
