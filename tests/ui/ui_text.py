"""What the terminal shows, as plain text lines, read from the app's own SVG screenshot.

Tests assert on this (names shown literally, a column present at 80x24) rather than on widget
internals, so they check what a person would actually see.
"""

from __future__ import annotations

import html
import re

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" clip-path="[^"]*">(.*?)</text>')
CELL_WIDTH = 12.2  # Textual's SVG export: one terminal column


def screen_text(app) -> str:
    """The screen as lines of text (spans placed by their column)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in _TEXT.finditer(app.export_screenshot()):
        x, y, text = float(match.group(1)), float(match.group(2)), html.unescape(match.group(3)).replace("\xa0", " ")
        rows.setdefault(y, []).append((x, text))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(round(x / CELL_WIDTH)) + text
        lines.append(line.rstrip())
    return "\n".join(lines)


def footer_key_dimmed(app, action: str) -> bool:
    """Whether the footer draws the key of `action` dim, as a person sees it greyed out (read from
    the line it draws, not from what it was told)."""
    from screens.widgets.keys_footer import KEY_META, KeysFooter

    footer = app.screen.query_one(KeysFooter)
    key = footer.shown()[action].key
    drawn = [segment for segment in footer.render_line(0)
             if segment.style is not None and segment.style.meta.get(KEY_META) == key]
    assert drawn, f"the footer does not draw the key of {action!r}"
    return all(segment.style.dim for segment in drawn)
