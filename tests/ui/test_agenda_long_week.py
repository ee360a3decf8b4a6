"""The agenda on a long week (hundreds of rows, as a big file has): the whole week is in the
table with its first frame, so keys typed right then act on the agenda's own rows; the cursor
never rests on a section header; a reload keeps it on its item; a filter typed while the week is
read again shows only what matches, of the new read."""

from __future__ import annotations

import datetime as dt

import pytest
from textual import events
from ui_steps import settle, until
from ui_text import footer_key_dimmed

from planner.core.vocabulary import AgendaKind

CONTACTS = 1500  # about 750 calls this week (Wednesday to Sunday) at a weekly cadence


@pytest.fixture
def long_week(app_db):
    from factories import bulk_contacts

    bulk_contacts(CONTACTS, cadence=7)
    return app_db


def _burst(app, keys: list[str]) -> None:
    """Keys arriving in one read from the terminal: all queued before the app handles the first."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)


def _items(screen) -> list:
    return [row.item for row in screen.rows if row.item is not None]


async def test_keys_typed_with_the_first_frame_act_on_the_whole_week(long_week):
    """At the first frame every row of the week is in the table; `end`, then `up` twice, typed that
    very moment, land on the week's second-last call of its last day, stepping over no header."""
    from screens.app import FollowupApp

    class FirstFrameSeen(FollowupApp):
        at_first_frame: tuple[int, int] | None = None

        def on_first_frame(self, message) -> None:
            super().on_first_frame(message)
            table = self.screen.query_one("#agenda-table")
            self.at_first_frame = (table.row_count, len(self.screen.rows))
            _burst(self, ["end", "up", "up"])

    app = FirstFrameSeen()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.at_first_frame)
        await pilot.pause()
        screen = app.screen
        rows, shown = app.at_first_frame
        assert shown > 700 and rows == shown
        items = _items(screen)
        assert screen.current_item() is items[-3]
        assert screen.rows[-4].item is items[-4]  # the last day's section is longer than three calls
        await settle(app, pilot)


async def test_what_waits_for_the_first_frame_starts_once_its_rows_are_drawn(long_week, monkeypatch):
    """The first frame is said (and with it start the rest of the week's details, the draft offer,
    a stale plan's re-plan) once the table has drawn the week's rows, not when they were put in
    it: the table lays them out and draws them at its next update, and work started before that
    competed with drawing them (at 100k contacts the names came 40 ms later)."""
    from screens.agenda import AgendaTable
    from screens.app import FollowupApp

    drawn: list[int] = []  # the table's row count at each drawing
    draw = AgendaTable.render_lines

    def render_lines(self, crop):
        lines = draw(self, crop)
        drawn.append(self.row_count)
        return lines

    monkeypatch.setattr(AgendaTable, "render_lines", render_lines)

    class FirstFrameSeen(FollowupApp):
        at_first_frame: tuple[int, int] | None = None

        def on_first_frame(self, message) -> None:
            super().on_first_frame(message)
            table = self.screen.query_one("#agenda-table")
            self.at_first_frame = (table.row_count, max(drawn, default=0))

    app = FirstFrameSeen()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.at_first_frame)
        rows, rows_drawn = app.at_first_frame
        assert rows > 700 and rows_drawn == rows
        await settle(app, pilot)


async def test_leaving_the_agenda_before_its_rows_come_does_not_hold_up_the_first_frame(long_week):
    """`2` typed before the week's rows are read: the agenda is not drawn while Contacts is shown,
    yet its first frame is still said (the day's plan check, the draft offer and the rest of the
    week's details start), without waiting for the user to come back to it."""
    from screens.app import FollowupApp

    class Watched(FollowupApp):
        first_frame_on: str | None = None

        def on_first_frame(self, message) -> None:
            super().on_first_frame(message)
            self.first_frame_on = self.current_mode

    app = Watched()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        assert await until(pilot, lambda: app.first_frame_on, seconds=2.5) == "contacts"
        await settle(app, pilot)


async def test_page_keys_and_the_mouse_never_leave_the_cursor_on_a_section_header(long_week, run_app):
    async with run_app(size=(80, 24)) as (app, pilot):
        screen = app.screen
        table = screen.query_one("#agenda-table")
        headers = [n for n, row in enumerate(screen.rows) if row.item is None]
        assert len(headers) >= 3
        await pilot.press("home")
        landed = []
        for _ in range(len(screen.rows) // 20 + 2):
            await pilot.press("pagedown")
            landed.append(table.cursor_row)
        assert landed[-1] == len(screen.rows) - 1
        assert all(screen.rows[row].item is not None for row in landed)
        for header in headers[1:]:  # a click on a header row (the table moves its cursor there)
            table.move_cursor(row=header)
            await pilot.pause()
            assert screen.rows[table.cursor_row].item is not None
            assert abs(table.cursor_row - header) == 1


async def test_a_reload_keeps_the_cursor_on_its_item_deep_in_the_week(long_week, run_app):
    from screens.messages import DataChanged

    async with run_app(size=(80, 24)) as (app, pilot):
        screen = app.screen
        table = screen.query_one("#agenda-table")
        target = next(n for n, row in enumerate(screen.rows) if n > 500 and row.item is not None)
        table.move_cursor(row=target)
        await pilot.pause()
        item = screen.current_item()
        app.post_message(DataChanged())
        await settle(app, pilot)
        assert screen.current_item() is not item  # the rows are those of the new read
        now = screen.current_item()
        assert (now.contact_id, now.kind, now.date) == (item.contact_id, item.kind, item.date)
        assert table.cursor_row == target
        assert table.row_count == len(screen.rows)


async def test_a_filter_typed_while_the_week_is_read_again_shows_only_its_matches(long_week, run_app):
    from screens.widgets.list_filter import matches

    async with run_app(size=(80, 24)) as (app, pilot):
        screen = app.screen
        table = screen.query_one("#agenda-table")
        before = _items(screen)
        screen.reload()  # the week is read again (after a write, a new day) ...
        await pilot.press("slash", *"person 12")  # ... while the user types a filter
        await settle(app, pilot)
        items = _items(screen)
        assert items and all(item is not old for item, old in zip(items, before, strict=False))
        assert all(matches("person 12", item.name, item.company) for item in items)
        wanted = [item for item in screen.agenda.items + screen.agenda.done
                  if matches("person 12", item.name, item.company)]
        assert sorted(i.contact_id for i in items) == sorted(i.contact_id for i in wanted)
        assert [key.value for key in table.rows] == [row.key for row in screen.rows]
        assert all(item.kind == AgendaKind.CALL for item in items)
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(_items(screen)) == len(before)


async def test_the_footer_dims_snooze_and_skip_on_a_thank_you_and_lights_them_on_a_call(app_db, run_app):
    """The footer is told only when what it dims changes: it still follows the cursor from a call
    to a thank-you and back, across several calls in a row."""
    from planner.services.contacts import list_contacts
    from planner.services.ledger import add_favor
    from planner.services.schedule import pin

    ids = {c.name.split()[0]: c.id for c in list_contacts()}
    for name in ("Maria", "Jonas"):
        pin(ids[name], dt.date(2026, 11, 25))
    add_favor(ids["[bold]Mallory[/]"], "received", "referral", note="intro", day=dt.date(2026, 11, 16))

    dimmed = footer_key_dimmed

    async with run_app(size=(120, 32)) as (app, pilot):
        screen = app.screen
        table = screen.query_one("#agenda-table")
        kinds = [(n, row.item.kind) for n, row in enumerate(screen.rows) if row.item is not None]
        calls = [n for n, kind in kinds if kind == AgendaKind.CALL]
        thanks = next(n for n, kind in kinds if kind == AgendaKind.THANK_YOU)
        for row, dim in ((calls[0], False), (calls[1], False), (thanks, True), (calls[0], False)):
            table.move_cursor(row=row)
            await settle(app, pilot)
            assert (dimmed(app, "snooze"), dimmed(app, "skip")) == (dim, dim), row
            assert not dimmed(app, "log")


async def test_the_first_frame_waits_only_for_what_the_screen_shows(long_week):
    """The first frame has every row of the week, with what the rows on screen say; the others show
    "…" as their last contact until the rest is read, right after, into the same rows, each row
    saying what its own item says."""
    from factories import reached

    from planner.core import dates
    from planner.services.agenda import build_agenda
    from screens.agenda_rows import agenda_range, item_cells
    from screens.app import FollowupApp

    week = build_agenda(*agenda_range(dates.today()))
    last_day = next(items for _, items in reversed(week.days) if items)
    for item in last_day[::7]:  # a few people far down the list were reached last week
        reached(item.contact_id, dates.today() - dt.timedelta(days=5))

    def last_contact(table, row: int) -> str:
        return table.get_row_at(row)[3].plain

    class FirstFrameSeen(FollowupApp):
        at_first_frame: tuple[list[bool], list[str], list] | None = None

        def on_first_frame(self, message) -> None:
            screen, table = self.screen, self.screen.query_one("#agenda-table")
            items = [n for n, row in enumerate(screen.rows) if row.item is not None]
            cells = [table._data[key] for key in list(table.rows)]  # each row's cells as the table keeps them
            self.at_first_frame = ([screen.rows[n].item.pending for n in items],
                                   [last_contact(table, n) for n in items], cells)

    app = FirstFrameSeen()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.at_first_frame)
        pending, said, cells = app.at_first_frame
        # the rows on screen (and a few below) are read first
        from screens.agenda import SHOWN_MARGIN

        first = sum(1 for row in app.screen.rows[:24 + SHOWN_MARGIN] if row.item is not None)
        assert pending[:first] == [False] * first and all(pending[first:]) and len(pending) > 700
        assert "…" not in said[:first] and set(said[first:]) == {"…"}
        await settle(app, pilot)
        screen, table = app.screen, app.screen.query_one("#agenda-table")
        assert not any(row.item.pending for row in screen.rows if row.item is not None)
        now = [table._data[key] for key in list(table.rows)]
        assert all(a is b for a, b in zip(now, cells, strict=True))  # the same rows, redrawn, not added again
        shown = {n: last_contact(table, n) for n, row in enumerate(screen.rows) if row.item is not None}
        assert shown == {n: item_cells(screen.rows[n].item, screen.agenda.today)[3].plain for n in shown}
        assert {n for n, text in shown.items() if text != "never"} - set(range(24)), "spoken-to rows below"


async def test_after_a_write_far_down_the_list_the_rows_on_screen_come_with_what_they_say(
        long_week, run_app, monkeypatch):
    """Reading the list again (after a log, a snooze, another session's write) while scrolled to
    its end: the first part of the read already says what the rows on screen say, as it does for
    the top of the list at start."""
    from screens.agenda import AgendaScreen

    seen: list[list[bool]] = []  # each first part as drawn: whether each row on screen still waits
    first_part_drawn = AgendaScreen._details_after_frame

    def watched(self, agenda, read) -> None:
        table = self.query_one("#agenda-table")
        top = round(table.scroll_y)
        seen.append([row.item.pending for row in self.rows[top:top + table.size.height] if row.item is not None])
        first_part_drawn(self, agenda, read)

    monkeypatch.setattr(AgendaScreen, "_details_after_frame", watched)
    async with run_app(size=(80, 24)) as (app, pilot):
        screen = app.screen
        await pilot.press("end")
        await settle(app, pilot)
        assert screen.query_one("#agenda-table").scroll_y > 500
        seen.clear()
        screen.reload()
        await settle(app, pilot)
        assert len(seen) == 1 and len(seen[0]) > 10 and not any(seen[0])
