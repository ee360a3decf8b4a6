"""User text is data: neutralise terminal controls before display, and defuse CSV formulas.

Names, notes and imported fields are stored exactly as given. Before they reach a widget or an
export, control characters that a terminal would act on (ESC sequences, C1 controls, bidi
overrides) are replaced by visible stand-ins, so a hostile contact cannot clear or retitle the
user's terminal, and CSV cells that a spreadsheet would run as formulas are prefixed with `'`.
Data files we write use `file_text`, whose stand-ins `from_file_text` undoes, so an export read
back gives the stored text exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, is_dataclass
from typing import Any

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_CONTROL_KEEP_NEWLINES_RE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "]")


def _stand_in(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean_line(text: str | None) -> str:
    """A single-line display form: controls (newlines and tabs included) become visible stand-ins
    or spaces."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():  # most cells (800,000 in a list of 100,000): nothing to do
        return text
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL_RE.sub(_stand_in, text)


def clean_block(text: str | None) -> str:
    """A multi-line display form: newlines and tabs stay, every other control is neutralised."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_NEWLINES_RE.sub(_stand_in, text)


def strip_controls(text: str | None) -> str:
    """For imported values: drop controls (keeping newlines and tabs) and surrounding space."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_NEWLINES_RE.sub("", text).strip()


# Data files we write (CSV, vCard) carry stored text exactly, yet no control a terminal would act
# on: each control becomes its Control Picture (ESC -> U+241B), or U+2426 and four hex digits for
# the C1 and bidi controls that have no picture. A picture or U+2426 that was itself stored is
# written as U+2426 and its hex digits too, so reading a file back (`from_file_text`) gives what was
# stored, character for character, and `cat` on the file is as safe as the screen.
_FILE_ESCAPE = "\u2426"
_PICTURES = "\u2400-\u2426"
_FILE_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + _PICTURES + "]")
_FILE_BLOCK_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + _PICTURES + "]")
_FILE_DECODE_RE = re.compile(_FILE_ESCAPE + "([0-9A-F]{4})|[\u2400-\u241f\u2421]")


def _file_code(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"{_FILE_ESCAPE}{code:04X}"


def file_text(text: str | None, *, multiline: bool = False) -> str:
    """Stored text as a data file carries it: exact, reversible, and with no raw control
    (a multi-line value keeps its newlines and tabs)."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():  # most values: nothing to picture, no pass needed
        return text
    return (_FILE_BLOCK_RE if multiline else _FILE_LINE_RE).sub(_file_code, text)


def _file_char(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    code = ord(match.group(0))
    return "\x7f" if code == 0x2421 else chr(code - 0x2400)


def from_file_text(text: str) -> str:
    """The stored text back from `file_text`."""
    return _FILE_DECODE_RE.sub(_file_char, text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate (OWASP CSV injection advice)."""
    text = "" if value is None else str(value)
    text = clean_block(text) if not text.startswith(("\t", "\r")) else text
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search: 'Zoë Ångström' -> 'zoe angstrom'."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose (most names, every email): skip the per-character pass
        return folded
    # the marks an accented Latin letter decomposes into go in one pass of a regular expression;
    # what is left is then nearly always plain ASCII, else the table drops the other marks
    plain = _DIACRITICS.sub("", unicodedata.normalize("NFKD", folded))
    return plain if plain.isascii() else plain.translate(_NOT_COMBINING)


# U+0300-U+036F, the combining diacritical marks, less the one that is no mark (U+034F, the
# grapheme joiner)
_DIACRITICS = re.compile("[\u0300-\u034e\u0350-\u036f]")


class _CombiningMarks(dict):
    """A `str.translate` table that drops combining marks: each code point is looked up in
    `unicodedata` once, then from the table (a 100k-row import folds millions of characters)."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = None if unicodedata.combining(chr(code)) else code
        return kept


_NOT_COMBINING = _CombiningMarks()


_JSON_UNSAFE = re.compile("[\x7f-\x9f" + _BIDI + "]")


def _escape_unsafe(text: str) -> str:
    # Most records are ASCII (an O(1) test), where DEL is the only character to escape: one
    # search for it instead of the expression's pass over every character of every record.
    if text.isascii() and "\x7f" not in text:
        return text
    if text.isprintable():  # every character escaped here is unprintable: nothing to do, in one C pass
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def json_chunks(data: Any, *, default: Callable[[Any], Any] | None = None) -> Iterator[str]:
    """JSON for scripts in pieces, so a long list is written as it is encoded instead of built
    whole. It is one document: a list of records has one record per line (`[`, `{...},`, `]`),
    and so has a list of records inside an object (the agenda's days and items); everything else
    stays on its line. Exact values, and safe on a terminal: json escapes C0 controls itself;
    DEL, C1 and bidi controls are escaped here too (`\\u009b`), which only ever occur in
    strings. Compact separators and no indent keep json on its C encoder (with `indent` it falls
    back to its pure-Python encoder, the bulk of `contacts --json`'s time at 100,000)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default).encode

    def pieces(value: Any) -> Iterator[str]:
        if _holds_records(value):
            yield "[\n"
            for index, item in enumerate(value):
                if index:
                    yield ",\n"
                yield from pieces(item)
            yield "\n]"
        elif isinstance(value, dict) and any(_holds_records(v) for v in value.values()):
            for index, (key, item) in enumerate(value.items()):
                yield ("{" if not index else ",") + _escape_unsafe(encode(str(key))) + ":"
                yield from pieces(item)
            yield "}"
        else:
            yield _escape_unsafe(encode(value))

    yield from pieces(data)
    yield "\n"


def json_records(items: Iterable[Any], *, default: Callable[[Any], Any] | None = None) -> Iterator[str]:
    """`json_chunks` of a list of records (each one object, holding no list of records), for
    records that come as they are read: the same text, `[]` when there are none. A piece holds a
    few hundred records (one write each, not one a record), so memory stays that of a piece."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default).encode
    opening, pieces = "[\n", []
    for item in items:
        pieces.append(_escape_unsafe(encode(item)))
        if len(pieces) == _RECORDS_A_PIECE:
            yield opening + ",\n".join(pieces)
            opening, pieces = ",\n", []
    if pieces:
        yield opening + ",\n".join(pieces)
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


_RECORDS_A_PIECE = 256


def _holds_records(value: Any) -> bool:
    """A non-empty list whose first element is a record (an object, not a plain value)."""
    return isinstance(value, (list, tuple)) and bool(value) and not isinstance(
        value[0], (str, int, float, bool, type(None), list, tuple))


def json_text(data: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """`json_chunks` as one string (see there)."""
    return "".join(json_chunks(data, default=default))


def json_dict(view: Any) -> dict:
    """A dataclass as a JSON-ready dict: dates and datetimes as ISO strings (top level). A field
    whose metadata says `json: False` is working state, not part of the record, and is left out.

    Field by field, not `dataclasses.asdict`, which deep-copies every value (a third of the time
    of `contacts --json` at 100,000 contacts); lists are copied, nested dataclasses converted."""
    data = {}
    for name in _field_names(view.__class__):
        value = getattr(view, name)
        kind = type(value)
        if kind in _PLAIN:
            pass
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif kind is list:
            value = [json_dict(v) if is_dataclass(v) else v for v in value]
        elif is_dataclass(value):
            value = json_dict(value)
        data[name] = value
    return data


_PLAIN = frozenset((str, int, float, bool, type(None)))


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(kind) if item.metadata.get("json", True))
