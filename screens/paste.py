"""Bracketed pastes read whole, whatever they hold, and neutralised before any input sees them.

Textual's terminal parser reads a bracketed paste with its escape-sequence machinery: an escape
byte inside the paste (text copied from a coloured terminal, `\\e[31mRED`) starts a "sequence"
that swallows what follows and is then sent on as keystrokes, and a second escape byte as the
Escape key. The form being typed in closed, and the rest of the paste landed on the screen beneath
as commands. `PasteSafeParser` takes everything between the paste markers out of the stream before
that parser sees it, and sends it as one `Paste` event, cleaned by `clean_paste`: terminal escape
sequences dropped (colours, titles), every other control character shown as its visible stand-in,
newlines and tabs kept. `install()` makes Textual's Linux driver use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from planner.core.textsafe import clean_block

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# CSI (colours, cursor moves) and OSC (titles, links) sequences, as terminals copy them.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")


def clean_paste(text: str) -> str:
    """Pasted text as plain text: escape sequences dropped, other controls neutralised."""
    return clean_block(_ESCAPE_SEQUENCE.sub("", text.replace("\x00", "")))


def _held_back(text: str, marker: str, shortest: int) -> int:
    """How many characters at the end of `text` could be the start of `marker` split across two
    reads. Outside a paste `shortest` is two: a lone escape is the Escape key and must not wait
    for more input."""
    for size in range(min(len(marker) - 1, len(text)), shortest - 1, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class PasteSafeParser(XTermParser):
    """Textual's parser, with bracketed pastes cut out of the input and sent whole and clean."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting = False
        self._paste: list[str] = []
        self._pending = ""

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input
            yield from super().feed(data)
            return
        text, self._pending = self._pending + data, ""
        while text:
            if self._pasting:
                end = text.find(PASTE_END)
                if end < 0:
                    keep = _held_back(text, PASTE_END, 1)
                    self._paste.append(text[: len(text) - keep])
                    self._pending = text[len(text) - keep:]
                    return
                self._paste.append(text[:end])
                pasted = clean_paste("".join(self._paste))
                self._pasting, self._paste = False, []
                yield events.Paste(pasted)
                text = text[end + len(PASTE_END):]
            else:
                start = text.find(PASTE_START)
                if start < 0:
                    keep = _held_back(text, PASTE_START, 2)
                    if len(text) > keep:
                        yield from super().feed(text[: len(text) - keep])
                    self._pending = text[len(text) - keep:]
                    return
                if start:
                    yield from super().feed(text[:start])
                self._pasting = True
                text = text[start + len(PASTE_START):]


def install() -> None:
    """Make the terminal driver read input with `PasteSafeParser` (before the app runs)."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
