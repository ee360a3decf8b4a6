"""Two people with one name are told apart by company and title in the contact picker (the
quick-log's contact field), never by an internal id; logging reaches the one picked."""

from __future__ import annotations

import re

from ui_steps import settle
from ui_text import screen_text

from planner.services.contacts import ContactFields, add_contact
from planner.services.interactions.records import history


async def test_same_name_contacts_are_told_apart_by_company_and_title(app_db, run_app):
    from textual.widgets import Input

    from screens.quick_log import QuickLogScreen

    hooli = add_contact(ContactFields(name="Alex Kim", company="Hooli", title="Recruiter")).id
    initech = add_contact(ContactFields(name="Alex Kim", company="Initech", title="Engineer")).id
    async with run_app(mode="plan", size=(80, 24)) as (app, pilot):
        await pilot.press("ctrl+l")  # the plan highlights no one: the form asks who
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, QuickLogScreen)
        await pilot.press(*"alex kim")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Alex Kim (Hooli · Recruiter)" in text and "Alex Kim (Initech · Engineer)" in text
        assert not re.search(rf"\b({hooli}|{initech})\b", form.query_one("#ql-matches").render().plain)
        # the bare name names two people: saving says who they are and stays
        await pilot.press("ctrl+n", *"notes", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "Alex Kim (Hooli · Recruiter)" in screen_text(app)
        box = form.query_one("#ql-contact", Input)
        box.focus()
        await pilot.press("end", *" (i", "right")  # → accepts the completion
        await settle(app, pilot)
        assert box.value == "Alex Kim (Initech · Engineer)"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
    assert [i.summary for i in history(initech)] == ["notes"] and history(hooli) == []
