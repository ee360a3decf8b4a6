"""The app shell: modes on 1-4, ctrl+l from any screen, `?` keys, the command palette, theme
remembered, notifications literal, and no crash for hostile text anywhere on start."""

from __future__ import annotations

from textual.command import CommandPalette

from planner.store import settings
from screens.app import FollowupApp
from screens.dialogs.contact_form import ContactForm
from screens.dialogs.help import HelpScreen
from screens.quick_log import QuickLogScreen


async def test_starts_on_the_agenda_and_switches_with_digits(run_app, wait_for_workers):
    async with run_app() as (app, pilot):
        assert app.current_mode == "agenda"
        assert type(app.screen).__name__ == "AgendaScreen"
        for key, mode, name in [("2", "contacts", "ContactsScreen"), ("3", "ledger", "LedgerScreen"),
                                ("4", "plan", "PlanScreen"), ("1", "agenda", "AgendaScreen")]:
            await pilot.press(key)
            await wait_for_workers(app, pilot)
            assert (app.current_mode, type(app.screen).__name__) == (mode, name)


async def test_ctrl_l_from_every_main_screen(run_app, wait_for_workers):
    async with run_app() as (app, pilot):
        for key in ("1", "2", "3", "4"):
            await pilot.press(key)
            await wait_for_workers(app, pilot)
            expected = app.screen.highlighted_contact_id()
            await pilot.press("ctrl+l")
            await wait_for_workers(app, pilot)
            assert isinstance(app.screen, QuickLogScreen)
            assert app.screen.contact_id == expected
            await pilot.press("escape")  # nothing typed: closes without asking
            assert not isinstance(app.screen, QuickLogScreen)


async def test_question_mark_lists_the_keys(run_app):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        entries = app.screen.entries
        actions = {action for _, action, _ in entries}
        assert {"Filter", "New", "Archive", "Undo", "Log call", "Agenda", "Quit"} <= actions
        first = [action for _, action, _ in entries[:3]]
        assert "Up" not in first and "Filter" in [action for _, action, _ in entries[:8]]
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_reaches_screens_and_screen_actions_by_name(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go to ledger")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert app.current_mode == "ledger"
        await pilot.press("2")
        await wait_for_workers(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"new")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactForm)


async def test_theme_choice_is_remembered(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        assert app.theme == "textual-dark"
        app.theme = "nord"
        await wait_for_workers(app, pilot)
    assert settings.get("theme") == "nord"
    async with run_app(mode="contacts") as (app, pilot):
        assert app.theme == "nord"


async def test_notifications_show_hostile_names_literally(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash", *"mallory", "enter", "d")
        await wait_for_workers(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("[bold]Mallory[/] ␛[2J" in m for m in messages)


async def test_unknown_mode_is_refused():
    try:
        FollowupApp(mode="nowhere")
    except ValueError as exc:
        assert "nowhere" in str(exc)
    else:
        raise AssertionError("an unknown mode must be refused")


async def test_the_four_screens_share_one_chrome(app_db, run_app):
    """A title bar on top and a footer, no clock Header on one screen only."""
    from textual.widgets import Header

    from screens.widgets.keys_footer import KeysFooter

    async with run_app() as (app, pilot):
        for key, title in (("1", "#agenda-title"), ("2", "#contacts-title"), ("3", "#ledger-title"),
                           ("4", "#plan-title")):
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            assert not screen.query(Header), key
            assert screen.query_one(title).region.y == 0, key
            assert screen.query(KeysFooter), key


async def test_ctrl_g_closes_dialogs_without_escape(run_app, wait_for_workers):
    """tmux delays a lone escape; every dialog also closes with ctrl+g."""
    from screens.agenda import AgendaScreen
    from screens.contacts import ContactsScreen

    async with run_app() as (app, pilot):
        for key in ("s", "e", "w", "ctrl+l"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, AgendaScreen), key
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert isinstance(app.screen, AgendaScreen), key
        await pilot.press("2")
        await wait_for_workers(app, pilot)
        for key in ("n", "i"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ContactsScreen), key
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert isinstance(app.screen, ContactsScreen), key


async def test_a_plan_from_an_earlier_day_is_shown_then_replanned_in_the_background(app_db, wait_for_workers):
    """A new day since the plan was made: the agenda opens on the plan as stored (no re-plan on
    the way to the first frame), then the app re-plans for today in a worker and says so."""
    import datetime as dt

    from factories import FIXED_TODAY

    from planner.core import dates
    from planner.scheduling.service import plan_is_stale

    dates.set_today(FIXED_TODAY + dt.timedelta(days=120))  # every call planned then is in the past now
    assert plan_is_stale()
    app = FollowupApp()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_workers(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("re-planning for today" in m for m in messages), messages
        assert any(m.startswith("Re-planned for today") for m in messages), messages
        assert not plan_is_stale()
        assert app.screen.agenda.overdue == []  # the agenda reloaded: nothing overdue from the old plan


async def test_the_first_frame_has_the_saved_theme_and_keys_and_nothing_else_waits_before_it(
        app_db, wait_for_workers, monkeypatch):
    """The agenda's first rows are drawn in the saved theme's colours with the user's own keys
    (nothing restyles or re-binds after them); the empty hint's check, the sync line's read and
    the unfinished-note check start only then, not beside the agenda's read."""
    from textual.color import Color

    from screens.messages import FirstFrame

    settings.set_value("theme", "nord")
    settings.set_value("keymap", "agenda.log=L")
    settings.set_value("dav.contacts", "http://127.0.0.1:9/contacts/")  # never reached: no ctrl+r
    from screens.widgets.empty_hint import EmptyHint
    from screens.widgets.sync_status import SyncStatus

    seen: dict = {}
    started: list[str] = []  # in order: the first frame, and each piece of start-up work as it starts

    def recording(name: str, start):
        def recorded(self, *args, **kwargs):
            started.append(name)
            return start(self, *args, **kwargs)
        return recorded

    for owner, name in ((EmptyHint, "_check"), (SyncStatus, "_read"), (FollowupApp, "_load_draft")):
        monkeypatch.setattr(owner, name, recording(name, getattr(owner, name)))

    class Watched(FollowupApp):
        def on_first_frame(self, message: FirstFrame) -> None:
            if not seen:
                started.append("first frame")
                seen["theme"] = self.theme
                seen["background"] = self.screen.styles.background
                seen["log key"] = [key for key, active in self.screen.active_bindings.items()
                                   if active.binding.id == "agenda.log"]

    app = Watched()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_workers(app, pilot)
        assert seen["theme"] == "nord"
        assert seen["background"] == Color.parse(app.get_theme("nord").background)
        assert seen["log key"] == ["L"]
        assert started[0] == "first frame" and sorted(started[1:]) == ["_check", "_load_draft", "_read"]
        line = app.screen.query_one("#agenda-sync")  # its read ran after the frame
        assert "contacts never synced" in str(line.render()) and line.region.height == 1


async def test_a_screen_first_shown_after_a_theme_change_is_drawn_in_the_new_theme(run_app, wait_for_workers):
    """A mode's screen is made when first shown and styled as it mounts, in the theme of that
    moment; a screen made before the change is restyled when shown again."""
    from textual.color import Color

    async with run_app() as (app, pilot):
        await wait_for_workers(app, pilot)
        agenda = app.screen
        app.theme = "nord"
        await wait_for_workers(app, pilot)
        nord = Color.parse(app.get_theme("nord").background)
        await pilot.press("2")
        await wait_for_workers(app, pilot)
        contacts = app.screen
        assert contacts.styles.background == nord
        panel = Color.parse(app.get_css_variables()["panel"])  # the filter box's border, in nord
        assert contacts.query_one("#contacts-filter").styles.border_top[1] == panel
        app.theme = "gruvbox"
        await wait_for_workers(app, pilot)
        await pilot.press("1")
        await wait_for_workers(app, pilot)
        assert app.screen is agenda
        assert agenda.styles.background == Color.parse(app.get_theme("gruvbox").background)
        await pilot.press("3")
        await wait_for_workers(app, pilot)
        assert app.screen.styles.background == Color.parse(app.get_theme("gruvbox").background)
