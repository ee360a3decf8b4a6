"""How long a contact's text may be: one table, checked the same way for the CLI, the app and
every importer, so a pasted megabyte cannot slow every later search and screen."""

from __future__ import annotations

from planner.core.errors import BadInput

MAX_CHARS = {
    "name": 300,
    "company": 300,
    "title": 300,
    "email": 320,  # 64 before the @, 255 after it
    "phone": 100,
    "tag": 100,
    "url": 2048,
    "external_key": 2048,
    "notes": 50_000,
}


def check_length(field: str, value: str) -> str:
    """`value` if it fits its field's limit, else BadInput naming the field, the length and the limit."""
    limit = MAX_CHARS[field]
    if len(value) > limit:
        raise BadInput(f"{field}: {len(value):,} characters; at most {limit:,}")
    return value
