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
