"""The agenda's writes and dialogs: snooze, skip a cycle, mark thanked, export the week, week grid.

A mixin of `AgendaScreen` (screens/agenda.py), which owns the table, the keys, `check_action` and
the `@on` handlers; here are the actions those keys run, their thread workers, and what they call
back on the event loop. Each write ends in `DataChanged`, so every screen reloads.
"""

from __future__ import annotations

import datetime as dt

from textual import work

from planner.core.errors import FollowupError
from planner.core.vocabulary import AgendaKind
from screens.messages import DataChanged
from screens.text import plain


class AgendaActions:
    """Actions for `AgendaScreen`; `current_item()` and `range` are set up there."""

    def _say(self, message: str, severity: str = "information") -> None:
        self.app.notify(plain(message), severity=severity, markup=False)  # type: ignore[arg-type]

    def _changed(self, contact_ids: list[int] | None) -> None:
        self.app.post_message(DataChanged(contact_ids))

    def action_snooze(self) -> None:
        item = self.current_item()
        if item is None or item.kind != AgendaKind.CALL:
            self._say("Only a call can be snoozed; highlight a call")
            return
        from screens.dialogs.snooze import SnoozeDialog

        def chosen(day: dt.date | None) -> None:
            if day is not None:
                self._snooze(item.contact_id, item.name, day)

        self.app.push_screen(SnoozeDialog(item.name, item.date), callback=chosen)

    @work(thread=True, group="agenda-write")
    def _snooze(self, contact_id: int, name: str, day: dt.date) -> None:
        from planner.services.schedule import snooze

        if self._run_write(lambda: snooze(contact_id, day), "snooze"):
            self.app.call_from_thread(self._say, f"Snoozed {name} to {day:%a %d %b}")
            self.app.call_from_thread(self._changed, [contact_id])

    def action_skip(self) -> None:
        item = self.current_item()
        if item is None or item.kind != AgendaKind.CALL:
            self._say("Only a call can be skipped; highlight a call")
            return
        self._skip(item.contact_id, item.name)

    @work(thread=True, group="agenda-write")
    def _skip(self, contact_id: int, name: str) -> None:
        from planner.services.schedule import skip_cycle

        result = self._run_write(lambda: skip_cycle(contact_id), "skip this cycle")
        if result:
            when = f" on {result.date:%a %d %b}" if getattr(result, "date", None) else ""
            self.app.call_from_thread(self._say, f"Skipped this cycle: next call with {name}{when}")
            self.app.call_from_thread(self._changed, [contact_id])

    def action_thanked(self) -> None:
        item = self.current_item()
        if item is None:
            return
        favor_id = item.favor_id if item.kind == AgendaKind.THANK_YOU else None
        self._thank(item.contact_id, favor_id, item.name)

    @work(thread=True, group="agenda-write")
    def _thank(self, contact_id: int, favor_id: int | None, name: str) -> None:
        from planner.services.ledger import thank

        def run():
            return thank(favor_id=favor_id) if favor_id is not None else thank(contact_id=contact_id)

        result = self._run_write(run, "mark thanked")
        if result is None:
            return
        if not result:
            self.app.call_from_thread(self._say, f"Nothing to thank {name} for")
            return
        count = "1 favour" if len(result) == 1 else f"{len(result)} favours"
        self.app.call_from_thread(self._say, f"Thanked {name} for {count}")
        self.app.call_from_thread(self._changed, [contact_id])

    def _run_write(self, job, what: str):
        """Run a service call in this worker thread; a failure becomes a notification, not a crash."""
        try:
            return job()
        except FollowupError as exc:
            self.app.call_from_thread(self._say, f"Could not {what}: {exc}", "error")
        except Exception as exc:  # a locked database or a bug must not take the app down
            self.app.call_from_thread(self._say, f"Could not {what}: {exc.__class__.__name__}: {exc}", "error")
        return None

    def action_export(self) -> None:
        from screens.dialogs.export_week import ExportDialog

        start, end = self.range

        def chosen(choice) -> None:
            if choice is not None:
                self._export(start, end, choice.fmt, choice.path)

        self.app.push_screen(ExportDialog(start, end), callback=chosen)

    @work(thread=True, group="agenda-export")
    def _export(self, start: dt.date, end: dt.date, fmt: str, path) -> None:
        from planner.io.exports.agenda import write_agenda
        from planner.services.agenda import build_agenda

        written = self._run_write(lambda: write_agenda(build_agenda(start, end), fmt, path), "export the week")
        if written:
            from screens.dialogs.export_week import shown_path

            self.app.call_from_thread(self._say, f"Exported the week to {shown_path(written)}")

    def action_week_grid(self) -> None:
        from screens.dialogs.week_grid import WeekGrid

        self.app.push_screen(WeekGrid())
