"""The demo shows the relationships beyond the cadence: placements with running sequences,
birthdays this week, a referral chain with its second thank-you, a be-present nudge and a few
contacts entered twice."""

from __future__ import annotations

import datetime as dt

from planner.core.errors import Ambiguous
from planner.core.textsafe import fold
from planner.io.demo import build_demo
from planner.services import referrals
from planner.services.agenda import build_agenda, week_range
from planner.services.contacts import resolve
from planner.services.duplicates import find_duplicates
from planner.services.ledger import contact_ledger
from planner.services.placements import placements
from planner.services.sequences import runs_for
from planner.store.models import Contact, Favor


def test_the_demo_shows_sequences_dates_referrals_presence_and_duplicates(db_path):
    counts = build_demo(contacts=80, seed=3)
    assert counts["contacts"] == 80  # the people entered twice are among the 80 asked for
    assert counts["placements"] == len(placements()) == 3
    running = runs_for(running_only=True)
    assert len(running) == 4  # candidate and client of this week's and last month's placements
    assert any(step.state == "done" for run in running for step in run.steps)
    today = dt.date(2026, 11, 25)
    week = build_agenda(*week_range("this", base=today))
    fortnight = build_agenda(today, today + dt.timedelta(days=13))
    assert any(item.reason == "sequence" and item.why.startswith("Placement") for item in fortnight.items)
    assert [item for item in week.items if item.kind == "date" and item.why.startswith("Birthday")]
    assert any(item.nudge.startswith("only emails since") for item in fortnight.items + week.overdue)
    chained = Favor.select().where(Favor.referred.is_null(False)).first()
    favors = contact_ledger(chained.contact_id)
    chain = referrals.chains(favors)
    assert any(" → placed at " in text for text in chain.values())
    assert any(item.kind == "thank-you" and "was placed" in item.why for item in fortnight.items)
    twins = [pair for pair in find_duplicates() if pair.score >= 98]
    assert len(twins) >= 3



def test_the_demo_s_second_entries_are_found_by_name_like_everyone(db_path):
    build_demo(contacts=80, seed=3)
    rows = list(Contact.select(Contact.id, Contact.name, Contact.search_text, Contact.source).tuples())
    assert all(text.split("\n", 1)[0] == fold(name) for _, name, text, _ in rows)  # what `show NAME` probes
    twins = [(cid, name) for cid, name, _, source in rows if source == "vcard"]
    assert len(twins) == 3
    for cid, name in twins:  # each is found, or named among the people who share its name
        try:
            assert resolve(name) == cid
        except Ambiguous as question:
            assert f"{cid} " in str(question)
