"""The export dialog: pick a format and a path for the week's agenda.

The default name says what and when (`~/followup-2026-W48.ics`), and follows the chosen format
until the person edits the path themselves. The file is written by the caller, in a worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet, Static

from screens.text import safe_markup, user_text
from screens.widgets.toggles import MarkedRadioButton

# (format name given to planner.io.exports.agenda.write_agenda, label, file extension)
FORMATS = (
    ("ics", "iCalendar (.ics) for a calendar program", "ics"),
    ("markdown", "Markdown (.md) to read or paste", "md"),
    ("csv", "CSV (.csv) for a spreadsheet", "csv"),
)


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    path: Path


def default_path(start: dt.date, extension: str, folder: Path | None = None) -> Path:
    year, week, _ = start.isocalendar()
    return (folder or Path.home()) / f"followup-{year}-W{week:02d}.{extension}"


def shown_path(path: Path) -> str:
    """`~/x` rather than `/home/me/x`: shorter, and what people type."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def resolve_path(text: str, extension: str) -> Path:
    """The path typed, with `~` expanded; a folder gets the default name inside it."""
    path = Path(text.strip()).expanduser()
    if not path.suffix and not path.is_dir():
        path = path.with_suffix("." + extension)
    return path


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Returns the chosen format and path, or None when cancelled."""

    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "confirm", "Export", id="export.confirm"),
    ]

    def __init__(self, start: dt.date, end: dt.date) -> None:
        super().__init__(classes="dialog-screen")
        self.start, self.end = start, end
        self.fmt_index = 0
        self._auto_value = shown_path(default_path(start, FORMATS[0][2]))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                safe_markup("[b]Export the week[/b] $a to $b", a=f"{self.start:%a %d %b}", b=f"{self.end:%a %d %b %Y}"),
                classes="dialog-title",
            )
            with RadioSet(id="export-format"):
                for index, (_, label, _) in enumerate(FORMATS):
                    yield MarkedRadioButton(label, value=index == 0)
            yield Label("File")
            yield Input(value=self._auto_value, id="export-path")
            yield Static(user_text(""), id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", RadioSet).focus()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt_index = event.index
        path_input = self.query_one("#export-path", Input)
        if path_input.value == self._auto_value:  # untouched by the person: follow the format
            self._auto_value = shown_path(default_path(self.start, FORMATS[event.index][2]))
            path_input.value = self._auto_value

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def action_confirm(self) -> None:
        fmt, _, extension = FORMATS[self.fmt_index]
        text = self.query_one("#export-path", Input).value
        error = self.query_one("#export-error", Static)
        if not text.strip():
            error.update(user_text("File: give a path, e.g. " + self._auto_value))
            return
        path = resolve_path(text, extension)
        if path.is_dir():
            path = path / default_path(self.start, extension).name
        if not path.parent.is_dir():
            error.update(user_text(f"File: folder {shown_path(path.parent)} does not exist"))
            return
        self.dismiss(ExportChoice(fmt, path))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
