"""What to do first, on a database with no contacts at all: `n` adds one, `i` imports a file, and
`followup demo` opens a sample database to try everything on. Shown on each main screen (which
otherwise shows nothing but its column headers) and hidden as soon as anyone is in.

It checks on its own, so a screen only has to compose it: once the app's first rows are drawn
(at once on a screen shown later; an empty database's agenda is drawn in a blink), then while the
database stays empty, every second or so (one `LIMIT 1` query, in a thread) until someone is added,
here or from another session or the command line.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Static

from screens.messages import after_first_frame
from screens.text import safe_markup
from screens.workers import thread_worker

HINT = ("[b]No contacts yet.[/b] Press [b]n[/b] to add one, or [b]i[/b] to import a vCard or a LinkedIn or "
        "Google CSV. To try followup first, quit ([b]ctrl+q[/b]) and run [b]followup demo[/b]: a sample "
        "database of its own, 300 contacts with a history.")


class EmptyChecked(Message):
    def __init__(self, empty: bool) -> None:
        super().__init__()
        self.empty = empty


RECHECK_SECONDS = 1.0


class EmptyHint(Static):
    """Hidden until a check finds the database empty; hidden again once someone is in."""

    def __init__(self, **kwargs) -> None:
        super().__init__(safe_markup(HINT), classes="empty-hint", **kwargs)
        self.display = False

    def on_mount(self) -> None:
        after_first_frame(self, self._check)

    # Optional: a failed check leaves the hint as it was (the screen says its own failure).
    @thread_worker(group="empty-check", failure=None)
    def _check(self) -> None:
        from planner.services.contact_lookup import database_is_empty

        self.post_message(EmptyChecked(database_is_empty()))

    def on_empty_checked(self, message: EmptyChecked) -> None:
        message.stop()
        self.display = message.empty
        if message.empty:
            self.set_timer(RECHECK_SECONDS, self._check)
