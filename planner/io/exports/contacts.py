"""`followup export-contacts`: every contact back out as CSV, vCard 3.0 or JSON.

Text goes out through `file_text`: exact, but every control written as a visible stand-in that
our importers turn back into the control, so re-importing an export gives back what was stored
(a name holding ESC keeps its ESC, not a picture of it) and the file is still harmless on a
terminal. CSV cells then go through `csv_safe`, so a name like `=SUM(A1)` opens in a spreadsheet
as text, not as a formula; our CSV importer takes the guard off again. The vCard export carries
followup's own fields (kind, cadence, time zone) as X- properties that our vCard importer reads
back. Files are created owner-only and replaced atomically, so a reader never
sees half an export and an interrupted export leaves the old file intact.

On a desk (members on the server) each contact's owner goes out too: an `owner` column after the
others in CSV, X-FOLLOWUP-OWNER in vCard (JSON has `owner_id` on every file). A personal file
has no members, and its export no such column or property. An import ignores them: what it adds
is its `--owner`'s.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from planner.core import textsafe
from planner.core.textsafe import csv_safe, file_text
from planner.io.exports.files import write_chunks
from planner.services.contact_views import ContactView, iter_dated_views, iter_json_records, iter_views
from planner.services.important_dates import DateView

FORMATS = ("csv", "vcard", "json")
CSV_COLUMNS = ("name", "company", "title", "emails", "phones", "tags", "kind", "cadence_days", "timezone",
               "notes", "source", "external_key")
LIST_SEPARATOR = "; "
OWNER_COLUMN = "owner"  # a desk's export only


def all_contacts(*, relations: bool = True) -> Iterator[ContactView]:
    """Everyone, archived included (an export is a backup too), by name then id, as read (see
    `iter_views` for `relations`)."""
    return iter_views(order="nocase", relations=relations)


def own_cadence(view: ContactView) -> str:
    """The contact's own cadence in days, `none` when never scheduled, empty when it inherits (so
    a re-import keeps following the tag or default cadence)."""
    if view.cadence_from is None and view.cadence_days is None:
        return "none"
    return str(view.own_cadence_days) if view.cadence_from == "contact" else ""


def csv_chunks(views: Iterable[ContactView], rows_per_chunk: int = 500,
               owners: dict[int, str] | None = None) -> Iterator[str]:
    """The CSV export a few hundred rows at a time, as they are written (RFC 4180 line ends);
    with `owners` (a desk's member names by id), each contact's owner in a last column."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + (OWNER_COLUMN,) if owners else CSV_COLUMNS)
    for count, v in enumerate(views, 1):
        cells = [_csv_cell(cell) for cell in (
            v.name, v.company, v.title, LIST_SEPARATOR.join(v.emails), LIST_SEPARATOR.join(v.phones),
            LIST_SEPARATOR.join(v.tags), v.kind, own_cadence(v), v.timezone)]
        cells += [_csv_cell(v.notes, multiline=True), _csv_cell(v.source), _csv_cell(v.external_key)]
        if owners:
            cells.append(_csv_cell(owners.get(v.owner_id, "") if v.owner_id is not None else ""))
        writer.writerow(cells)
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def contacts_csv(views: list[ContactView]) -> str:
    return "".join(csv_chunks(views))


_QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_FORMULA_START = ("=", "+", "-", "@")  # csv_safe's, less the controls a printable cell cannot hold


def _csv_cell(text: str, *, multiline: bool = False) -> str:
    """`_guarded(file_text(text))`. Most cells are printable ASCII, with no control to picture:
    only the formula guard applies, checked without the two passes (1.2 million cells at 100,000
    contacts)."""
    if text.isascii() and text.isprintable():
        return "'" + text if text.startswith(_FORMULA_START) or _QUOTED_FORMULA.match(text) else text
    return _guarded(file_text(text, multiline=multiline))


def _guarded(cell: str) -> str:
    """`csv_safe`, plus one more `'` before a cell that already starts with quotes and a formula
    character, so our importer's unguarding (one quote off) gives back exactly what was stored."""
    return "'" + cell if _QUOTED_FORMULA.match(cell) else csv_safe(cell)


def vcard_chunks(views: Iterable[ContactView] | None = None, tally: list[int] | None = None,
                 owners: dict[int, str] | None = None) -> Iterator[str]:
    """vCard 3.0, one card per contact, card by card; text through `file_text`, which our vCard
    importer undoes for cards carrying X-FOLLOWUP-KIND (ours). Written here rather than through
    vobject's object model (10,000 cards: the whole command's CPU time went from 5.3 s to 1.4 s);
    the text is the one vobject writes for the same card, byte for byte
    (tests/test_export_contacts.py compares them), and vobject reads it back. Everyone (None)
    is read with their dates that matter in the same query, as the cards are written; given
    views get theirs a contact at a time. `owners`: as `csv_chunks` takes them."""
    owners = owners or {}
    if views is None:
        for view, dates in iter_dated_views():
            yield vcard_card(view, dates, _owner(view, owners))
            if tally is not None:
                tally[0] += 1
        return
    from planner.services.important_dates import dates_of

    for v in views:
        yield vcard_card(v, dates_of([v.id]), _owner(v, owners))


def _owner(view: ContactView, owners: dict[int, str]) -> str:
    return owners.get(view.owner_id, "") if view.owner_id is not None else ""


def vcard_card(v: ContactView, dates: Sequence[DateView] = (), owner: str = "") -> str:
    """One card: VERSION and UID first, then the properties in name order, as vobject sorts them;
    `owner`, a desk member's name, as X-FOLLOWUP-OWNER."""
    name = file_text(v.name)
    given, _, family = name.rpartition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{_escape(f'followup-contact-{v.id}')}"]
    standard, own = _date_lines(dates)
    lines += standard
    if v.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(file_text(tag)) for tag in v.tags))
    lines += [f"EMAIL;TYPE=INTERNET:{_escape(file_text(address))}" for address in v.emails]
    lines.append(f"FN:{_escape(name)}")
    lines.append(f"N:{_escape(family)};{_escape(given)};;;")
    if v.notes:
        lines.append(f"NOTE:{_escape(file_text(v.notes, multiline=True))}")
    if v.company:
        lines.append(f"ORG:{_escape(file_text(v.company))}")
    lines += [f"TEL:{_escape(file_text(number))}" for number in v.phones]
    if v.title:
        lines.append(f"TITLE:{_escape(file_text(v.title))}")
    if "linkedin.com/" in v.external_key.lower():
        lines.append(f"URL:{_escape(file_text(v.external_key))}")
    cadence = own_cadence(v)
    if cadence:
        lines.append(f"X-FOLLOWUP-CADENCE:{_escape(cadence)}")
    lines += own
    lines.append(f"X-FOLLOWUP-KIND:{_escape(v.kind)}")
    if owner:
        lines.append(f"X-FOLLOWUP-OWNER:{_escape(file_text(owner))}")
    if v.timezone:
        lines.append(f"X-FOLLOWUP-TIMEZONE:{_escape(v.timezone)}")
    lines.append("END:VCARD")
    if max(map(len, lines)) < _FOLD_AT:  # most cards: no line to fold
        return "\r\n".join(lines) + "\r\n"
    return "".join(map(_fold, lines))


def _date_lines(dates: Sequence[DateView]) -> tuple[list[str], list[str]]:
    """The first birthday as BDAY, the first anniversary as ANNIVERSARY (what address books read),
    in name order; every other date as our own X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:--04-01
    (its kind normalised to letters, digits and dashes, so no parameter needs quoting), which our
    importer reads back."""
    standard = {"birthday": "BDAY", "anniversary": "ANNIVERSARY"}
    named: dict[str, str] = {}
    own = []
    for found in dates:
        prop = standard.pop(found.kind, None)
        if prop is not None:
            named[prop] = f"{prop}:{_escape(found.text)}"
        else:
            params = f";KIND={found.kind}" + (";YEARLY=TRUE" if found.yearly else "")
            own.append(f"X-FOLLOWUP-DATE{params}:{_escape(found.text)}")
    return [named[prop] for prop in sorted(named)], own


_SPECIAL = re.compile(r"[\\;,\r\n]")


def _escape(text: str) -> str:
    """RFC 2426 text: backslash, semicolon and comma escaped, line ends as `\\n`."""
    if _SPECIAL.search(text) is None:  # most values (a million at 100,000 cards): nothing to escape
        return text
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


_FOLD_AT = 75


def _fold(line: str, limit: int = _FOLD_AT) -> str:
    """A content line folded as vobject folds it: lines of 75 characters or more are cut so that
    no physical line exceeds 75 UTF-8 bytes (the continuation's leading space counted), never
    inside a character."""
    if len(line) < limit:
        return line + "\r\n"
    out, used = [], 0
    for char in line:
        size = len(char.encode("utf-8"))
        if used + size > limit:
            out.append("\r\n ")
            used = 1
        out.append(char)
        used += size
    out.append("\r\n")
    return "".join(out)


def contacts_vcard(views: list[ContactView]) -> str:
    return "".join(vcard_chunks(views))


def json_chunks(views: Iterable[ContactView]) -> Iterator[str]:
    """Exact data for scripts, record by record as read; json escapes C0 controls itself, and we
    escape DEL, C1 and bidi controls too (`\\u009b`), so the text is both exact and harmless on a
    terminal."""
    return textsafe.json_records(views, default=ContactView.to_json)


def contacts_json(views: list[ContactView]) -> str:
    return "".join(json_chunks(views))


def chunks(fmt: str, views: Iterable[ContactView] | None = None, *, tally: list[int] | None = None) -> Iterator[str]:
    """The export in `fmt` of `views` (None: everyone, read as written), piece by piece, for
    writing as it is made; `tally[0]` counts the contacts written out of everyone. CSV
    and vCard carry the address book, so everyone is read without last reach, next call and
    ledger; JSON carries it all."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "json":  # owner_id on every record already
        if views is None:  # everyone's records made straight from the rows (`iter_json_records`)
            return textsafe.json_records(_counted(iter_json_records(order="nocase"), tally))
        return json_chunks(views)
    from planner.services.team import member_names

    owners = member_names()  # none on a personal file: no owner column or property
    if fmt == "vcard":
        return vcard_chunks(views, tally, owners)
    if views is None:
        views = _counted(all_contacts(relations=False), tally)
    return csv_chunks(views, owners=owners)


def _counted(views: Iterator[Any], tally: list[int] | None) -> Iterator[Any]:
    for view in views:
        if tally is not None:
            tally[0] += 1
        yield view


def render(fmt: str, views: list[ContactView] | None = None) -> str:
    return "".join(chunks(fmt, views))


def write_private(text: str | Iterable[str], path: Path | str) -> Path:
    """Write `text` (UTF-8; a string or its pieces) to `path` as an owner-only file, atomically."""
    pieces = [text] if isinstance(text, str) else text
    return write_chunks(path, (piece.encode("utf-8") for piece in pieces))
