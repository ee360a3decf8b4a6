"""Exports of the agenda: text, Markdown, CSV, iCalendar and JSON, and writing them safely.

`write_agenda` writes owner-only (0600) through a temporary file in the same folder and an atomic
rename, so a calendar or script never reads half an export and nobody else can read it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planner.core.errors import BadInput
from planner.io.exports.csv_export import agenda_csv
from planner.io.exports.ics import agenda_ics
from planner.io.exports.json_export import agenda_json
from planner.io.exports.markdown import agenda_markdown
from planner.io.exports.text import agenda_text

FORMATS = ("text", "md", "csv", "ics", "json")
ALIASES = {"txt": "text", "markdown": "md", "ical": "ics", "ics": "ics", "icalendar": "ics"}
SUFFIXES = {"text": ".txt", "md": ".md", "csv": ".csv", "ics": ".ics", "json": ".json"}


def normalize_format(fmt: str | None) -> str:
    raw = (fmt or "text").strip().lower()
    value = ALIASES.get(raw, raw)
    if value not in FORMATS:
        raise BadInput(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    return value


def format_for_path(path: Path | str) -> str | None:
    """The format a file name implies (`week.ics` -> ics), or None."""
    suffix = Path(path).suffix.lower()
    return next((fmt for fmt, ext in SUFFIXES.items() if ext == suffix), None)


def render_agenda(agenda, fmt: str) -> bytes:
    """The export as bytes (UTF-8 for the text formats)."""
    fmt = normalize_format(fmt)
    if fmt == "ics":
        return agenda_ics(agenda)
    render = {"text": agenda_text, "md": agenda_markdown, "csv": agenda_csv, "json": agenda_json}[fmt]
    return render(agenda).encode("utf-8")


def write_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` as 0600, atomically (temporary file, fsync, rename)."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise BadInput(f"{target}: is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return target


def write_agenda(agenda, fmt: str, path: Path | str) -> Path:
    """Render `agenda` as `fmt` and write it owner-only and atomically to `path`."""
    return write_private(path, render_agenda(agenda, fmt))


__all__ = [
    "agenda_text", "agenda_markdown", "agenda_csv", "agenda_ics", "agenda_json",
    "FORMATS", "normalize_format", "format_for_path", "render_agenda", "write_agenda", "write_private",
]
