"""The export dialog: pick a week, a format and a path for that week's agenda.

The week is this one unless another is typed: `next week`, `last week`, `2026-W50`, or any day in
it (`2026-12-07`, `in 3 weeks`). The default name says what and when (`~/followup-2026-W48.ics`)
in the folder exported to last time (the `export.folder` setting, read in a worker), and follows
the chosen week and format until the person edits the path themselves. The file is written, and
the folder remembered, by the caller, in a worker.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioSet, Static

from planner.core import dates
from planner.core.errors import BadInput
from screens.text import safe_markup, user_text
from screens.widgets.toggles import MarkedRadioButton
from screens.workers import WorkerDialog, thread_worker

# (format name given to planner.io.exports.agenda.write_agenda, label, file extension)
FORMATS = (
    ("ics", "iCalendar (.ics) for a calendar program", "ics"),
    ("markdown", "Markdown (.md) to read or paste", "md"),
    ("csv", "CSV (.csv) for a spreadsheet", "csv"),
)


THIS_WEEK = "this week"
_ISO_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    path: Path
    start: dt.date
    end: dt.date


def week_of(text: str, this_week: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The days a typed week covers: `this_week` (the agenda's own range) for "this week" or any
    day in it; else Monday to Sunday of `next week`, `last week`, an ISO week (`2026-W50`) or the
    week of a typed day. BadInput names the field."""
    raw = " ".join(text.strip().lower().split())
    if raw in ("", THIS_WEEK, "now", "today"):
        return this_week
    monday_now = this_week[0] - dt.timedelta(days=this_week[0].weekday())
    if raw == "last week":
        monday = monday_now - dt.timedelta(days=7)
    elif raw == "next week":
        monday = monday_now + dt.timedelta(days=7)
    elif match := _ISO_WEEK.match(raw):
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise BadInput(f"Week: {text.strip()!r} is not a week of that year") from None
    else:
        day = dates.parse_day(raw, base=this_week[0], what="Week")
        monday = day - dt.timedelta(days=day.weekday())
    if monday == monday_now:
        return this_week
    return monday, monday + dt.timedelta(days=6)


class FolderRead(Message):
    """The folder exported to last time (None: none yet, or it is gone)."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder


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


class ExportDialog(WorkerDialog[ExportChoice | None]):
    """Returns the chosen format and path, or None when cancelled."""

    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "confirm", "Export", id="export.confirm"),
    ]

    def __init__(self, start: dt.date, end: dt.date) -> None:
        """`start`..`end`: this week as the agenda shows it, the default."""
        super().__init__(classes="dialog-screen")
        self.this_week = (start, end)
        self.start, self.end = start, end
        self.fmt_index = 0
        self.folder: Path | None = None
        self._auto_value = self._default_value()

    def _default_value(self) -> str:
        return shown_path(default_path(self.start, FORMATS[self.fmt_index][2], self.folder))

    def _title(self) -> Content:
        return safe_markup("[b]Export the week[/b] $a to $b", a=f"{self.start:%a %d %b}", b=f"{self.end:%a %d %b %Y}")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title(), id="export-title", classes="dialog-title")
            yield Label("Week (this week, next week, last week, 2026-W50, or a day in it)")
            yield Input(value=THIS_WEEK, id="export-week", compact=True)
            with RadioSet(id="export-format"):
                for index, (_, label, _) in enumerate(FORMATS):
                    yield MarkedRadioButton(label, value=index == 0)
            yield Label("File")
            yield Input(value=self._auto_value, id="export-path", compact=True)
            yield Static(user_text(""), id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s export · esc cancel"), classes="muted save-hint")
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", RadioSet).focus()
        self._read_folder()

    # Optional: without the setting the dialog starts in the home folder, as it always did.
    @thread_worker(group="export-folder", failure=None)
    def _read_folder(self) -> None:
        from planner.store import settings

        folder = settings.get("export.folder")
        path = Path(folder).expanduser() if folder else None
        self.post_message(FolderRead(path if path is not None and path.is_dir() else None))

    def on_folder_read(self, message: FolderRead) -> None:
        self.folder = message.folder
        self._follow_defaults()

    def _follow_defaults(self) -> None:
        """The path, while untouched by the person, follows the week, the format and the folder."""
        path_input = self.query_one("#export-path", Input)
        if path_input.value == self._auto_value:
            self._auto_value = self._default_value()
            path_input.value = self._auto_value

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt_index = event.index
        self._follow_defaults()

    @on(Input.Changed, "#export-week")
    def _week_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#export-error", Static)
        try:
            self.start, self.end = week_of(event.value, self.this_week)
        except BadInput as exc:
            error.update(user_text(str(exc)))
            return
        error.update(user_text(""))
        self.query_one("#export-title", Label).update(self._title())
        self._follow_defaults()

    @on(Input.Submitted, "#export-path")
    @on(Input.Submitted, "#export-week")
    @on(Button.Pressed, "#export-ok")
    def action_confirm(self) -> None:
        fmt, _, extension = FORMATS[self.fmt_index]
        text = self.query_one("#export-path", Input).value
        error = self.query_one("#export-error", Static)
        try:
            self.start, self.end = week_of(self.query_one("#export-week", Input).value, self.this_week)
        except BadInput as exc:
            error.update(user_text(str(exc)))
            return
        if not text.strip():
            error.update(user_text("File: give a path, e.g. " + self._auto_value))
            return
        path = resolve_path(text, extension)
        if path.is_dir():
            path = path / default_path(self.start, extension).name
        if not path.parent.is_dir():
            error.update(user_text(f"File: folder {shown_path(path.parent)} does not exist"))
            return
        self.dismiss(ExportChoice(fmt, path, self.start, self.end))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
