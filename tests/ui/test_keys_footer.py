"""The footer: one line of the keys the screen offers where the cursor is. A key that would do
nothing now is drawn dim; a click presses a key; the pointer over a key lights it and shows its
tooltip; the user's own keys show as they set them; a key that does not fit is left out whole;
the same keys are not drawn again."""

from __future__ import annotations

from ui_steps import settle
from ui_text import footer_key_dimmed

from planner.store import settings
from screens.widgets.keys_footer import KEY_META, KeysFooter


def _column_of(footer: KeysFooter, key: str) -> int:
    """The first column where the footer draws `key`."""
    column = 0
    for segment in footer.render_line(0):
        if segment.style is not None and segment.style.meta.get(KEY_META) == key:
            return column
        column += segment.cell_length
    raise AssertionError(f"{key!r} is not drawn")


def _background_of(footer: KeysFooter, key: str):
    (first, *_) = [segment for segment in footer.render_line(0)
                   if segment.style is not None and segment.style.meta.get(KEY_META) == key]
    return first.style.bgcolor


def _hover_colour(app):
    """The theme's hover colour (translucent) over the footer's background, as a key is lit."""
    from textual.color import Color

    css = app.get_css_variables()
    return (Color.parse(css["footer-background"]) + Color.parse(css["block-hover-background"])).rich_color


async def test_the_same_keys_are_not_drawn_again_and_a_changed_key_is(app_db, run_app):
    async with run_app(size=(120, 32)) as (app, pilot):
        screen = app.screen
        await settle(app, pilot)
        footer = screen.query_one(KeysFooter)
        before = footer.parts
        assert "log" in footer.shown() and not footer_key_dimmed(app, "log")
        for _ in range(3):
            screen.refresh_bindings()
            await settle(app, pilot)
        assert footer.parts is before  # told three times, the same keys: nothing drawn again
        table = screen.query_one("#agenda-table")
        screen.rows.clear()  # nothing highlighted any more: the item keys are dimmed
        table.move_cursor(row=0)
        screen.refresh_bindings()
        await settle(app, pilot)
        assert footer.parts != before
        assert footer_key_dimmed(app, "log")


async def test_a_click_on_a_key_presses_it_and_the_pointer_shows_what_it_does(app_db, run_app):
    from screens.quick_log import QuickLogScreen

    async with run_app(size=(80, 24)) as (app, pilot):
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        agenda = app.screen
        at = _column_of(footer, "l")
        await pilot.hover(KeysFooter, offset=(at + 1, 0))
        await settle(app, pilot)
        assert footer.tooltip == "Log a call with the highlighted contact"
        assert _background_of(footer, "l") == _hover_colour(app)  # the key under the pointer is lit
        assert _background_of(footer, "s") != _hover_colour(app)
        await pilot.click(KeysFooter, offset=(_column_of(footer, "2"), 0))
        await settle(app, pilot)
        assert app.current_mode == "contacts"  # "2" of "1234 Screens"
        await pilot.press("1")
        await settle(app, pilot)
        assert app.screen is agenda
        await pilot.click(KeysFooter, offset=(at + 1, 0))
        await settle(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)


async def test_the_lit_key_stays_readable_in_a_light_theme_and_goes_out_when_the_pointer_leaves(app_db, run_app):
    async with run_app(size=(80, 24)) as (app, pilot):
        app.theme = "textual-light"
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        await pilot.hover(KeysFooter, offset=(_column_of(footer, "s") + 1, 0))
        await settle(app, pilot)
        assert _background_of(footer, "s") == _hover_colour(app)
        await pilot.hover("#agenda-table", offset=(2, 2))
        await settle(app, pilot)
        assert _background_of(footer, "s") == _background_of(footer, "x") != _hover_colour(app)
        assert footer.tooltip is None


async def test_a_click_on_a_dim_key_does_nothing_and_one_on_quit_quits(app_db, run_app):
    from screens.quick_log import QuickLogScreen

    async with run_app(size=(80, 24)) as (app, pilot):
        screen = app.screen
        await settle(app, pilot)
        footer = screen.query_one(KeysFooter)
        screen.rows.clear()  # nothing highlighted: "l Log call" has nobody to log
        screen.query_one("#agenda-table").move_cursor(row=0)
        screen.refresh_bindings()
        await settle(app, pilot)
        assert footer_key_dimmed(app, "log")
        await pilot.click(KeysFooter, offset=(_column_of(footer, "l") + 1, 0))
        await settle(app, pilot)
        assert app.screen is screen and not isinstance(app.screen, QuickLogScreen)
        await pilot.click(KeysFooter, offset=(_column_of(footer, "ctrl+q") + 1, 0))
        await pilot.pause()
        assert app.return_code is not None  # ^q is the display; the key pressed is ctrl+q


async def test_the_footer_shows_the_users_own_keys(app_db, run_app, show_text):
    settings.set_value("keymap", "agenda.log=L")
    async with run_app(size=(80, 24)) as (app, pilot):
        await settle(app, pilot)
        bottom = show_text(app).splitlines()[-1]
        assert "L Log call" in bottom and " l Log call" not in bottom


async def test_a_key_that_does_not_fit_is_left_out_whole(app_db, run_app, show_text):
    async with run_app(size=(40, 24)) as (app, pilot):
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        bottom = show_text(app).splitlines()[-1]
        assert len(bottom) <= 40
        drawn = [key for key in footer.shown().values() if f"{key.display} {key.description}" in bottom]
        left_over = bottom
        for key in drawn:
            left_over = left_over.replace(f"{key.display} {key.description}", "", 1)
        assert left_over.strip() == "", f"a key cut in half: {bottom!r}"  # only whole keys
        # "t Mark thanked" does not fit after the first three; "^q Quit", shorter, still does
        assert [key.action for key in drawn] == ["log", "snooze", "skip", "quit"], bottom
