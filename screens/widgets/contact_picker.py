"""Choosing a contact by typing: completion and a line of who the words could mean.

Both work on a list loaded once in a worker, so typing never touches the database. Matching folds
case and accents ("el" finds "Élodie"); names are shown in their cleaned display form. Two people
with the same name are told apart by their company and title (then their email), never by an
internal id: `picker_labels` gives each contact the words that name it alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.suggester import Suggester

from planner.core.textsafe import clean_line, fold
from screens.text import safe_markup, user_text

MAX_SHOWN = 3


def picker_labels(views: Sequence) -> dict[int, str]:
    """Contact id -> the cleaned name, or for a name shared with someone else the name with what
    tells them apart: "Alex Kim (Hooli · Recruiter)", with the email when even that is the same."""
    by_name: dict[str, list] = {}
    for view in views:
        by_name.setdefault(fold(clean_line(view.name)), []).append(view)
    labels: dict[int, str] = {}
    for same in by_name.values():
        for view in same:
            name = clean_line(view.name)
            if len(same) == 1:
                labels[view.id] = name
                continue
            parts = [clean_line(p) for p in (view.company, view.title) if clean_line(p)]
            twins = [v for v in same if (v.company, v.title) == (view.company, view.title)]
            if len(twins) > 1 and view.emails:
                parts.append(clean_line(view.emails[0]))
            labels[view.id] = f"{name} ({' · '.join(parts)})" if parts else name
    return labels


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
    """Who the typed words could mean: each word starts a word of the name, company or title.
    `people` holds (folded words, label, company, id); a label that already tells a same-name
    contact apart is shown as it is, a unique name with its company."""
    words = fold(text).split()
    hits = [(label, company) for tokens, label, company, _ in people
            if words and all(any(t.startswith(w) for t in tokens) for w in words)]
    if not hits:
        return user_text("no contact matches" if words and people else "")
    shown = "; ".join(n if not c or n.endswith(")") else f"{n} ({c})" for n, c in hits[:MAX_SHOWN])
    more = f" and {len(hits) - MAX_SHOWN} more" if len(hits) > MAX_SHOWN else ""
    return safe_markup("→ $shown$more", shown=shown, more=more)
