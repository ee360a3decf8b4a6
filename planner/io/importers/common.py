"""What every importer shares: the record it produces, the report the user reads, file decoding,
CSV reading with line numbers, and header matching by name.

Errors name the file and the line, because the user's next step is to open the file there.
A file-level problem (undecodable bytes, binary junk, a broken CSV quote, a file cut short, a row
or a cell past the limits below) stops the whole import before anything is written; a problem with
one record only skips that record, with its line.

The limits bound the work one hostile file can cause (a header of millions of columns, a cell of
megabytes) and keep every message short: each names the limit, never echoes the whole input.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from planner.core.errors import BadInput
from planner.core.textsafe import clean_line, from_file_text, strip_controls
from planner.services.contacts import UNSET  # the record (or the user) says nothing about the cadence

MAX_FILE_BYTES = 256 * 1024 * 1024  # far above any address book; 100,000 LinkedIn rows are ~20 MB
MAX_COLUMNS = 2000  # Google's widest layouts have a few hundred
MAX_ROW_CHARS = 1_000_000  # one CSV row, or one vCard property we read, all cells together
MAX_CELL_CHARS = csv.field_size_limit()  # the csv module's own bound on one cell (131,072)
SHOWN_CHARS = 80  # of column names an error lists before "... N columns in all": it stays one short line


@dataclass(slots=True)  # one per row of the file: no __dict__ each
class ImportRecord:
    """One contact as a file describes it, already cleaned of control characters."""

    line: int
    name: str = ""
    company: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    kind: str = ""
    cadence_days: int | None | object = UNSET
    timezone: str = ""
    url: str = ""  # LinkedIn profile URL: the external key that survives a change of name or email
    connected_on: object | None = None  # datetime.date
    # dates that matter: (kind, "1985-03-12" as written, yearly); the service reads the forms
    dates: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass
class ParseResult:
    records: list[ImportRecord] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do). Counts are of contacts, not rows."""

    format: str
    path: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    merged: int = 0  # rows folded into an earlier row of the same file
    records: int = 0
    dry_run: bool = False
    added_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "path": self.path,
            "dry_run": self.dry_run,
            "records": self.records,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "skipped": [{"line": line, "reason": reason} for line, reason in self.skipped],
            "warnings": [{"line": line, "message": message} for line, message in self.warnings],
            "added_ids": self.added_ids,
            "updated_ids": self.updated_ids,
        }


def file_error(path: Path | str, line: int | None, message: str) -> BadInput:
    """A BadInput whose message starts with the file and the line, like a compiler's."""
    where = f"{clean_line(str(path))}: line {line}: " if line else f"{clean_line(str(path))}: "
    return BadInput(where + message)


def decode_file(path: Path) -> str:
    """The file's text. UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is an error naming
    the first bad byte's offset and line, never silent mojibake. NUL bytes mean binary junk."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInput(f"{clean_line(str(path))}: {size:,} bytes; at most {MAX_FILE_BYTES // 2**20} MB "
                           "are imported at once (split the file)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{clean_line(str(path))}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{clean_line(str(path))}: is a folder, not a file") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise file_error(path, _line_at(data, exc.start), f"not valid UTF-16 at byte offset {exc.start}") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = data[exc.start : exc.start + 1].hex().upper()
            raise file_error(
                path, _line_at(data, exc.start),
                f"not UTF-8 text (byte 0x{bad} at offset {exc.start}); save the file as UTF-8 and import again",
            ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        raise file_error(path, text.count("\n", 0, offset) + 1,
                         "binary data (a NUL byte), not a contacts file")
    return text.lstrip("\ufeff")


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_SPACES = re.compile(r"\s+")


def one_line(value: object) -> str:
    """A single-line field (name, company, title): controls dropped, runs of space collapsed."""
    text = str(value or "")
    if text.isprintable() and "  " not in text:
        # nearly every cell: no control, bidi mark or space but " " (none is printable), and no run
        # of spaces to collapse, so only the ends can change (the same result at a fraction of the cost)
        return text.strip()
    return _SPACES.sub(" ", strip_controls(text)).strip()


def multi_line(value: object) -> str:
    """A multi-line field (notes): controls dropped, newlines kept."""
    return strip_controls(str(value or ""))


@lru_cache(maxsize=1024)  # asked for every field of every row: the same few column names
def header_key(name: str) -> str:
    """Case- and space-insensitive form of a column name: 'E-mail 1 - Value' -> 'e-mail1-value'."""
    return _SPACES.sub("", strip_controls(name.lstrip("\ufeff")).casefold())


def sniff_delimiter(text: str) -> str:
    """Comma unless the first lines clearly use semicolons or tabs (spreadsheets in many locales)."""
    head = "\n".join(_first_lines(text, 20))
    counts = {sep: head.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _first_lines(text: str, count: int) -> list[str]:
    """`text.splitlines()[:count]` without splitting the whole file (100,000 lines of it)."""
    size = 4096
    while True:
        lines = text[:size].splitlines()
        if len(lines) > count or size >= len(text):  # past `count` lines: the first ones are whole
            return lines[:count]
        size *= 4


# a line with its end as `io.StringIO(text, newline="")` gives it (\n, \r or \r\n), or the last one
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time: a StringIO would hold a copy of the whole file (four bytes a
    character) for as long as its rows are read."""
    return (match.group() for match in _LINE.finditer(text))


def csv_rows(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) for each non-blank CSV row. A broken quote is a file error naming the
    line where the row started, and so is a row past MAX_COLUMNS or MAX_ROW_CHARS."""
    reader = csv.reader(_lines(text), delimiter=sniff_delimiter(text), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(path, start, text, str(exc)) from None
        if len(row) > MAX_COLUMNS:
            raise file_error(path, start, f"{len(row):,} columns; at most {MAX_COLUMNS:,} are read "
                             "(is this a contacts file?)")
        if sum(map(len, row)) > MAX_ROW_CHARS:
            raise file_error(path, start, f"a row of over {MAX_ROW_CHARS:,} characters; at most that many are "
                             "read per row (is this a contacts file?)")
        if any(map(str.strip, row)):
            yield start, row
        start = reader.line_num + 1


def _csv_error(path: Path, start: int, text: str, message: str) -> BadInput:
    if "field larger than field limit" in message:
        return file_error(path, start, f"a cell of over {MAX_CELL_CHARS:,} characters; at most that many are "
                          "read per cell (a quote left open?)")
    if "unexpected end of data" in message:
        return file_error(path, start, "a quoted cell that starts in this row never ends: a quote left open, "
                          "or the file was cut short; nothing imported")
    return file_error(path, start, f"malformed CSV ({message[:80]}); check the quotes on this row")


def check_last_row(text: str, path: Path, rows: list[tuple[int, list[str]]], columns: Columns,
                   warnings: list[tuple[int, str]]) -> None:
    """A file whose last row has no line end may have been cut short (a download or a copy
    stopped). With fewer cells than the header, it certainly was: the whole import is refused,
    as a partial import would pass for a complete one. With every cell there, the cut (if any)
    fell in the last cell, which cannot be told from a file saved without a final line end:
    the row is imported and the user told to look at it."""
    if not rows or rows[-1][0] == columns.line or text.endswith(("\n", "\r")):
        return
    line, row = rows[-1]
    if len(row) < len(columns.names):
        raise file_error(path, line, f"the last row has {len(row)} of {len(columns.names)} cells and no line end: "
                         "the file looks cut short; nothing imported (export it again)")
    warnings.append((line, "the file ends without a line end after this row: if the file was cut short, "
                     "this row's last cell is incomplete"))


def split_multi(value: str, separators: tuple[str, ...] = (":::",)) -> list[str]:
    """Cells holding several values ('a@x ::: b@y', 'vip; berlin')."""
    parts = [value]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [one_line(part) for part in parts if one_line(part)]


_FORMULA_GUARD = re.compile(r"^'(?='*[=+\-@\t\r])")


def unguard(cell: str) -> str:
    """Undo the `'` that a CSV export (ours, or a cautious spreadsheet) puts before a formula-like
    cell. Ours also doubles a quote that was already there (`'=x` -> `''=x`), so one comes off."""
    return _FORMULA_GUARD.sub("", cell)


class Columns:
    """A header row, looked up by name (case/space-insensitive), never by position."""

    def __init__(self, header: list[str], line: int) -> None:
        self.names = [strip_controls(cell.lstrip("\ufeff")).strip() for cell in header]
        self.line = line
        self.index: dict[str, int] = {}
        for position, name in enumerate(self.names):
            self.index.setdefault(header_key(name), position)

    def __contains__(self, name: str) -> bool:
        return header_key(name) in self.index

    def get(self, row: list[str], name: str) -> str:
        position = self.index.get(header_key(name))
        if position is None or position >= len(row):
            return ""
        cell = row[position]
        return unguard(cell) if cell[:1] == "'" else cell  # only a leading quote is ever taken off

    def getter(self, name: str) -> Callable[[list[str]], str]:
        """`get` for one column, its position looked up once: every row of a file asks for it."""
        position = self.index.get(header_key(name))

        def get(row: list[str]) -> str:
            if position is None or position >= len(row):
                return ""
            cell = row[position]
            return unguard(cell) if cell[:1] == "'" else cell

        return get

    def numbered(self, pattern: str) -> list[int]:
        """The group numbers present for a pattern like 'E-mail {} - Value', in order."""
        regex = re.compile("^" + re.escape(header_key(pattern)).replace(r"\{\}", r"(\d+)") + "$")
        found = sorted({int(m.group(1)) for key in self.index if (m := regex.match(key))})
        return found

    def listing(self) -> str:
        """The column names for an error message: the first few, each once, as many as fit in
        `SHOWN_CHARS`; then how many columns there are in all, when some are not shown."""
        named = [name for name in self.names if name]
        shown: list[str] = []
        used = 0
        for name in dict.fromkeys(clean_line(name[:40]) for name in named):
            if shown and used + len(name) > SHOWN_CHARS:
                break
            shown.append(name)
            used += len(name) + 2
        listed = ", ".join(shown) or "(none)"
        return listed + (f", ... ({len(named):,} columns in all)" if len(named) > len(shown) else "")


def exact_line(value: object) -> str:
    """A single-line field of our own export: the stored text back (stand-ins undone), with only
    the outer space taken off, as the CLI and the app store a name, company or title."""
    return from_file_text(str(value or "")).strip()


def exact_block(value: object) -> str:
    """A multi-line field (notes) of our own export: the stored text back, exactly."""
    return from_file_text(str(value or ""))


def find_header(rows: list[tuple[int, list[str]]], required: tuple[str, ...], *,
                within: int = 40) -> tuple[Columns, int] | None:
    """The first row (of the first `within`) that has every `required` column, and its index in
    `rows`: LinkedIn puts a `Notes:` preamble above its header."""
    for position, (line, row) in enumerate(rows[:within]):
        keys = {header_key(cell) for cell in row}
        if all(header_key(name) in keys for name in required):
            return Columns(row, line), position
    return None
