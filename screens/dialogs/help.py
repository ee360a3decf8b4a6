"""`?`: every key of the screen underneath and the app's keys, each with its whole description.

One entry per key, its description wrapped under it rather than cut at the edge: at 80 columns a
three-column table cut most descriptions off. The list moves like every other list (arrows, j/k,
g/G, home/end, page keys); escape, q, ? or enter close it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.text import safe_markup

# Keys of Textual's own widgets carry no description of ours: what they do, in our words.
BUILT_IN = {
    "focus_next": "Move to the next field or list",
    "focus_previous": "Move to the previous field or list",
    "copy_text": "Copy the selected text",
    "cursor_down": "Next row",
    "cursor_up": "Previous row",
    "cursor_left": "Previous column",
    "cursor_right": "Next column",
    "page_down": "One page down",
    "page_up": "One page up",
    "select_cursor": "Open the highlighted row",
    "scroll_up": "Scroll up a line",
    "scroll_down": "Scroll down a line",
    "scroll_left": "Scroll left",
    "scroll_right": "Scroll right",
    "scroll_home": "To the top",
    "scroll_end": "To the bottom",
    "scroll_top": "To the top",
    "scroll_bottom": "To the bottom",
    "page_left": "One page left",
    "page_right": "One page right",
    "command_palette": "Every action of every screen by name, and go to any contact by name",
}
# Textual's own names for a few of its keys, said the way ours are.
BUILT_IN_NAMES = {"command_palette": "Command palette"}
KEY_WIDTH = 10


class HelpList(OptionList):
    """The keys, moved through with the list keys people know."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="list.down", show=False),
        Binding("k", "cursor_up", "Up", id="list.up", show=False),
        Binding("g", "first", "First row", id="list.first", show=False),
        Binding("G", "last", "Last row", id="list.last", show=False),
    ]


class HelpScreen(ModalScreen[None]):
    """A list of keys; closes with escape, q, ? or enter (escape alone is slow under tmux)."""

    BINDINGS = [
        Binding("escape,q,question_mark,enter", "close", "Close", id="help-close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.entries = self._collect(under)

    def _collect(self, under: Screen) -> list[tuple[str, str, str]]:
        """(key, action, what it does), the screen's own keys first, then the app's, then the
        focused widget's."""
        ranked: list[tuple[int, int, tuple[str, str, str]]] = []
        seen: set[str] = set()
        for key, active in under.active_bindings.items():
            binding = active.binding
            if not binding.description or key.startswith("super+"):
                continue  # super+ duplicates the ctrl+ key on macOS terminals only
            shown = self.app.get_key_display(binding)
            if shown in seen:
                continue
            seen.add(shown)
            action = binding.action.rpartition(".")[2]  # "app.focus_next" is Textual's focus_next
            name = BUILT_IN_NAMES.get(action, binding.description)
            what = BUILT_IN.get(action) if action in BUILT_IN else binding.tooltip or binding.description
            rank = 0 if active.node is under and binding.id else 1 if active.node is self.app else 2
            ranked.append((rank, len(ranked), (shown, name, what or name)))
        return [row for _, _, row in sorted(ranked)]

    @staticmethod
    def _prompt(key: str, action: str, what: str) -> Content:
        if what == action:
            return safe_markup("[b]$key[/b]$pad$action", key=key, pad=" " * max(1, KEY_WIDTH - len(key)),
                               action=action)
        return safe_markup("[b]$key[/b]$pad$action: $what", key=key, pad=" " * max(1, KEY_WIDTH - len(key)),
                           action=action, what=what)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(safe_markup("[b]Keys[/b]  (↑↓ j k g G move · esc, q or ? closes)"), id="help-title")
            yield HelpList(*(Option(self._prompt(*entry)) for entry in self.entries), id="help-list")

    def on_mount(self) -> None:
        keys = self.query_one("#help-list", HelpList)
        keys.highlighted = 0
        keys.focus()

    def action_close(self) -> None:
        self.dismiss(None)
