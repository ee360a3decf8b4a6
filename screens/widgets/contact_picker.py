"""Choosing a contact by typing: completion and a line of who the words could mean.

Both work on a list loaded once in a worker, so typing never touches the database. Matching folds
case and accents ("el" finds "Élodie"); names are shown in their cleaned display form.
"""

from __future__ import annotations

from textual.content import Content
from textual.suggester import Suggester

from planner.core.textsafe import clean_line, fold
from screens.text import safe_markup, user_text

MAX_SHOWN = 3


class ContactSuggester(Suggester):
    """Completes a contact name from what was typed, accent- and case-insensitively ("el" offers
    "Élodie Kim"); accepting it puts the name as stored (cleaned for display) in the field."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = sorted(((fold(n), clean_line(n)) for n in names), key=lambda pair: pair[0])

    async def get_suggestion(self, value: str) -> str | None:
        typed = fold(value)
        if not typed:
            return None
        for folded, name in self.names:
            if folded.startswith(typed) and len(name) > len(value):
                return name
        return None


def match_line(people: list[tuple[list[str], str, str, int]], text: str) -> Content:
    """Who the typed words could mean: each word starts a word of the name or company.
    `people` holds (folded words, name, company, id)."""
    words = fold(text).split()
    hits = [(name, company) for tokens, name, company, _ in people
            if words and all(any(t.startswith(w) for t in tokens) for w in words)]
    if not hits:
        return user_text("no contact matches" if words and people else "")
    shown = "; ".join(f"{n} ({c})" if c else n for n, c in hits[:MAX_SHOWN])
    more = f" and {len(hits) - MAX_SHOWN} more" if len(hits) > MAX_SHOWN else ""
    return safe_markup("→ $shown$more", shown=shown, more=more)
