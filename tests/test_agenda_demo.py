"""The demo's history gives every agenda and ledger view something true to show."""

from __future__ import annotations

import datetime as dt

from planner.io.demo import build_demo
from planner.services.agenda import build_agenda, week_range
from planner.services.ledger import ledger_rows
from planner.store.models import Favor, Interaction, PlannedCall


def test_demo_history_fills_the_views(db_path):
    counts = build_demo(contacts=80, seed=3)
    assert counts["interactions"] == Interaction.select().count() > 80
    assert counts["favours"] == Favor.select().count() > 10
    assert ledger_rows(owed=True), "some thank-yous are owed past their due day"
    assert len(ledger_rows(one_way=True)) >= 4
    assert ledger_rows(give_back=True)
    today = dt.date(2026, 11, 25)
    assert Interaction.select().where(Interaction.happened_at >= dt.datetime(2026, 11, 26)).count() == 0
    pinned_follow_ups = PlannedCall.select().where(PlannedCall.reason == "follow-up", PlannedCall.pinned == True)
    assert pinned_follow_ups.count() >= 1
    open_tasks = PlannedCall.select().where(PlannedCall.reason == "thank-you").count()
    assert open_tasks == Favor.select().where(Favor.direction == "received", Favor.thanked_at.is_null()).count()
    agenda = build_agenda(*week_range("this", base=today))
    assert agenda.thank_yous and any(items for _, items in agenda.days)
    assert any(item.last_summary for item in agenda.items)


def test_demo_is_reproducible(tmp_path):
    from planner.store.connect import open_database
    from planner.store.database import close_database

    summaries = []
    for name in ("a.db", "b.db"):
        open_database(tmp_path / name)
        build_demo(contacts=30, seed=11)
        rows = Interaction.select().order_by(Interaction.id)
        summaries.append([(i.contact_id, i.kind, i.outcome, i.summary) for i in rows])
        close_database()
    assert summaries[0] == summaries[1]
