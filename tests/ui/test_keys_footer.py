"""The footer draws its keys again only when they change: a screen saying its bindings may have
changed (every focus change, every refresh of the bindings) with the same keys leaves the key
widgets as they are; a key dimmed or lit rebuilds them."""

from __future__ import annotations

from ui_steps import settle


async def test_the_same_keys_are_not_rebuilt_and_a_changed_key_is(app_db, run_app):
    from textual.widgets._footer import FooterKey

    async with run_app(size=(120, 32)) as (app, pilot):
        screen = app.screen
        await settle(app, pilot)
        before = list(screen.query(FooterKey))
        assert before and any(key.action == "log" for key in before)
        for _ in range(3):
            screen.refresh_bindings()
            await settle(app, pilot)
        assert list(screen.query(FooterKey)) == before  # the very same widgets: nothing rebuilt
        table = screen.query_one("#agenda-table")
        screen.rows.clear()  # nothing highlighted any more: the item keys are dimmed
        table.move_cursor(row=0)
        screen.refresh_bindings()
        await settle(app, pilot)
        after = list(screen.query(FooterKey))
        assert after != before
        assert [key for key in after if key.action == "log"][0].has_class("-disabled")
