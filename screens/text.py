"""User text into widgets, safely.

Textual parses a plain `str` as markup in labels, cells, notifications and palette hits, and keeps
terminal control characters. User text (names, notes, imported fields) therefore only reaches a
widget through these helpers: controls neutralised by `planner.core.textsafe`, then wrapped in
`Content` or substituted as a markup *variable*, never spliced into markup with an f-string.
"""

from __future__ import annotations

from typing import Any, cast

from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widget import Widget

from planner.core.textsafe import clean_block, clean_line


def user_text(text: object) -> Content:
    """One line of user text, shown literally (newlines and controls neutralised)."""
    return Content(clean_line("" if text is None else str(text)))


def user_block(text: object) -> Content:
    """Several lines of user text, shown literally (newlines kept, other controls neutralised)."""
    return Content(clean_block("" if text is None else str(text)))


def safe_markup(template: str, **variables: Any) -> Content:
    """Markup written by us, with user values as `$name` variables cleaned to one line each.

    `template` must be a literal from our code; values are substituted by Textual as plain text,
    so a contact named `[/b]` or `[@click=app.quit]x` stays literal.
    """
    cleaned = {key: clean_line("" if value is None else str(value)) for key, value in variables.items()}
    return Content.from_markup(template, **cleaned)


# After every toast that says what was just done: `u` (or ctrl+z) puts it back (FollowupApp.action_undo).
UNDO_HINT = " · u to undo"


def plain(text: object) -> str:
    """A cleaned single line as `str`, for places that take no markup (an `Input` value)."""
    return clean_line("" if text is None else str(text))


def toast(node: App | Widget, message: Content, *, severity: SeverityLevel = "information",
          timeout: float | None = None) -> None:
    """A notification of `message`, built with the helpers above. Textual types `notify`'s message
    as markup text, but its toast takes a `Content` as it is (`Content.from_markup` returns one
    unchanged), so user values in it stay literal."""
    node.notify(cast(str, message), severity=severity, timeout=timeout)
