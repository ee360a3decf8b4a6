"""The agenda's writes and dialogs: snooze, skip a cycle, mark thanked, export the week, week grid.

The screen class `AgendaScreen` (screens/agenda.py) builds on: it owns the table, the keys,
`check_action` and the `@on` handlers; here are the actions those keys run and their thread
workers. Each write ends in an `Announce` the app shows, with `DataChanged`, so every screen
reloads; a failed one in the one worker-failure notification (screens/workers.py).
"""

from __future__ import annotations

import datetime as dt

from planner.core.vocabulary import AgendaKind
from planner.services.agenda import AgendaItem
from screens.messages import Announce
from screens.text import plain
from screens.workers import WorkerScreen, thread_worker


class AgendaActions(WorkerScreen[None]):
    """The agenda's actions; `AgendaScreen` subclasses it and says what is highlighted and the
    range shown (`current_item`, `range`)."""

    range: tuple[dt.date, dt.date]

    def current_item(self) -> AgendaItem | None:
        raise NotImplementedError

    def _say(self, message: str) -> None:
        self.app.notify(plain(message), markup=False)

    def action_snooze(self) -> None:
        item = self.current_item()
        if item is None or item.kind != AgendaKind.CALL:
            self._say("Only a call can be snoozed; highlight a call")
            return
        from screens.dialogs.snooze import SnoozeDialog

        def chosen(day: dt.date | None) -> None:
            if day is not None and item.step_id is not None:
                self._snooze_step(item.step_id, item.contact_id, item.name, day)
            elif day is not None:
                self._snooze(item.contact_id, item.name, day)

        self.app.push_screen(SnoozeDialog(item.name, item.date), callback=chosen)

    @thread_worker(group="agenda-write", failure="Could not snooze", exclusive=False)
    def _snooze(self, contact_id: int, name: str, day: dt.date) -> None:
        from planner.services.schedule import snooze

        # Say the day the call went on (the next working day when `day` is not one).
        landed = snooze(contact_id, day).date
        self.post_message(Announce(f"Snoozed {name} to {landed:%a %d %b}", contact_ids=[contact_id]))

    @thread_worker(group="agenda-write", failure="Could not move this step", exclusive=False)
    def _snooze_step(self, step_id: int, contact_id: int, name: str, day: dt.date) -> None:
        from planner.services.sequences import snooze_step

        # a sequence step moves by itself: the contact's next cadence call stays where it was
        step = snooze_step(step_id, day)
        self.post_message(Announce(f"Moved {name}'s {step.label} to {step.day:%a %d %b}", contact_ids=[contact_id]))

    def action_skip(self) -> None:
        item = self.current_item()
        if item is None or item.kind != AgendaKind.CALL:
            self._say("Only a call can be skipped; highlight a call")
            return
        self._skip(item.contact_id, item.name)

    @thread_worker(group="agenda-write", failure="Could not skip this cycle", exclusive=False)
    def _skip(self, contact_id: int, name: str) -> None:
        from planner.services.schedule import skip_cycle

        result = skip_cycle(contact_id)
        when = f" on {result.date:%a %d %b}" if getattr(result, "date", None) else ""
        self.post_message(Announce(f"Skipped this cycle: next call with {name}{when}", contact_ids=[contact_id]))

    def action_thanked(self) -> None:
        item = self.current_item()
        if item is None:
            return
        # A row stands for the person: a thank-you row (one per person) or a call row with thanks
        # owed thanks them for every favour not thanked yet.
        self._thank(item.contact_id, None, item.name)

    @thread_worker(group="agenda-write", failure="Could not mark thanked", exclusive=False)
    def _thank(self, contact_id: int, favor_id: int | None, name: str) -> None:
        from planner.services.ledger import thank

        result = thank(favor_id=favor_id) if favor_id is not None else thank(contact_id=contact_id)
        if not result:
            self.post_message(Announce(f"Nothing to thank {name} for", changed=False))
            return
        count = "1 favour" if len(result) == 1 else f"{len(result)} favours"
        self.post_message(Announce(f"Thanked {name} for {count}", contact_ids=[contact_id]))

    def action_export(self) -> None:
        from screens.dialogs.export_week import ExportDialog

        start, end = self.range

        def chosen(choice) -> None:
            if choice is not None:
                self._export(choice.start, choice.end, choice.fmt, choice.path)

        self.app.push_screen(ExportDialog(start, end), callback=chosen)

    @thread_worker(group="agenda-export", failure="Could not export the week", exclusive=False)
    def _export(self, start: dt.date, end: dt.date, fmt: str, path) -> None:
        from planner.io.exports.agenda import write_agenda
        from planner.services.agenda import build_agenda
        from planner.store import settings
        from screens.dialogs.export_week import shown_path

        written = write_agenda(build_agenda(start, end), fmt, path)
        if written:
            settings.set_value("export.folder", str(written.parent))  # the next export starts there
            self.post_message(Announce(f"Exported the week to {shown_path(written)}", changed=False))

    def action_week_grid(self) -> None:
        from screens.dialogs.week_grid import WeekGrid

        self.app.push_screen(WeekGrid())
