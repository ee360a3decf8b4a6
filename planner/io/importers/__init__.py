"""Importing the contacts people already have: LinkedIn, Google, phones' vCards, any CSV.

`import_file` decodes the file, recognises its format (by content, not by name alone), parses it
into records, and hands them to `apply` for de-duplication and one transaction of writes. The plan
hears about every added or updated contact once, after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from planner.core.cadence import check_days
from planner.core.collector import cycle_collection_paused
from planner.core.errors import BadInput
from planner.io.importers import generic_csv, google, linkedin, vcard
from planner.io.importers.apply import apply_records
from planner.io.importers.common import (
    UNSET,
    Columns,
    ImportRecord,
    ImportReport,
    ParseResult,
    csv_rows,
    decode_file,
    find_header,
)

FORMATS = ("linkedin", "google", "vcard", "csv")
ALIASES = {"vcf": "vcard", "generic": "csv", "auto": "auto"}

__all__ = ["FORMATS", "ImportRecord", "ImportReport", "UNSET", "detect_format", "import_file"]


def import_file(
    path: Path | str,
    fmt: str = "auto",
    tags: Iterable[str] = (),
    cadence: object = UNSET,
    dry_run: bool = False,
    mapping: str | dict[str, str | list[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    owner: int | None = None,
) -> ImportReport:
    """Import one file. `cadence` (days, or None for never) applies to added contacts; `mapping`
    (`"name=Full Name,email=Mail"` or a dict of field -> columns) is for the generic CSV;
    `progress(done, total)` is called as records are matched; added contacts are `owner`'s (a
    member id; default the acting member). Raises BadInput naming the file and
    line for a malformed file, before anything is written."""
    path = Path(path).expanduser()
    if isinstance(cadence, int):
        check_days(cadence)
    requested = ALIASES.get(fmt.lower(), fmt.lower())
    if requested not in FORMATS + ("auto",):
        raise BadInput(f"--format {fmt!r}: use auto, {', '.join(FORMATS)}")
    if isinstance(mapping, str):
        columns_map = generic_csv.parse_mapping(mapping)
    else:  # a dict from code: field -> column or columns, checked like the CLI's --map
        spec = ",".join(f"{field}={column}" for field, columns in (mapping or {}).items()
                        for column in ([columns] if isinstance(columns, str) else columns))
        columns_map = generic_csv.parse_mapping(spec)
    if columns_map and requested not in ("auto", "csv"):
        raise BadInput("--map is for the generic CSV format (--format csv)")
    text = decode_file(path)
    found = "csv" if columns_map else detect_format(path, text, requested)
    first = [text]
    del text

    def parse() -> ParseResult:
        # the text read above, or read again when a collision makes the import start over; its
        # records are made here, so that nothing else holds them once they are matched
        body = first.pop() if first else decode_file(path)
        if found == "vcard":
            return vcard.parse(body, path)
        if found == "linkedin":
            return linkedin.parse(body, path)
        if found == "google":
            return google.parse(body, path)
        return generic_csv.parse(body, path, columns_map)

    report = ImportReport(format=found, path=str(path), dry_run=dry_run)
    # 100,000 records and the contacts made from them: the cycle collector would walk them all,
    # again and again, as they are made (planner/core/collector.py)
    with cycle_collection_paused():
        apply_records(parse, report, source=found, tags=tags, cadence=cadence, progress=progress, owner=owner)
    return report


def detect_format(path: Path, text: str, requested: str = "auto") -> str:
    """The format to read `text` as: the requested one, else recognised from the content."""
    if requested != "auto":
        return requested
    if vcard.looks_like(text) or path.suffix.lower() in (".vcf", ".vcard"):
        return "vcard"
    head = []
    for row in csv_rows(text, path):
        head.append(row)
        if len(head) >= 40:
            break
    if find_header(head, linkedin.REQUIRED + ("Connected On",)) is not None:
        return "linkedin"
    if head and google.looks_like(Columns(head[0][1], head[0][0])):
        return "google"
    return "csv"
