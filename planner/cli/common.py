"""Helpers the command modules share: JSON output, plain tables, contact options."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import unicodedata
from collections.abc import Sequence

from planner.core.cadence import parse_cadence
from planner.core.textsafe import clean_line, json_text
from planner.services.contacts import UNSET, USE_DEFAULT, ContactFields


def json_default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot encode {type(value).__name__}")


def print_json(data: object) -> None:
    sys.stdout.write(json_text(data, default=json_default))


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` columns (with an ellipsis) and padded to exactly `width`."""
    if display_width(text) > width:
        out, used = "", 0
        for char in text:
            step = display_width(char)
            if used + step > width - 1:
                break
            out, used = out + char, used + step
        text = out + "…"
    return text + " " * (width - display_width(text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int | None = None) -> None:
    """A plain aligned table; every cell is neutralised user text; the widest column gives way first."""
    cells = [[clean_line("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = max_width or shutil.get_terminal_size((120, 24)).columns
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    print("  ".join(fit(h, w) for h, w in zip(headers, widths)).rstrip())
    for row in cells:
        print("  ".join(fit(c, w) for c, w in zip(row, widths)).rstrip())


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
        parser.add_argument("--add-tag", action="append", default=[], metavar="TAG")
        parser.add_argument("--remove-tag", action="append", default=[], metavar="TAG")
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

