"""Google Contacts CSV, current and legacy layouts.

Current: `First Name, Middle Name, Last Name, ..., Organization Name, Organization Title, ...,
Labels, E-mail 1 - Label, E-mail 1 - Value, ..., Phone 1 - Value ...`. Legacy: `Name, Given Name,
Additional Name, Family Name, ..., Group Membership, E-mail 1 - Type, E-mail 1 - Value, ...,
Organization 1 - Name, Organization 1 - Title`. The number of numbered groups varies with the
contact who has the most; one cell may hold several values joined by ` ::: `, and so do the
labels, which become tags (Google's own `* myContacts` and `* starred` are dropped).
"""

from __future__ import annotations

from pathlib import Path

from planner.io.importers.common import (
    Columns,
    ImportRecord,
    ParseResult,
    check_last_row,
    csv_rows,
    file_error,
    multi_line,
    one_line,
    split_multi,
)
from planner.io.importers.linkedin import normalize_profile_url

SIGNATURE = ("E-mail 1 - Value", "Phone 1 - Value", "Labels", "Group Membership", "Organization Name",
             "Organization 1 - Name", "Given Name", "Family Name", "File As")
NAME_COLUMNS = ("First Name", "Last Name", "Name", "Given Name", "Family Name")
SYSTEM_LABELS = {"mycontacts", "my contacts", "starred"}


def looks_like(columns: Columns) -> bool:
    return any(name in columns for name in NAME_COLUMNS) and sum(name in columns for name in SIGNATURE) >= 2


def parse(text: str, path: Path) -> ParseResult:
    rows = list(csv_rows(text, path))
    if not rows:
        raise file_error(path, None, "empty file: no header row")
    header_line, header = rows[0]
    columns = Columns(header, header_line)
    if not looks_like(columns):
        raise file_error(path, header_line, "not a Google Contacts header (First Name/Given Name, Labels/Group "
                         f"Membership, E-mail 1 - Value, ...); columns found: {columns.listing()}")
    email_groups = columns.numbered("E-mail {} - Value")
    phone_groups = columns.numbered("Phone {} - Value")
    web_groups = columns.numbered("Website {} - Value")
    result = ParseResult()
    check_last_row(text, path, rows, columns, result.warnings)
    for line, row in rows[1:]:
        record = ImportRecord(line=line)
        record.company = one_line(columns.get(row, "Organization Name") or columns.get(row, "Organization 1 - Name"))
        record.title = one_line(columns.get(row, "Organization Title") or columns.get(row, "Organization 1 - Title"))
        record.name = _name(columns, row)
        for group in email_groups:
            record.emails += split_multi(columns.get(row, f"E-mail {group} - Value"))
        for group in phone_groups:
            record.phones += split_multi(columns.get(row, f"Phone {group} - Value"))
        for group in web_groups:
            for site in split_multi(columns.get(row, f"Website {group} - Value")):
                if "linkedin.com/" in site.lower() and not record.url:
                    record.url = normalize_profile_url(site)
        record.tags = _labels(columns.get(row, "Labels") or columns.get(row, "Group Membership"))
        record.notes = multi_line(columns.get(row, "Notes"))
        if not record.name:
            record.name = record.company or (record.emails[0] if record.emails else "")
        if not record.name:
            what = "phone number only" if record.phones else "an empty entry"
            result.skipped.append((line, f"no name, company or email ({what})"))
            continue
        result.records.append(record)
    return result


def _name(columns: Columns, row: list[str]) -> str:
    parts = [one_line(columns.get(row, name)) for name in
             ("Name Prefix", "First Name", "Middle Name", "Last Name", "Name Suffix")]
    if not any(parts[1:4]):
        full = one_line(columns.get(row, "Name"))
        if full:
            return full
        parts = [one_line(columns.get(row, name)) for name in
                 ("Name Prefix", "Given Name", "Additional Name", "Family Name", "Name Suffix")]
    name = " ".join(part for part in parts if part)
    if not any(parts[1:4]):
        name = one_line(columns.get(row, "Nickname")) or one_line(columns.get(row, "File As"))
    return name


def _labels(cell: str) -> list[str]:
    tags = []
    for label in split_multi(cell):
        plain = label[2:].strip() if label.startswith("* ") else label
        if plain.casefold() in SYSTEM_LABELS or not plain:
            continue
        tags.append(plain)
    return tags
