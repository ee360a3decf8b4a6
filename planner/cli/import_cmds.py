"""`followup import FILE` and `followup export-contacts`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli import open_db_from_args
from planner.cli.common import print_json
from planner.core.cadence import parse_cadence
from planner.core.textsafe import clean_line
from planner.io.exports import contacts as export_contacts
from planner.services.contacts import UNSET

if TYPE_CHECKING:
    from planner.io.importers import ImportReport

# The importers (and vobject under them) load only when `import` runs, not for every command that
# builds this parser; tests/test_cli_startup.py keeps these equal to planner.io.importers.FORMATS
# and generic_csv.FIELDS.
IMPORT_FORMATS = ("linkedin", "google", "vcard", "csv")
MAPPABLE_FIELDS = ("name", "first_name", "last_name", "company", "title", "email", "phone", "tags", "kind",
                   "cadence", "timezone", "notes", "url", "connected_on")

PROGRESS_THRESHOLD = 500  # records; smaller files finish before a bar would be read
SHOWN_PROBLEMS = 50


def register(sub, common) -> None:
    p = sub.add_parser("import", parents=[common], help="import contacts from LinkedIn, Google, vCard or CSV",
                       description="Import contacts. Rows matching a contact you have (same LinkedIn URL, email, "
                                   "or name and company) fill in its empty fields instead of adding a twin.")
    p.add_argument("file", metavar="FILE", help="Connections.csv (LinkedIn), a Google Contacts CSV, a .vcf, or any CSV")
    p.add_argument("--format", default="auto", choices=("auto",) + IMPORT_FORMATS,
                   help="file format (default: recognised from the content)")
    p.add_argument("--tag", action="append", default=[], metavar="TAG",
                   help="tag every imported contact (repeat for several)")
    p.add_argument("--every", metavar="CADENCE", help="cadence for added contacts: 90d, 2w, 6m, 2/y, quarterly, none")
    p.add_argument("--map", metavar="FIELD=COLUMN,...",
                   help="generic CSV columns, e.g. 'name=Full Name,email=Mail,company=Firm'; fields: "
                        + ", ".join(MAPPABLE_FIELDS))
    p.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    p.add_argument("--owner", metavar="NAME", help="the member who owns the added contacts (default: you)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export-contacts", parents=[common], help="write every contact as CSV, vCard or JSON")
    p.add_argument("--format", default="csv", choices=export_contacts.FORMATS,
                   help="csv (formula-safe, re-importable), vcard (3.0) or json (default: csv)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (owner-only, replaced atomically); default or '-': standard output")
    p.set_defaults(handler=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from planner.io.importers import import_file

    cadence = parse_cadence(args.every) if args.every is not None else UNSET
    open_db_from_args(args)
    owner = None
    if args.owner:
        from planner.services.team import find_member

        owner = find_member(args.owner, "--owner").id
    bar = ProgressLine() if sys.stderr.isatty() else None
    try:
        report = import_file(Path(args.file), fmt=args.format, tags=args.tag, cadence=cadence,
                             dry_run=args.dry_run, mapping=args.map, progress=bar, owner=owner)
    finally:
        if bar:
            bar.close()
    if args.json:
        print_json(report.to_json())
    else:
        print_report(report)
    return 0


def print_report(report: ImportReport) -> None:
    verb = "would import" if report.dry_run else "imported"
    print(f"{verb} {clean_line(report.path)} ({report.format}): {report.added} added, {report.updated} updated, "
          f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
          + (f", {report.merged} repeated rows merged" if report.merged else ""))
    for title, problems in (("skipped", report.skipped), ("note", report.warnings)):
        for line, reason in problems[:SHOWN_PROBLEMS]:
            print(f"  {title} line {line}: {clean_line(reason)}")
        if len(problems) > SHOWN_PROBLEMS:
            print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more (--json lists them all)")
    if report.dry_run:
        print("dry run: nothing was written")


class ProgressLine:
    """A one-line bar on a terminal's stderr, shown only for large files and redrawn a few times
    a second at most; it never reaches a pipe or a log."""

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total <= PROGRESS_THRESHOLD:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = self.width * done // total
        self.stream.write(f"\rimporting [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def cmd_export(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    tally = [0]
    pieces = export_contacts.chunks(args.format, tally=tally)  # read and written as made, never whole in memory
    if args.output and args.output != "-":
        path = export_contacts.write_private(pieces, args.output)
        count = tally[0]
        print(f"wrote {count} contact{'s' if count != 1 else ''} to {clean_line(str(path))}")
    else:
        write = sys.stdout.write
        for piece in pieces:
            write(piece)
    return 0
