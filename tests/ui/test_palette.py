"""The command palette is global: from any screen it offers every action of every main screen
(switching there and running it), and "go to contact…" jumps to anyone by name, same-name people
told apart by company and title, never by an id."""

from __future__ import annotations

import time

import pytest
from textual.command import CommandPalette
from ui_steps import settle, until

from planner.services.contact_lookup import find_contacts
from planner.services.contacts import ContactFields, add_contact, list_contacts

SMALL = (80, 24)


def _palette_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def _choose(app, pilot, typed: str, shown: str) -> None:
    """Open the palette, type, wait until `shown` is listed, and take the first hit."""
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    await until(pilot, lambda: shown in _palette_text(app))
    await pilot.pause(0.3)  # the contact search of the same letters has answered too
    await pilot.press("enter")
    await settle(app, pilot)


async def test_another_screens_action_switches_there_and_runs(app_db, run_app):
    from screens.dialogs.contact_form import ContactForm

    async with run_app(mode="ledger", size=SMALL) as (app, pilot):
        await _choose(app, pilot, "contacts: new", "Contacts: New")
        assert app.current_mode == "contacts"
        assert isinstance(app.screen, ContactForm)


@pytest.mark.parametrize("mode", ["agenda", "contacts", "ledger", "plan"])
async def test_every_screens_actions_are_listed_from_each_screen(app_db, run_app, mode):
    from screens.commands import FollowupCommands

    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        titles = {title for title, _, _ in FollowupCommands(app.screen)._commands()}
    wanted = {"agenda": "Log call", "contacts": "Import", "ledger": "Filter: thanks owed", "plan": "Block days"}
    for other, action in wanted.items():
        label = other.capitalize()
        assert (action if other == mode else f"{label}: {action}") in titles, (mode, other)
    assert "Go to contact…" in titles
    assert not any(title.endswith((": First row", ": Last row", ": Down", ": Up")) for title in titles)


async def test_go_to_contact_opens_their_detail_from_any_screen(app_db, run_app):
    from screens.contact_detail import ContactDetailScreen

    async with run_app(mode="plan", size=SMALL) as (app, pilot):
        await _choose(app, pilot, "go to contact", "Go to contact…")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"zoe")  # accents folded
        await until(pilot, lambda: "Zoë Ångström" in _palette_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        zoe = next(c.id for c in list_contacts() if c.name.startswith("Zoë"))
        assert app.screen.contact_id == zoe
        await pilot.press("q")
        await settle(app, pilot)
        assert app.current_mode == "plan" and not isinstance(app.screen, ContactDetailScreen)


async def test_names_are_found_fuzzily_in_the_main_palette_and_shown_as_text(app_db, run_app):
    from screens.contact_detail import ContactDetailScreen

    async with run_app(mode="agenda", size=SMALL) as (app, pilot):
        await _choose(app, pilot, "mschm", "Maria Schmidt")  # letters in order, not a word
        assert isinstance(app.screen, ContactDetailScreen)
        await pilot.press("q")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"mallory")
        await until(pilot, lambda: "[bold]Mallory[/]" in _palette_text(app))  # literally, never markup


async def test_same_names_are_told_apart_by_company_and_title(app_db, run_app):
    add_contact(ContactFields(name="Maria Schmidt", company="Initech", title="Recruiter"))
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"maria schmidt")
        await until(pilot, lambda: "Maria Schmidt (Initech · Recruiter)" in _palette_text(app))
        text = _palette_text(app)
        assert "Maria Schmidt (Hooli · Head of Talent)" in text
        ids = {str(c.id) for c in list_contacts()}
        shown = {word.strip("()#·") for line in text.splitlines() if "Maria" in line for word in line.split()}
        assert not shown & ids  # no internal id anywhere


def test_finding_a_contact_is_one_bounded_query(app_db):
    from planner.store.models import Contact

    rows = [{"name": f"Person {n:06d}", "company": "Acme", "title": "", "search_text": f"person {n:06d}\nacme"}
            for n in range(20_000)]
    for start in range(0, len(rows), 500):
        Contact.insert_many(rows[start:start + 500]).execute()
    started = time.perf_counter()
    found = find_contacts("person")
    took = time.perf_counter() - started
    assert len(found) == 200 and found[0].name == "Person 000000"
    assert took < 1.0, f"{took:.2f}s for 20k contacts"
    assert [c.name for c in find_contacts("zoe ang")] == ["Zoë Ångström"]
    assert [c.name for c in find_contacts("zngst")] == ["Zoë Ångström"]  # letters in order
    assert find_contacts("%") == [] and find_contacts("   ") == []
