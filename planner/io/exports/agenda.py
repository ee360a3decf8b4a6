"""The agenda exported as text, Markdown, CSV, iCalendar or JSON: choosing the format and writing
the file (owner-only and atomic, through `files.write_private`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from planner.core.errors import BadInput
from planner.io.exports.files import write_chunks

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


def agenda_chunks(agenda, fmt: str) -> Iterator[bytes]:
    """The export in pieces (UTF-8 for the text formats); JSON record by record, iCalendar event
    by event. Each format's module is imported here, when it is asked for: icalendar alone costs
    more to import than a simple command takes."""
    fmt = normalize_format(fmt)
    if fmt == "ics":
        from planner.io.exports.ics import agenda_ics_chunks

        yield from agenda_ics_chunks(agenda)
    elif fmt == "json":
        from planner.io.exports.json_export import agenda_json_chunks

        for piece in agenda_json_chunks(agenda):
            yield piece.encode("utf-8")
    else:
        yield _text_renderer(fmt)(agenda).encode("utf-8")


def _text_renderer(fmt: str):
    if fmt == "text":
        from planner.io.exports.text import agenda_text

        return agenda_text
    if fmt == "md":
        from planner.io.exports.markdown import agenda_markdown

        return agenda_markdown
    from planner.io.exports.csv_export import agenda_csv

    return agenda_csv


def render_agenda(agenda, fmt: str) -> bytes:
    """The export as bytes (UTF-8 for the text formats)."""
    return b"".join(agenda_chunks(agenda, fmt))


def write_agenda(agenda, fmt: str, path: Path | str) -> Path:
    """Render `agenda` as `fmt` and write it owner-only and atomically to `path`."""
    return write_chunks(path, agenda_chunks(agenda, fmt))
