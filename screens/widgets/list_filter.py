"""`/` on a list: a one-line filter box under the title, hidden until asked for.

Typing narrows the list at once (the screen filters on `Input.Changed`); enter goes back to the
list with the filter kept, escape clears it and goes back. Matching folds case and accents.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from planner.core.textsafe import fold


def matches(query: str, *texts: str) -> bool:
    """Every typed word is in one of `texts` (folded)."""
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in fold(query).split())


class ListFilter(Input):
    """The filter box; `open()` shows and focuses it; `back` is the widget focus returns to."""

    BINDINGS = [Binding("escape", "clear_and_leave", "Clear the filter", show=False)]
    DEFAULT_CSS = """
    ListFilter { display: none; }
    ListFilter.-open { display: block; }
    """

    def __init__(self, *, back: str, id: str | None = None, placeholder: str = "/ filter by name or company") -> None:
        super().__init__(id=id, placeholder=placeholder, compact=True)
        self.back = back

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def _leave(self) -> None:
        if not self.value:
            self.remove_class("-open")
        self.screen.query_one(self.back).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._leave()

    def action_clear_and_leave(self) -> None:
        self.value = ""
        self._leave()
