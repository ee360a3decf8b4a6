"""`m` on the contacts screen: two contacts who look like one person, named side by side (name,
title, company: never ids, which mean nothing to a person) with why they look alike. `y` merges the
second into the first, `x` swaps which one is kept, `n` or escape leaves both as they are."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content

from screens.dialogs.question import Answer, Question
from screens.text import safe_markup


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


class ConfirmMerge(Question):
    """Returns (keep id, other id) to merge, or None to leave both."""

    dialog_id = "confirm-merge"
    BINDINGS = [
        Binding("y", "merge", "Merge", id="confirm-merge.merge"),
        Binding("x", "swap", "Swap", id="confirm-merge.swap", tooltip="Keep the other one instead"),
        Binding("escape,n,ctrl+g", "choose(None)", "Cancel", id="confirm-merge.cancel"),
    ]

    def __init__(self, keep: Person, other: Person, reasons: list[str]) -> None:
        super().__init__()
        self.keep, self.other = keep, other
        self.reasons = reasons

    def heading(self) -> Content:
        return safe_markup("[b]Merge two contacts into one?[/b]")

    def details(self) -> list[Content]:
        return [safe_markup("They look like one person: $why", why="; ".join(self.reasons)), self._pair()]

    def key_words(self) -> str:
        return "y merge · x keep the other one · n / esc leave both · undo with u"

    def answers(self) -> list[Answer]:
        return [Answer("merge-ok", "Merge (y)", (self.keep.id, self.other.id), "warning"),
                Answer("merge-swap", "Swap (x)", None, action="swap"),
                Answer("merge-cancel", "Cancel (n)", None, "primary", safe=True)]

    def _pair(self) -> Content:
        return Content("\n").join([
            safe_markup("[b]Keep[/b]      $who", who=""), describe(self.keep).pad_left(2),
            safe_markup("[b]Merge in[/b]  $who", who="(its history, favours, emails and phones move over)"),
            describe(self.other).pad_left(2),
        ])

    def action_merge(self) -> None:
        self.action_choose((self.keep.id, self.other.id))

    def action_swap(self) -> None:
        self.keep, self.other = self.other, self.keep
        self.show_details()
