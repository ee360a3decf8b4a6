"""What the sync tests share: a demo database, the sync run in-process, and comparing sides."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from planner.sync import cards
from tests.sync.conftest import PASSWORD, USER


def sync(cli, db: Path, *args: str, today: str | None = None):
    extra = {"today": today} if today else {}
    return cli("sync", *args, "--user", USER, "--json", db=db, **extra)


def report(result) -> list[dict]:
    assert result.out, result.err
    return json.loads(result.out)["reports"]


def card_fields(text: str) -> dict:
    return cards.read_card(text, "card")[1]


def replace_line(text: str, prop: str, line: str | None) -> str:
    """The card with every `prop` line replaced by `line` (None: removed), as a phone app edits."""
    lines = [raw for raw in text.replace("\r\n", "\n").split("\n") if raw]
    pattern = re.compile(rf"^(?:[A-Za-z0-9-]+\.)?{re.escape(prop)}[;:]", re.I)
    kept = [raw for raw in lines if not pattern.match(raw)]
    if line is not None:
        kept.insert(len(kept) - 1, line)
    return "\r\n".join(kept) + "\r\n"


def snapshot(db: Path) -> dict[str, list]:
    """Every row of the contact and sync tables: 'the database and sync state as before'."""
    tables = ["contact", "contact_email", "contact_phone", "contact_tag", "sync_collection", "sync_item",
              "planned_call"]
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


__all__ = ["PASSWORD", "USER"]
