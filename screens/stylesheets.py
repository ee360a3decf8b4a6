"""Where each screen's TCSS lives (styles/). The app loads app.tcss and the home screen's
agenda.tcss; every other file is named by the screens and dialogs it styles (`CSS_PATH`), and
Textual reads it when one of them is first shown, so a start-up parses only what the agenda needs.
A file once read stays for the whole session."""

from __future__ import annotations

from pathlib import Path, PurePath

STYLES = Path(__file__).resolve().parent.parent / "styles"

# The app's own: the shared rules and the home screen's.
APP: list[str | PurePath] = [STYLES / "agenda.tcss", STYLES / "app.tcss"]
CONTACTS = STYLES / "contacts.tcss"
LEDGER = STYLES / "ledger.tcss"
PLAN = STYLES / "plan.tcss"
QUICK_LOG = STYLES / "quick_log.tcss"
