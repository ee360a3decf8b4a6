"""`?`: every key of the screen underneath, the app's keys, and how to leave any screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from screens.text import safe_markup


class HelpScreen(ModalScreen[None]):
    """A table of keys; closes with escape, q, ? or enter (escape alone is slow under tmux)."""

    BINDINGS = [
        Binding("escape,q,question_mark,enter", "close", "Close", id="help-close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._rows = self._collect(under)

    def _collect(self, under: Screen) -> list[tuple[str, str, str]]:
        ranked: list[tuple[int, int, tuple[str, str, str]]] = []
        seen: set[tuple[str, str]] = set()
        for key, active in under.active_bindings.items():
            binding = active.binding
            if not binding.description or key.startswith("super+"):
                continue  # super+ duplicates the ctrl+ key on macOS terminals only
            entry = (self.app.get_key_display(binding), binding.description)
            if entry in seen:
                continue
            seen.add(entry)
            where = "everywhere" if active.node is self.app else "this screen"
            # The screen's own keys first, then the app's, then the focused widget's cursor keys.
            # (Textual's own screen keys, tab and copy, carry no id and go after ours.)
            rank = 0 if active.node is under and binding.id else 1 if active.node is self.app else 2
            ranked.append((rank, len(ranked), (entry[0], entry[1], binding.tooltip or where)))
        rows = [row for _, _, row in sorted(ranked)]
        rows.append(("ctrl+p", "Command palette", "every action by name"))
        return rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(safe_markup("[b]Keys[/b]  (escape, q or ? closes)"), id="help-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Action", "What it does")
            for row in self._rows:
                table.add_row(*row)
            yield table

    def action_close(self) -> None:
        self.dismiss(None)
