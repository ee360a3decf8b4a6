"""Helpers the fault tests share."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def contact_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]
