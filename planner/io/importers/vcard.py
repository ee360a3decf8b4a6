"""vCard 2.1, 3.0 and 4.0 files, as phones and address books export them.

vobject reads each property line (parameters, groups such as `item1.EMAIL`, quoted-printable with
its CHARSET). We split the file into cards and unfold lines ourselves, so every card keeps its
starting line number and one broken card is skipped (and reported) instead of failing the file,
and we unescape text values ourselves: vobject 0.9.9 cuts a text value at its first unescaped
comma ("CEO, Founder" -> "CEO"), and vCard 2.1 never escapes commas. Properties followup does not
use (photos, addresses, vendor X- lines) are ignored, even when they are malformed.

Quoted-printable values are decoded here too, so that a value whose bytes are not valid in its
charset (phones write such ORG and FN lines) keeps what can be read, with U+FFFD for the rest and a
note naming the property and line, instead of costing the card its name, phone and email. Our own
cadence property goes through the CLI's `parse_cadence`: out of range or unreadable, it is a note
and the card keeps the default cadence.
"""

from __future__ import annotations

import logging
import quopri
import re
from pathlib import Path

from vobject.base import parseLine

from planner.core.cadence import parse_cadence
from planner.core.errors import BadInput
from planner.io.importers.common import (
    MAX_ROW_CHARS,
    ImportRecord,
    ParseResult,
    exact_block,
    exact_line,
    file_error,
    multi_line,
    one_line,
)
from planner.io.importers.linkedin import normalize_profile_url

USED = {"FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "NOTE", "CATEGORIES", "URL",
        "X-FOLLOWUP-KIND", "X-FOLLOWUP-CADENCE", "X-FOLLOWUP-TIMEZONE", "TZ",
        "BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-FOLLOWUP-DATE"}
DATE_KINDS = {"BDAY": "birthday", "ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary"}
_BOUNDARY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?(BEGIN|END)\s*:\s*(\S*)\s*$", re.I)
_PROP_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)(?=[;:])")  # not a stray base64 line

logging.getLogger("vobject").setLevel(logging.CRITICAL)  # we report skipped cards ourselves


_FIRST_LINE = re.compile(r"\S[^\r\n]*")  # from the first character that is not space to its line's end


def looks_like(text: str) -> bool:
    """The first line that is not blank opens a vCard (found without splitting the whole file)."""
    found = _FIRST_LINE.search(text)
    if found is None:
        return False
    match = _BOUNDARY.match(found.group().strip())
    return bool(match and match.group(1).upper() == "BEGIN" and match.group(2).upper() == "VCARD")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfold continuation lines (leading space or tab) and 2.1 quoted-printable soft line breaks
    (a QP value ending in `=` continues on the next line), keeping each logical line's first
    physical line number."""
    result: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    qp_continues = False
    # Only CR and LF end a line: str.splitlines() would also split on U+2028, U+0085 and
    # other separators that may sit inside a note.
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(physical, start=1):
        if not line.strip():
            if current:
                result.append((start, "".join(current)))
            current, qp_continues = [], False
            continue
        if qp_continues:
            current.append("\n" + line)
        elif line[0] in " \t" and current:
            current.append(line[1:])
        else:
            if current:
                result.append((start, "".join(current)))
            current, start = [line], number
        joined_tail = current[-1]
        qp_continues = joined_tail.endswith("=") and "quoted-printable" in current[0].lower()
    if current:
        result.append((start, "".join(current)))
    return result


def split_cards(text: str, path: Path) -> tuple[list[tuple[int, list[tuple[int, str]]]], list[tuple[int, str]]]:
    """The cards (start line, property lines) and notes about text found outside any card."""
    cards: list[tuple[int, list[tuple[int, str]]]] = []
    outside: list[tuple[int, str]] = []
    open_card: tuple[int, list[tuple[int, str]]] | None = None
    lines = logical_lines(text)
    if not lines:
        raise file_error(path, None, "empty file: no BEGIN:VCARD")
    first_line, first = lines[0]
    if not looks_like(first):
        raise file_error(path, first_line, f"not a vCard file: expected BEGIN:VCARD, found {one_line(first)[:60]!r}")
    for number, line in lines:
        boundary = _BOUNDARY.match(line.strip())
        kind = boundary.group(1).upper() if boundary and boundary.group(2).upper() == "VCARD" else None
        if kind == "BEGIN":
            if open_card is not None:
                raise file_error(path, number, f"BEGIN:VCARD inside the card that starts at line {open_card[0]} "
                                 "(that card has no END:VCARD)")
            open_card = (number, [])
        elif kind == "END":
            if open_card is None:
                raise file_error(path, number, "END:VCARD without a BEGIN:VCARD")
            cards.append(open_card)
            open_card = None
        elif open_card is not None:
            open_card[1].append((number, line))
        else:
            outside.append((number, "text outside any card ignored"))
    if open_card is not None:
        raise file_error(path, open_card[0], "the card that starts here has no END:VCARD: the file looks cut short; "
                         "nothing imported (export it again)")
    return cards, outside


def parse(text: str, path: Path) -> ParseResult:
    cards, outside = split_cards(text, path)
    result = ParseResult(warnings=outside)
    for start, lines in cards:
        try:
            record = _card(start, lines, result.warnings)
        except _CardError as exc:
            result.skipped.append((start, str(exc)))
            continue
        if not record.name:
            result.skipped.append((start, "no name (FN, N, ORG and EMAIL all empty)"))
            continue
        result.records.append(record)
    return result


class _CardError(Exception):
    pass


def _card(start: int, lines: list[tuple[int, str]], warnings: list[tuple[int, str]]) -> ImportRecord:
    record = ImportRecord(line=start)
    formatted = structured = ""
    formatted_damaged = False
    # Our own export (X-FOLLOWUP-KIND on every card) holds stored text exactly, controls as
    # stand-ins: read back as stored. Anyone else's card is cleaned of controls and extra spaces.
    ours = any(text[:16].upper().startswith("X-FOLLOWUP-KIND") for _, text in lines)
    single, block = (exact_line, exact_block) if ours else (one_line, multi_line)
    for number, text in lines:
        match = _PROP_NAME.match(text)
        name = match.group(1).upper() if match else ""
        if name not in USED:
            continue
        if len(text) > MAX_ROW_CHARS:
            warnings.append((number, f"{name} of over {MAX_ROW_CHARS:,} characters (the limit per property); "
                             "left out"))
            continue
        value, damage, params = _read(text, number, name)
        if damage:
            warnings.append((number, damage))
            formatted_damaged = formatted_damaged or name == "FN"
        if name == "FN":
            formatted = formatted or single(unescape(value))
        elif name == "N":
            parts = [one_line(part) for part in split_unescaped(value, ";")]
            family, given, additional, prefix, suffix = (parts + [""] * 5)[:5]
            structured = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
        elif name == "ORG":
            record.company = record.company or single(split_unescaped(value, ";")[0])
        elif name == "TITLE":
            record.title = record.title or single(unescape(value))
        elif name == "EMAIL":
            _add(record.emails, one_line(unescape(value)).removeprefix("mailto:"))
        elif name == "TEL":
            number_text = one_line(unescape(value))
            _add(record.phones, number_text[4:] if number_text.lower().startswith("tel:") else number_text)
        elif name == "NOTE":
            note = block(unescape(value))
            record.notes = f"{record.notes}\n{note}" if record.notes and note else record.notes or note
        elif name == "CATEGORIES":
            for tag in split_unescaped(value, ","):
                _add(record.tags, one_line(tag))
        elif name == "URL":
            url = one_line(unescape(value))
            if "linkedin.com/" in url.lower() and not record.url:
                record.url = normalize_profile_url(url)
        elif name == "X-FOLLOWUP-KIND":
            record.kind = one_line(unescape(value))
        elif name == "X-FOLLOWUP-CADENCE":
            raw = one_line(unescape(value))
            try:
                record.cadence_days = parse_cadence(raw) if raw else None
            except BadInput as exc:
                warnings.append((number, f"X-FOLLOWUP-CADENCE: {exc}; the card keeps the default cadence"))
        elif name in DATE_KINDS:
            _add_date(record, DATE_KINDS[name], one_line(unescape(value)), True)
        elif name == "X-FOLLOWUP-DATE":  # our own: X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:--04-01
            kind = one_line((params.get("KIND") or [""])[0])
            yearly = (params.get("YEARLY") or [""])[0].strip().upper() == "TRUE"
            _add_date(record, kind, one_line(unescape(value)), yearly)
        elif name in {"X-FOLLOWUP-TIMEZONE", "TZ"}:
            zone = one_line(unescape(value))
            if "/" in zone and not record.timezone:
                record.timezone = zone
    if formatted_damaged and structured:
        formatted = ""  # N read cleanly: a name without U+FFFD in it
    record.name = formatted or structured or record.company or (record.emails[0] if record.emails else "")
    return record


def _add_date(record: ImportRecord, kind: str, value: str, yearly: bool) -> None:
    """A date that matters as written; planner/services/important_dates.py reads the forms
    (1985-03-12, 19850312, --0312) and leaves out what it cannot."""
    entry = (kind.strip(), value.strip(), yearly)
    if entry[0] and entry[1] and entry not in record.dates:
        record.dates.append(entry)


def _read(text: str, number: int, name: str) -> tuple[str, str, dict[str, list[str]]]:
    """A property's text value, a note when some of it could not be decoded (else ""), and its
    parameters by upper-cased name, values as written."""
    try:
        _, params, value, _ = parseLine(text, number)
    except Exception as exc:  # vobject raises ParseError and others on a malformed line
        raise _CardError(f"line {number}: cannot read {name} ({one_line(exc)[:80]})") from None
    given = {str(param[0]).upper(): [str(v) for v in param[1:]] for param in params if param}
    if not isinstance(value, str):
        return "", "", given
    options = {key: [v.upper() for v in values] for key, values in given.items()}
    quoted = "QUOTED-PRINTABLE" in options.get("ENCODING", []) or "QUOTED-PRINTABLE" in options
    if not quoted:
        return value, "", given
    data = quopri.decodestring(value.encode("utf-8"))
    charset = (options.get("CHARSET") or ["UTF-8"])[0]
    try:
        return data.decode(charset), "", given
    except LookupError:
        return (data.decode("utf-8", "replace"), f"{name}: unknown charset {one_line(charset)[:30]!r}, read as UTF-8",
                given)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        return (data.decode(charset, "replace"),
                f"{name}: byte 0x{bad} is not {one_line(charset)[:30]}; kept the rest (U+FFFD marks what was lost)",
                given)


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


_ESCAPE = re.compile(r"\\(.)", re.S)


def unescape(value: str) -> str:
    """vCard text escapes: \\n newline, \\, \\; \\\\ literal; anything else kept as it is."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_unescaped(value: str, separator: str) -> list[str]:
    """Split on separators not preceded by a backslash, then unescape each part."""
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append(unescape("".join(current)))
    return parts
