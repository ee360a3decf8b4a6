"""Relationships in the app, at 80x24 on a real SQLite file: facts and placements in view during a
call, the be-present nudge in the quick-log, starting a sequence from the quick-log and the
contact screen, merging a likely duplicate (and undoing it) from the contacts screen, and the
repeat-business report from the command palette."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from factories import everyone, logged
from textual.widgets import Select, TextArea
from ui_text import screen_text

from planner.services.contacts import ContactFields, add_contact, get_view
from planner.services.facts import add_fact
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.placements import record_placement
from planner.services.presence import nudges
from planner.services.sequences import runs_for
from screens.contact_detail import ContactDetailScreen
from screens.dialogs.confirm_merge import ConfirmMerge
from screens.dialogs.sequence_event import SequenceEventDialog
from screens.quick_log import QuickLogScreen
from screens.report import ReportScreen
from screens.widgets.contact_panel import ContactPanel
from screens.widgets.contact_table import ContactTable

SMALL = (80, 24)


def _id(name: str) -> int:
    return next(view.id for view in everyone() if view.name == name)


def _placements_for_maria() -> None:
    maria = _id("Maria Schmidt")
    record_placement(_id("Jonas Nguyen"), maria, dt.date(2024, 5, 6), role="Engineer", fee=Decimal("12000"))
    record_placement(_id("Zoë Ångström"), maria, dt.date(2025, 2, 3))
    record_placement(add_contact(ContactFields(name="Pia Lind", kind="candidate")).id, maria, dt.date(2026, 10, 5))


def _notes(app) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def _highlight(app, pilot, words: str) -> None:
    await pilot.press("slash", *words, "enter")
    assert isinstance(app.screen.focused, ContactTable)


async def test_facts_and_placements_in_view_in_the_quick_log_and_the_contact_screen(app_db, run_app,
                                                                                   wait_for_workers):
    maria = _id("Maria Schmidt")
    add_fact(maria, "kids: Ana, 7")
    add_fact(maria, "runs marathons [/b]")
    _placements_for_maria()
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "hooli")
        await pilot.press("l")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)
        text = screen_text(app)
        top = "\n".join(text.splitlines()[:8])  # at the top, in view while talking
        assert "3 placements since 2024" in top
        assert "Remember kids: Ana, 7 · runs marathons [/b]" in top
        assert app.screen.focused is not None and app.screen.focused.id == "ql-notes"  # the notes still have the focus
        await pilot.press("escape")  # nothing typed: closes
        await wait_for_workers(app, pilot)
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        text = screen_text(app)
        assert "3 placements since 2024" in text
        assert "Remember kids: Ana, 7 · runs marathons [/b]" in text


async def test_the_contact_panel_puts_facts_and_placements_first(app_db, run_app, wait_for_workers):
    maria = _id("Maria Schmidt")
    add_fact(maria, "kids: Ana, 7")
    _placements_for_maria()
    # the side panel folds away below 100 columns; it is shown on a wider terminal
    async with run_app(mode="agenda", size=(120, 32)) as (app, pilot):
        panel = app.screen.query_one(ContactPanel)
        panel.show(maria, force=True)
        await wait_for_workers(app, pilot)
        assert panel.data is not None and panel.data.facts == ["kids: Ana, 7"]
        lines = str(panel.query_one("#panel-body").render()).splitlines()
        assert lines[:4] == ["Maria Schmidt", "Head of Talent · Hooli", "3 placements since 2024",
                             "• kids: Ana, 7"]


async def test_the_ledger_names_the_placements_of_the_highlighted_contact(app_db, run_app, wait_for_workers):
    from planner.services.ledger import add_favor

    maria = _id("Maria Schmidt")
    add_favor(maria, "gave", "referral", note="intro")
    _placements_for_maria()
    async with run_app(mode="ledger", size=SMALL) as (app, pilot):
        await wait_for_workers(app, pilot)
        assert "Favours with Maria Schmidt (1) · 3 placements since 2024" in screen_text(app)


async def test_only_written_touches_the_quick_log_says_call_them_and_is_a_call(app_db, run_app, wait_for_workers):
    jonas = _id("Jonas Nguyen")
    for days, kind in ((20, "email"), (12, "message"), (5, "email")):
        at = dt.datetime(2026, 11, 25 - days, 10, tzinfo=dt.UTC)
        log_interaction(LogRequest(jonas, summary="wrote", kind=kind, outcome="spoke", at=at))
    assert jonas in nudges([jonas])
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "jonas")
        await pilot.press("l")
        await wait_for_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuickLogScreen)
        text = screen_text(app)
        assert "only emails and messages since November: call them" in text
        assert "[call]" in text and screen.kind == "call"
        await pilot.press(*"Caught up live")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
    assert logged()[0].kind == "call"
    assert nudges([jonas]) == {}  # the call ends the run of written touches


async def test_start_a_sequence_from_the_quick_log_keeps_the_note(app_db, run_app, wait_for_workers):
    jonas = _id("Jonas Nguyen")
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "jonas")
        await pilot.press("l")
        await wait_for_workers(app, pilot)
        await pilot.press(*"He started at Initech")
        await pilot.press("ctrl+b")
        await wait_for_workers(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SequenceEventDialog)
        assert "Start a sequence for Jonas Nguyen" in screen_text(app)
        dialog.query_one("#sequence-kind", Select).value = "new-job"
        dialog.query_one("#sequence-day").focus()
        await pilot.press("home", "ctrl+k", *"2026-11-23")
        assert "Mon 23 Nov 2026" in screen_text(app)
        dialog.query_one("#sequence-note").focus()
        await pilot.press(*"Initech", "enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)  # back to the note, nothing lost
        assert app.screen.query_one("#ql-notes", TextArea).text == "He started at Initech"
    (run,) = runs_for(jonas)
    assert (run.sequence, run.event_date, run.note) == ("new-job", dt.date(2026, 11, 23), "Initech")
    assert run.running


async def test_start_a_sequence_from_the_contact_screen_refuses_a_bad_day_in_place(app_db, run_app,
                                                                                 wait_for_workers):
    maria = _id("Maria Schmidt")
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "hooli")
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        await pilot.press("s")
        await wait_for_workers(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SequenceEventDialog)
        dialog.query_one("#sequence-kind", Select).value = "deal-closed"
        dialog.query_one("#sequence-day").focus()
        await pilot.press("home", "ctrl+k", *"2040-01-01", "enter")
        await wait_for_workers(app, pilot)
        assert app.screen is dialog  # stays open, says why
        assert "more than 3 years from today" in screen_text(app)
        assert runs_for(maria) == []
        await pilot.press("home", "ctrl+k", *"friday", "enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
    (run,) = runs_for(maria)
    assert (run.sequence, run.event_date) == ("deal-closed", dt.date(2026, 11, 27))


async def test_m_merges_a_likely_duplicate_after_naming_both_and_u_undoes_it(app_db, run_app, wait_for_workers):
    twin = add_contact(ContactFields(name="Maria Schmit", company="Hooli", title="Talent Lead",
                                     emails=["maria@hooli.example", "m.schmidt@mail.example"])).id
    maria = _id("Maria Schmidt")
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "maria schmidt")
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ConfirmMerge)
        text = screen_text(app)
        assert "same email maria@hooli.example" in text
        assert "Maria Schmidt · Head of Talent · Hooli" in text
        assert "Maria Schmit · Talent Lead · Hooli" in text
        shown = "".join(str(line.render()) for line in app.screen.query(".dialog-detail"))
        assert not re.search(rf"\b({maria}|{twin})\b", shown)  # never ids
        assert text.index("Keep") < text.index("Maria Schmidt ·") < text.index("Merge in") < text.index("Schmit ·")
        await pilot.press("y")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ConfirmMerge)
        assert [v.name for v in everyone() if "Maria" in v.name] == ["Maria Schmidt"]
        assert "m.schmidt@mail.example" in get_view(maria).emails
        assert "Merged Maria Schmit into Maria Schmidt · u to undo" in _notes(app)
        await pilot.press("u")
        await wait_for_workers(app, pilot)
        assert sorted(v.name for v in everyone() if "Maria" in v.name) == ["Maria Schmidt", "Maria Schmit"]
        assert get_view(maria).emails == ["maria@hooli.example"]
        assert get_view(twin).emails == ["maria@hooli.example", "m.schmidt@mail.example"]


async def test_m_can_keep_the_other_one_and_says_when_there_is_no_duplicate(app_db, run_app, wait_for_workers):
    twin = add_contact(ContactFields(name="Maria Schmit", company="Hooli", emails=["maria@hooli.example"])).id
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "jonas")
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ConfirmMerge)
        assert "No likely duplicate of Jonas Nguyen" in _notes(app)
        await pilot.press("escape")  # clear the filter
        await _highlight(app, pilot, "maria schmidt")
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        await pilot.press("x")  # keep the other one
        text = screen_text(app)
        assert text.index("Keep") < text.index("Maria Schmit ·") < text.index("Merge in")
        await pilot.press("y")
        await wait_for_workers(app, pilot)
    assert [v.id for v in everyone() if "Maria" in v.name] == [twin]


async def test_the_merge_dialogs_buttons_answer_as_its_keys_and_swap_leaves_it_open(app_db, run_app,
                                                                                      wait_for_workers):
    """Swap (x or its button) only changes which one is kept; the safe answer has the focus, so an
    enter pressed by habit leaves both; Merge merges the one now shown under "Merge in"."""
    twin = add_contact(ContactFields(name="Maria Schmit", company="Hooli", emails=["maria@hooli.example"])).id
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _highlight(app, pilot, "maria schmidt")
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmMerge) and dialog.focused.id == "merge-cancel"
        await pilot.click("#merge-swap")
        assert app.screen is dialog
        text = screen_text(app)
        assert text.index("Keep") < text.index("Maria Schmit ·") < text.index("Merge in") < text.index("Schmidt ·")
        await pilot.press("x")  # and back
        text = screen_text(app)
        assert text.index("Keep") < text.index("Maria Schmidt ·") < text.index("Merge in") < text.index("Schmit ·")
        await pilot.click("#merge-swap")
        dialog.query_one("#merge-cancel").focus()
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ConfirmMerge)
        assert sorted(v.name for v in everyone() if "Maria" in v.name) == ["Maria Schmidt", "Maria Schmit"]
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        await pilot.press("x")
        await pilot.click("#merge-ok")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, ConfirmMerge)
    assert [v.id for v in everyone() if "Maria" in v.name] == [twin]


async def test_the_repeat_business_report_from_the_palette(app_db, run_app, wait_for_workers):
    _placements_for_maria()
    globex = _id("Zoë Ångström")
    record_placement(_id("Jonas Nguyen"), globex, dt.date(2026, 11, 2))
    log_interaction(LogRequest(_id("Maria Schmidt"), summary="check-in", at=dt.datetime(2026, 11, 20, 9,
                                                                                           tzinfo=dt.UTC)))
    async with run_app(mode="agenda", size=SMALL) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"repeat business")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        text = screen_text(app)
        assert "Repeat clients (1)" in text
        assert "Maria Schmidt · Hooli · 3 placements since 2024" in text
        assert "Not contacted since their last placement (1)" in text
        assert "Zoë Ångström · Globex · placement 2026-11-02 · last contact never" in text
        assert "2024-05    1 · fees 12,000.00" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)
