"""Any other CSV: columns found by common names (our own `export-contacts` layout among them) or
given with `--map field=Column,...`. An unrecognised layout is an error that lists the columns
found and the fields needed, so the user can write the `--map` at once.
"""

from __future__ import annotations

from pathlib import Path

from planner.core.cadence import parse_cadence
from planner.core.errors import BadInput
from planner.io.exports.contacts import CSV_COLUMNS, OWNER_COLUMN
from planner.io.importers.common import (
    Columns,
    ImportRecord,
    ParseResult,
    check_last_row,
    csv_rows,
    exact_block,
    exact_line,
    file_error,
    header_key,
    multi_line,
    one_line,
    split_multi,
)
from planner.io.importers.linkedin import normalize_profile_url, parse_connected_on

# field -> header names it is found under without a --map (compared case/space-insensitively)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "contact", "contact name", "display name"),
    "first_name": ("first name", "given name", "first", "forename"),
    "last_name": ("last name", "family name", "surname", "last"),
    "company": ("company", "organization", "organisation", "employer", "company name", "org"),
    "title": ("title", "job title", "position", "role"),
    "email": ("email", "e-mail", "emails", "email address", "e-mail address", "mail", "e-mail 2 address",
              "e-mail 3 address", "work email", "home email"),
    "phone": ("phone", "phones", "telephone", "tel", "mobile", "phone number", "mobile phone", "business phone",
              "home phone", "primary phone", "work phone", "cell"),
    "tags": ("tags", "tag", "labels", "groups", "categories"),
    "kind": ("kind", "relationship"),
    "cadence": ("cadence", "cadence_days", "every", "frequency"),
    "timezone": ("timezone", "time zone", "tz"),
    "notes": ("notes", "note", "comments"),
    "url": ("url", "linkedin", "linkedin url", "profile url", "external_key"),
    "connected_on": ("connected on", "connected_on"),
}
FIELDS = tuple(SYNONYMS)
QUIETLY_IGNORED = {"source"}  # in our own export, set by the import itself
NEEDED = "name (or first_name/last_name)"


def parse_mapping(spec: str | None) -> dict[str, list[str]]:
    """`name=Full Name,email=Mail,email=Work Mail` -> {"name": ["Full Name"], "email": [...]}."""
    mapping: dict[str, list[str]] = {}
    if not spec:
        return mapping
    for part in spec.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field = field.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not column.strip():
            raise BadInput(f"--map {part.strip()!r}: write field=Column, e.g. name=Full Name")
        if field not in SYNONYMS:
            raise BadInput(f"--map: unknown field {field!r}; fields: {', '.join(FIELDS)}")
        mapping.setdefault(field, []).append(column.strip())
    return mapping


def resolve_columns(columns: Columns, mapping: dict[str, list[str]], path: Path) -> dict[str, list[str]]:
    """Each field's column names in this file: the --map ones (checked) or the usual names."""
    resolved: dict[str, list[str]] = {}
    for field, names in mapping.items():
        missing = [name for name in names if name not in columns]
        if missing:
            raise file_error(path, columns.line, f"--map {field}={missing[0]}: no such column; "
                             f"columns found: {columns.listing()}")
        resolved[field] = names
    for field, synonyms in SYNONYMS.items():
        if field not in resolved:
            keys = {header_key(s) for s in synonyms}
            found = [name for name in columns.names if header_key(name) in keys]
            if found:
                resolved[field] = found[:1] if field not in ("email", "phone") else found
    if "name" not in resolved and "first_name" not in resolved and "last_name" not in resolved:
        raise file_error(path, columns.line, f"unrecognised columns: {columns.listing()}. Needed: {NEEDED}; "
                         f"optional: {', '.join(FIELDS[3:])}. Say which is which with --map, "
                         "e.g. --map 'name=Full Name,email=Mail'")
    return resolved


def parse(text: str, path: Path, mapping: dict[str, list[str]] | None = None) -> ParseResult:
    rows = list(csv_rows(text, path))
    if not rows:
        raise file_error(path, None, "empty file: no header row")
    columns = Columns(rows[0][1], rows[0][0])
    fields = resolve_columns(columns, mapping or {}, path)
    result = ParseResult()
    check_last_row(text, path, rows, columns, result.warnings)
    # Our own export (its exact header) holds stored text exactly, controls as stand-ins: read it
    # back as it was stored. Anyone else's file is cleaned of controls and extra spaces.
    ours = not mapping and all(name in columns for name in CSV_COLUMNS)
    single, block = (exact_line, exact_block) if ours else (one_line, multi_line)
    used = {header_key(name) for names in fields.values() for name in names}
    quiet = QUIETLY_IGNORED | ({OWNER_COLUMN} if ours else set())  # a desk's owner: the import's --owner instead
    ignored = [name for name in columns.names if name and header_key(name) not in used | quiet]
    if ignored:
        result.warnings.append((columns.line, f"columns not imported: {', '.join(ignored)} "
                                "(--map field=Column to use them)"))

    def cell(row: list[str], field: str) -> str:
        return " ".join(columns.get(row, name) for name in fields.get(field, ()) if columns.get(row, name))

    for line, row in rows[1:]:
        record = ImportRecord(line=line)
        record.name = single(cell(row, "name")) or one_line(f"{cell(row, 'first_name')} {cell(row, 'last_name')}")
        record.company, record.title = single(cell(row, "company")), single(cell(row, "title"))
        for name in fields.get("email", ()):
            record.emails += split_multi(columns.get(row, name), (":::", ";", ",", " "))
        for name in fields.get("phone", ()):
            record.phones += split_multi(columns.get(row, name), (":::", ";", "|"))
        record.tags = split_multi(cell(row, "tags"), (":::", ";", ",", "|"))
        record.notes = block(" ".join(columns.get(row, n) for n in fields.get("notes", ())))
        record.kind = one_line(cell(row, "kind"))
        record.timezone = one_line(cell(row, "timezone"))
        url = one_line(cell(row, "url"))
        record.url = normalize_profile_url(url) if "linkedin.com/" in url.lower() else ""
        _cadence(record, cell(row, "cadence"), result)
        connected = one_line(cell(row, "connected_on"))
        if connected:
            record.connected_on = parse_connected_on(connected)
            if record.connected_on is None:
                result.warnings.append((line, f"connected_on {connected!r} is not a date; left empty"))
        if not record.name:
            result.skipped.append((line, "no name"))
            continue
        result.records.append(record)
    return result


def _cadence(record: ImportRecord, text: str, result: ParseResult) -> None:
    if not text.strip():
        return
    try:
        record.cadence_days = parse_cadence(text)
    except BadInput as exc:
        result.warnings.append((record.line, f"{exc}; cadence left as default"))
