"""Helpers the command modules share: JSON output, plain tables, contact options."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from planner.core.cadence import parse_cadence
from planner.core.textsafe import clean_line, json_chunks, json_records
from planner.services.contacts import UNSET, USE_DEFAULT, ContactFields


def json_default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot encode {type(value).__name__}")


def print_json(data: object) -> None:
    """JSON on stdout, written as it is encoded (a list element by element)."""
    write = sys.stdout.write
    for chunk in json_chunks(data, default=json_default):
        write(chunk)


def print_json_records(records: Iterable[object]) -> None:
    """A JSON list of records on stdout, written as they are read, a few hundred at a time (the
    text `print_json` writes for the same list)."""
    write = sys.stdout.write
    for chunk in json_records(records, default=json_default):
        write(chunk)


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    return 0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two, combining marks none. ASCII (most
    cells) is one column a character: measured without looking at each one."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def fit(text: str, width: int) -> str:
    """`text` cut to `width` columns (with an ellipsis) and padded to exactly `width`."""
    shown = display_width(text)
    if shown > width:
        if text.isascii():
            text = text[: max(width - 1, 0)]
        else:
            out, used = [], 0
            for char in text:
                step = _char_width(char)
                if used + step > width - 1:
                    break
                out.append(char)
                used += step
            text = "".join(out)
        text += "…"
        shown = display_width(text)
    return text + " " * (width - shown)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, max_width: int | None = None) -> int:
    """A plain aligned table; every cell is neutralised user text; the widest column gives way
    first. Returns how many rows it printed.

    `rows` may be a stream (a list of 100,000 contacts): the widths need every row, so the
    cleaned rows are measured as they come and kept in a spool, in memory while small and in a
    temporary file (owner-only, gone when closed) beyond, then printed from it; memory stays flat
    whatever the number of rows. A cleaned cell holds no control, so a unit separator and a line
    end delimit cells and rows there."""
    widths = [len(h) for h in headers]
    count = 0
    with tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8", newline="\n") as spool:
        put = spool.write
        for row in rows:
            cells = [clean_line("" if v is None else str(v)) for v in row]
            for i, cell in enumerate(cells):
                shown = len(cell) if cell.isascii() else display_width(cell)
                if shown > widths[i]:
                    widths[i] = shown
            put(_CELL.join(cells) + "\n")
            count += 1
        limit = max_width or shutil.get_terminal_size((120, 24)).columns
        while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 8:
            widths[widths.index(max(widths))] -= 1
        spool.seek(0)
        write = sys.stdout.write
        write("  ".join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
        for line in spool:
            cells = line[:-1].split(_CELL)
            write("  ".join([cell.ljust(w) if cell.isascii() and len(cell) <= w else fit(cell, w)
                             for cell, w in zip(cells, widths, strict=True)]).rstrip() + "\n")
    return count


_CELL = "\x1f"


CONTACT_HELP = "id, name, or a unique part of a name"
JSON_HELP = "print it as JSON"


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than `minimum` (a count or a limit), said as
    "argument --limit: expected at least 1, got 0" rather than taken as no limit at all."""

    def whole_number(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"expected at least {minimum}, got {number}")
        return number

    return whole_number


def add_contact_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    parser.add_argument("--company", help="company or organisation")
    parser.add_argument("--title", help="job title")
    parser.add_argument("--email", action="append", metavar="EMAIL",
                        help="an email address (repeat for several)" + ("; replaces all" if editing else ""))
    parser.add_argument("--phone", action="append", metavar="PHONE",
                        help="a phone number (repeat for several)" + ("; replaces all" if editing else ""))
    parser.add_argument("--tag", action="append", metavar="TAG",
                        help="a tag (repeat for several)" + ("; replaces all" if editing else ""))
    parser.add_argument("--kind", help="client, candidate, hiring-manager, referrer, colleague, friend or other")
    parser.add_argument("--every", metavar="CADENCE", help="call cadence: 90d, 2w, 6m, 2/y, quarterly, none")
    parser.add_argument("--tz", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin")
    parser.add_argument("--note", metavar="TEXT", help="notes" + (" (replaces them)" if editing else ""))
    if editing:
        parser.add_argument("--name", help="rename the contact")
        parser.add_argument("--add-tag", action="append", default=[], metavar="TAG",
                            help="add a tag, keeping the others (repeat for several)")
        parser.add_argument("--remove-tag", action="append", default=[], metavar="TAG",
                            help="remove a tag (repeat for several)")
        parser.add_argument("--default-cadence", action="store_true",
                            help="drop the contact's own cadence (fall back to tag or default cadence)")
        parser.add_argument("--prefers-email", action=argparse.BooleanOptionalAction, default=None,
                            help="they prefer email: no nudge to call them after written touches")


def contact_fields_from_args(args: argparse.Namespace) -> ContactFields:
    cadence: object = UNSET
    if getattr(args, "default_cadence", False):
        cadence = USE_DEFAULT
    if args.every is not None:
        cadence = parse_cadence(args.every)
    fields = ContactFields(
        name=getattr(args, "name", None),
        company=args.company,
        title=args.title,
        emails=args.email,
        phones=args.phone,
        tags=args.tag,
        kind=args.kind,
        timezone=args.tz,
        notes=args.note,
        add_tags=getattr(args, "add_tag", []),
        remove_tags=getattr(args, "remove_tag", []),
        prefers_email=getattr(args, "prefers_email", None),
    )
    fields.cadence_days = cadence
    return fields

