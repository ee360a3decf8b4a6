"""`i` on the contacts screen: import a file (LinkedIn or Google CSV, vCard, generic CSV).

The user gives a path, a format (auto-detected by default) and optional tags; "Preview" runs a dry
run, "Import" writes (one transaction, in a thread worker, with a progress bar). The report stays
on screen: added, updated, unchanged, and every skipped record with its line and reason.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from screens import stylesheets
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

FORMAT_CHOICES = [("auto-detect", "auto"), ("LinkedIn connections CSV", "linkedin"), ("Google contacts CSV", "google"),
                  ("vCard (.vcf)", "vcard"), ("generic CSV", "csv")]
MAX_SKIPPED_SHOWN = 50


class PathSuggester(Suggester):
    """Completes the file name being typed from its folder (read in a thread, never on the loop)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(await asyncio.to_thread(os.listdir, folder))
        except OSError:
            return None
        for name in names:
            if name.startswith(stem) and name != stem and (stem or not name.startswith(".")):
                suggestion = value + name[len(stem):]
                return suggestion + ("/" if (folder / name).is_dir() else "")
        return None


def render_report(report) -> Content:
    """The import report as safe content (reasons quote file text: neutralised, never markup)."""
    verb = "Would add" if report.dry_run else "Added"
    lines = [safe_markup("[b]$verb $added[/b], updated $updated, unchanged $unchanged, skipped $skipped "
                         "($fmt, $records records)", verb=verb, added=report.added, updated=report.updated,
                         unchanged=report.unchanged, skipped=len(report.skipped), fmt=report.format,
                         records=report.records)]
    for line, reason in report.skipped[:MAX_SKIPPED_SHOWN]:
        lines.append(safe_markup("  line $line: $reason", line=line, reason=reason))
    if len(report.skipped) > MAX_SKIPPED_SHOWN:
        lines.append(user_text(f"  … and {len(report.skipped) - MAX_SKIPPED_SHOWN} more skipped"))
    for line, warning in getattr(report, "warnings", [])[:10]:
        lines.append(safe_markup("  line $line (warning): $warning", line=line, warning=warning))
    if report.dry_run:
        lines.append(user_text("Nothing written yet: press Import (ctrl+s) to import."))
    return Content("\n").join(lines)


class ImportProgress(Message):
    """How far the import has got: `done` of `total` records."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ImportRead(Message):
    """The import (or its dry run) finished: its report."""

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report


class ImportDialog(WorkerDialog[object | None]):
    """Returns the ImportReport of a real import (so the table reloads), else None."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("ctrl+s", "run(False)", "Import", id="import.run", priority=True),
        Binding("escape,ctrl+g", "close", "Close", id="import.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report = None
        self._busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="import-dialog"):
            yield Label(safe_markup("[b]Import contacts[/b]"), classes="dialog-title")
            yield Label("File", classes="field-label")
            yield Input(placeholder="~/Downloads/Connections.csv (→ completes)", id="import-path",
                        suggester=PathSuggester())
            with Horizontal(classes="ql-row"):
                yield Select([(user_text(label), value) for label, value in FORMAT_CHOICES], value="auto",
                             allow_blank=False, id="import-format")
                yield Input(placeholder="tags for new contacts: linkedin, 2026", id="import-tags")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static(user_text(""), id="import-report")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s import · esc close"), classes="muted save-hint")
                yield Button("Preview", id="import-preview")
                yield Button("Import", variant="primary", id="import-run")
                yield Button("Close", id="import-close")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        self.query_one("#import-progress", ProgressBar).display = False

    @on(Button.Pressed, "#import-preview")
    def _preview(self) -> None:
        self.action_run(True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#import-run")
    def _import(self) -> None:
        self.action_run(False)

    def action_run(self, dry_run: bool) -> None:
        if self._busy:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self._show(user_text("File: type the path of the file to import"))
            return
        tags = [t.strip() for t in self.query_one("#import-tags", Input).value.split(",") if t.strip()]
        fmt = str(self.query_one("#import-format", Select).value)
        self._busy = True
        for button in self.query(Button).results(Button):
            button.disabled = button.id != "import-close"
        progress = self.query_one("#import-progress", ProgressBar)
        progress.display = True
        progress.update(total=None, progress=0)
        self._show(user_text("Reading the file…"))
        self._work(Path(raw).expanduser(), fmt, tags, dry_run)

    @thread_worker(group="import", failure="Not imported")
    def _work(self, path: Path, fmt: str, tags: list[str], dry_run: bool) -> None:
        from planner.io.importers import import_file

        def progress(done: int, total: int) -> None:
            if done == total or done % 250 == 0:
                self.post_message(ImportProgress(done, total))

        self.post_message(ImportRead(import_file(path, fmt=fmt, tags=tags, dry_run=dry_run, progress=progress)))

    def on_import_progress(self, message: ImportProgress) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_import_read(self, message: ImportRead) -> None:
        self._finished(message.report, "")

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place of the report; what was typed stays for another try."""
        message.stop()
        self._finished(None, message.notice)

    def _finished(self, report, error: str) -> None:
        self._busy = False
        for button in self.query(Button).results(Button):
            button.disabled = False
        self.query_one("#import-progress", ProgressBar).display = False
        if report is None:
            self._show(user_text(error))
            return
        if not report.dry_run:
            self.report = report
        self._show(render_report(report))

    def _show(self, content: Content) -> None:
        self.query_one("#import-report", Static).update(content)

    @on(Button.Pressed, "#import-close")
    def action_close(self) -> None:
        self.dismiss(self.report)
