"""Contacts screen: the table, filtering as you type, sorting, add/edit, archive with undo, favour,
import, detail, and hostile names shown literally. Asserts on the domain's views and on the screen."""

from __future__ import annotations

from factories import everyone, favours

from planner.services.contact_views import ContactView
from planner.services.contacts import list_contacts
from screens.contact_detail import ContactDetailScreen
from screens.dialogs.contact_form import ContactForm
from screens.dialogs.favor_entry import FavorEntry
from screens.dialogs.import_file import ImportDialog
from screens.widgets.contact_table import ContactTable


def _table(app) -> ContactTable:
    return app.screen.query_one("#contacts-table", ContactTable)


def _names(app) -> list[str]:
    return [row.cells["name"] for row in _table(app).rows]


def _jonas() -> ContactView:
    (jonas,) = [person for person in everyone() if person.name == "Jonas Nguyen"]
    return jonas


async def test_table_lists_active_contacts_sorted_by_name(run_app):
    async with run_app(mode="contacts") as (app, pilot):
        names = _names(app)
        assert names == ["[bold]Mallory[/] ␛[2J", "Jonas Nguyen", "Maria Schmidt", "Zoë Ångström"]
        row = next(r for r in _table(app).rows if r.cells["name"] == "Maria Schmidt")
        assert row.cells["company"] == "Hooli"
        assert row.cells["tags"] == "client, vip"
        assert row.cells["cadence"] == "monthly"
        assert row.cells["last"] == "never"


async def test_filter_as_you_type_with_terms(run_app, wait_for_workers):
    import datetime as dt

    from planner.services.schedule import pin

    ids = {c.name: c.id for c in list_contacts()}
    pin(ids["Jonas Nguyen"], dt.date(2026, 11, 25))  # today, a Wednesday
    pin(ids["Maria Schmidt"], dt.date(2026, 11, 27))  # this Friday
    pin(ids["Zoë Ångström"], dt.date(2026, 11, 30))  # next Monday
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash")
        await pilot.press(*"hoo")  # typed: every keystroke filters
        assert _names(app) == ["Maria Schmidt"]
        await pilot.press("backspace", "backspace", "backspace")
        assert len(_names(app)) == 4
        box = app.screen.query_one("#contacts-filter")
        for query, expected in [
            ("tag:cand", ["[bold]Mallory[/] ␛[2J", "Jonas Nguyen"]),
            ("zoe", ["Zoë Ångström"]),  # accents folded
            ("company:glob", ["Zoë Ångström"]),
            ("jonas@initech", ["Jonas Nguyen"]),  # emails
            ("mornings", ["Maria Schmidt"]),  # notes
            ("tag:client company:hooli", ["Maria Schmidt"]),
            ("due:today", ["Jonas Nguyen"]),
            ("due:week", ["Jonas Nguyen", "Maria Schmidt"]),  # by Sunday
            ("due:overdue", []),
        ]:
            box.value = query
            await pilot.pause()
            assert _names(app) == expected, query
        box.value = "due:soon"
        await pilot.pause()
        assert "due:overdue" in str(app.screen.query_one("#contacts-status").render())
        await pilot.press("enter")
        assert app.screen.focused is _table(app)


async def test_sort_by_columns_and_reverse(run_app):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("s")  # name -> company
        assert _names(app)[0] == "[bold]Mallory[/] ␛[2J"  # "[link=..." sorts before letters
        assert _names(app)[1:] == ["Zoë Ångström", "Maria Schmidt", "Jonas Nguyen"]
        await pilot.press("r")
        assert _names(app)[0] == "Jonas Nguyen"
        await pilot.press("s", "s")  # tags, then cadence: monthly first
        assert _names(app)[0] == "Maria Schmidt"


async def test_add_contact_with_inline_validation(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ContactForm)
        form.query_one("#cf-name").value = "Priya Patel"
        form.query_one("#cf-company").value = "Pied Piper"
        form.query_one("#cf-emails").value = "priya-at-example"
        form.query_one("#cf-cadence").value = "every now and then"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert "cadence" in str(form.query_one("#cf-cadence-error").render())
        form.query_one("#cf-cadence").value = "quarterly"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen is form
        assert "does not look like an address" in str(form.query_one("#cf-emails-error").render())
        assert [person for person in everyone() if person.name == "Priya Patel"] == []
        form.query_one("#cf-emails").value = "priya@piedpiper.example"
        form.query_one("#cf-tags").value = "client, vip"
        form.query_one("#cf-timezone").focus()
        await pilot.press(*"europe/ber")
        await wait_for_workers(app, pilot)
        await pilot.press("right")
        assert form.query_one("#cf-timezone").value == "Europe/Berlin"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ContactForm)
        view = next(v for v in list_contacts() if v.name == "Priya Patel")
        assert (view.company, view.emails, view.tags, view.own_cadence_days, view.timezone) == (
            "Pied Piper", ["priya@piedpiper.example"], ["client", "vip"], 91, "Europe/Berlin")
        assert _table(app).cursor_key == view.id


async def test_edit_keeps_untouched_hostile_fields_exact(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash", *"mallory", "enter", "e")
        form = app.screen
        assert isinstance(form, ContactForm)
        assert form.query_one("#cf-name").value == "[bold]Mallory[/] ␛[2J"  # shown literally
        form.query_one("#cf-title").value = "Pentester"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (row,) = [person for person in everyone() if person.title == "Pentester"]
        assert row.name == "[bold]Mallory[/] \x1b[2J"  # stored value untouched, not its display form
        assert row.notes == "hostile \x1b]0;pwned\x07 name"


async def test_archive_and_undo(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash", *"jonas", "enter", "d")
        await wait_for_workers(app, pilot)
        assert _jonas().archived_at is not None
        await pilot.press("escape")  # in the table, escape clears the filter
        assert app.screen.query_one("#contacts-filter").value == ""
        assert "Jonas Nguyen" not in _names(app) and len(_names(app)) == 3
        assert any("Archived Jonas Nguyen" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        await wait_for_workers(app, pilot)
        assert _jonas().archived_at is None
        assert "Jonas Nguyen" in _names(app)
        # archive again, then bring back from the archived list
        await pilot.press("slash", *"jonas", "enter", "d")
        await wait_for_workers(app, pilot)
        await pilot.press("a")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Jonas Nguyen"]
        await pilot.press("d")
        await wait_for_workers(app, pilot)
        assert _jonas().archived_at is None
        assert _names(app) == []


async def test_favour_from_the_table(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash", *"globex", "enter", "f")
        await pilot.press("r")  # received
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, FavorEntry)
        app.screen.query_one("#favor-note").value = "intro to Globex CTO"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (favor,) = favours()
        assert (favor.contact_name, favor.direction, favor.note) == (
            "Zoë Ångström", "received", "intro to Globex CTO")
        zoe = next(r for r in _table(app).rows if r.cells["name"] == "Zoë Ångström")
        assert zoe.cells["balance"] == "-1"


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Lena Fischer
ORG:Globex
EMAIL:lena@globex.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:;;;;
END:VCARD
"""


async def test_import_a_file_shows_the_report(run_app, wait_for_workers, tmp_path):
    path = tmp_path / "phone.vcf"
    path.write_text(VCARD)
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#import-path").value = str(tmp_path / "[/b] missing.vcf")  # markup in a path
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        error = str(dialog.query_one("#import-report").render())
        assert "Not imported" in error and "[/b] missing.vcf" in error
        dialog.query_one("#import-path").focus()
        dialog.query_one("#import-path").value = str(tmp_path / "p")
        await pilot.press("h")
        await wait_for_workers(app, pilot)
        await pilot.press("right")  # the folder's file name completes
        assert dialog.query_one("#import-path").value == str(path)
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        report = str(dialog.query_one("#import-report").render())
        assert "Added 1" in report and "skipped 1" in report and "line 7" in report
        await pilot.press("escape")
        await wait_for_workers(app, pilot)
        assert "Lena Fischer" in _names(app)


async def test_detail_screen_shows_everything_literally(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await pilot.press("slash", *"mallory", "enter", "enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        summary = str(app.screen.query_one("#detail-summary").render())
        assert "[bold]Mallory[/] ␛[2J" in summary
        assert "[link=file:///etc/passwd]y" in summary
        notes = str(app.screen.query_one("#detail-notes").render())
        assert "\x1b" not in notes and "␛]0;pwned␇" in notes
        await pilot.press("q")
        assert isinstance(app.screen.query_one("#contacts-table"), ContactTable)


async def test_hostile_name_never_reaches_the_terminal_raw(run_app, show_text):
    async with run_app(mode="contacts") as (app, pilot):
        shot = show_text(app)
        assert "[bold]Mallory[/]" in shot
        assert "\x1b[2J" not in shot and "␛[2J" in shot


async def test_narrow_terminal_keeps_the_essential_columns(run_app, show_text):
    async with run_app(mode="contacts", size=(80, 24)) as (app, pilot):
        shown = [column.key for column, _ in _table(app).visible_columns()]
        assert shown == ["name", "company", "last", "next", "balance"]
        text = show_text(app)
        assert "Maria Schmidt" in text and "Hooli" in text and "Next call" in text and "Tags" not in text


async def test_table_keeps_the_cursor_on_screen_over_many_rows():
    """The self-scrolling table on 1,000 rows: page keys, end, home, enter, wheel."""
    from textual.app import App

    from screens.widgets.contact_table import Column, Row

    class TableApp(App):
        def compose(self):
            yield ContactTable([Column("name", "Name")], id="t")

        def on_mount(self):
            self.selected = []
            table = self.query_one(ContactTable)
            table.set_rows([Row(i, {"name": f"Contact {i:04d}"}) for i in range(1000)])
            table.focus()

        def on_contact_table_selected(self, message):
            self.selected.append(message.contact_id)

    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ContactTable)
        await pilot.press("pagedown", "pagedown")
        assert table.cursor == 2 * (12 - 2)
        assert table.top <= table.cursor < table.top + table.visible_rows
        await pilot.press("end")
        assert table.cursor_key == 999 and table.top == 1000 - table.visible_rows
        lines = [table.render_line(y).text for y in range(12)]
        assert lines[-1].startswith("Contact 0999")
        await pilot.press("home", "down", "enter")
        assert app.selected == [1] and table.top == 0
        table.set_rows([Row(i, {"name": f"Contact {i:04d}"}) for i in range(0, 1000, 2)])
        assert table.cursor_key == 2  # contact 1 filtered out: the cursor keeps its place
