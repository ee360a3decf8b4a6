"""At 80x24 (a plain SSH window): the contact form is usable field by field, and every screen's
footer shows its keys whole."""

from __future__ import annotations

import pytest

from planner.services.contacts import list_contacts
from screens.contact_detail import ContactDetailScreen
from screens.dialogs.contact_form import ContactForm
from screens.widgets.keys_footer import KeysFooter

SIZE = (80, 24)
FORM_ORDER = ["cf-name", "cf-company", "cf-title", "cf-emails", "cf-phones", "cf-tags", "cf-cadence",
              "cf-timezone", "cf-kind", "cf-notes", "cf-save", "cf-cancel"]


def _assert_focus_visible(app, form: ContactForm) -> str:
    focused = app.focused
    visible = form.query_one("#contact-form").scrollable_content_region
    assert focused is not None
    assert focused.region.area > 0 and visible.contains_region(focused.region), (
        f"#{focused.id} at {focused.region} is outside the form's visible {visible}")
    return focused.id


async def _tab_through(app, pilot, form: ContactForm, key: str) -> list[str]:
    seen = []
    for _ in FORM_ORDER:
        seen.append(_assert_focus_visible(app, form))
        await pilot.press(key)
    return seen


async def test_contact_form_every_field_reachable_and_visible_at_80x24(run_app, wait_for_workers):
    async with run_app(mode="contacts", size=SIZE) as (app, pilot):
        await pilot.press("n")
        await wait_for_workers(app, pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        assert await _tab_through(app, pilot, form, "tab") == FORM_ORDER
        assert app.focused.id == "cf-name"  # round again

        # A rejected value adds error lines: the form no longer fits and has to follow the focus.
        form.query_one("#cf-name").value = "Priya Patel"
        form.query_one("#cf-timezone").value = "Mars/Olympus"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.focused.id == "cf-timezone"
        assert form.query_one("#cf-timezone-error").region.area > 0  # the message is on screen
        assert form.query_one("#contact-form").max_scroll_y > 0
        backwards = await _tab_through(app, pilot, form, "shift+tab")
        assert sorted(backwards) == sorted(FORM_ORDER)

        # The last field, typed into after tabbing there, is saved.
        form.query_one("#cf-timezone").value = ""
        form.query_one("#cf-name").focus()
        while app.focused.id != "cf-notes":
            await pilot.press("tab")
        _assert_focus_visible(app, form)
        await pilot.press(*"met at PyCon")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ContactForm)
    view = next(v for v in list_contacts() if v.name == "Priya Patel")
    assert view.notes == "met at PyCon"


async def test_edit_form_fits_80x24_without_scrolling(run_app, wait_for_workers):
    async with run_app(mode="contacts", size=SIZE) as (app, pilot):
        await pilot.press("slash", *"hooli", "enter", "e")
        await wait_for_workers(app, pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        assert form.query_one("#cf-notes").text == "Prefers mornings"
        assert form.query_one("#contact-form").max_scroll_y == 0  # the whole contact at one glance


# The keys a person needs on each screen without opening `?` (everything else is there and in
# the palette). "1234 Screens" is the mode group; ctrl+q shows as ^q.
ESSENTIAL = {
    "agenda": ["l Log call", "s Snooze", "x Skip", "t Mark thanked"],
    "contacts": ["/ Filter", "n New", "e Edit", "l Log", "i Import"],
    "ledger": ["f Gave a favour", "r Received a favour"],
    "plan": ["b Block days", "d Remove block", "r Rebalance"],
    "detail": ["esc Back", "l Log", "e Edit", "f Favour"],
}
EVERYWHERE = ["1234 Screens", "? Keys", "^q Quit"]


@pytest.mark.parametrize("screen", list(ESSENTIAL))
async def test_footer_shows_its_keys_whole_at_80_columns(run_app, wait_for_workers, show_text, screen):
    async with run_app(mode="contacts" if screen == "detail" else screen, size=SIZE) as (app, pilot):
        if screen == "detail":
            await pilot.press("enter")
            await wait_for_workers(app, pilot)
            assert isinstance(app.screen, ContactDetailScreen)
        keys = app.screen.query_one(KeysFooter).shown()
        assert keys
        bottom = show_text(app).splitlines()[-1]
        for key in keys.values():  # every key it offers fits, whole
            label = f"{key.display} {key.description}" if key.description else key.display
            assert label in bottom, f"{label!r} missing from {bottom!r}"
        for label in ESSENTIAL[screen] + EVERYWHERE:
            assert label in bottom, f"{label!r} missing from {bottom!r}"
