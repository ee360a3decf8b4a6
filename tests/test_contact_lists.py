"""Lists of contacts read in one set-based query (contact_views.iter_views / iter_rows) show what
each contact's own view shows: emails and phones in their order, tags, the cadence that applies,
last reach, next call, the ledger's balance and flags, live touches; by folded name (Ève with E);
the first page alone is the start of the whole list; the vCard export carries dates that matter.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories import new_contact

from planner.io.exports.contacts import render
from planner.services.contact_views import ContactView, iter_views, load_views
from planner.services.contacts import iter_contact_records, iter_contacts, list_rows, set_archived
from planner.services.important_dates import add_date
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.ledger import add_favor
from planner.store.database import write_tx
from planner.store.models import Contact

pytestmark = pytest.mark.engines


@pytest.fixture
def people(db_path):
    maria = new_contact("Maria Schmidt", company="Hooli", emails=["b@hooli.example", "a@hooli.example"],
                        phones=["+49 2", "+49 1"], tags=["vip", "client"], notes="line one\nline two")
    eve = new_contact("Ève Durand", company="Globex", tags=["client"])
    zed = new_contact("Zed", cadence_days=None)
    new_contact("adam", company="")
    gone = new_contact("Gone Person")
    set_archived(gone, True)
    log_interaction(LogRequest(maria, "spoke", at=dt.datetime(2026, 11, 2, 9, 30)))
    log_interaction(LogRequest(maria, "emailed", kind="email", at=dt.datetime(2026, 11, 3, 9)))
    add_favor(maria, "received", "intro", weight=2, day=dt.date(2026, 11, 1))
    add_favor(maria, "received", "referral", day=dt.date(2026, 10, 1))
    add_favor(eve, "gave", "intro", day=dt.date(2026, 9, 1))
    add_date(eve, "birthday", "1985-03-12")
    add_date(eve, "work-anniversary", "--04-01")
    return {"maria": maria, "eve": eve, "zed": zed, "gone": gone}


def test_one_query_lists_what_each_contacts_own_view_shows(people):
    every = list(iter_views())
    assert [v.name for v in every] == ["adam", "Ève Durand", "Gone Person", "Maria Schmidt", "Zed"]
    one_by_one = {v.id: v for v in load_views(Contact.select())}
    for view in every:
        assert view == one_by_one[view.id]
        assert list(vars(view)) == [f.name for f in dataclasses.fields(ContactView)]  # every field, in order
    maria = next(v for v in every if v.id == people["maria"])
    assert (maria.emails, maria.phones, maria.tags) == (["b@hooli.example", "a@hooli.example"], ["+49 2", "+49 1"],
                                                        ["client", "vip"])
    assert maria.balance == -3 and maria.owes_thanks and maria.live_share == 0.5
    assert maria.last_contacted is not None and maria.next_call is not None
    (gone,) = iter_views('c."archived_at" IS NOT NULL')
    assert gone == one_by_one[people["gone"]]


def test_json_records_are_each_views_own_json(people):
    """`contacts --json` writes records made straight from the rows: each is its view's
    `to_json`, key for key and in the same order, for every filter the command takes."""
    for filters in ({}, {"archived": True}, {"search": "hooli"}, {"tag": "client"}, {"search": "nobody"}):
        records = list(iter_contact_records(**filters))
        expected = [view.to_json() for view in iter_contacts(**filters)]
        assert records == expected
        assert [list(record) for record in records] == [list(record) for record in expected]
    maria = next(r for r in iter_contact_records() if r["id"] == people["maria"])
    assert maria["balance"] == -3 and maria["owes_thanks"] and maria["live_share"] == 0.5
    assert maria["last_contacted"].startswith("2026-11-03") and isinstance(maria["created_at"], str)


def test_table_rows_and_their_first_page(people):
    rows = list(list_rows())
    assert [r[1] for r in rows] == ["adam", "Ève Durand", "Maria Schmidt", "Zed"]
    maria = next(r for r in rows if r[0] == people["maria"])
    assert maria[3] == ["client", "vip"] and maria[7] == -3 and "line two" in maria[8]
    assert list(list_rows(limit=2)) == rows[:2]
    assert [r[1] for r in list_rows(search="hooli vip")] == ["Maria Schmidt"]
    assert [r[1] for r in list_rows(tag="client")] == ["Ève Durand", "Maria Schmidt"]
    assert [r[1] for r in list_rows(archived=True)] == ["Gone Person"]


def test_a_first_page_is_by_folded_name_even_where_a_stored_search_line_is_not(people):
    """The first page is read by each contact's stored folded name (the first line of its search
    text); a row whose line is not its folded name (written by something that forgot it) does
    not move the page away from the start of the whole list."""
    with write_tx():
        Contact.update(search_text="aaron\nsomewhere").where(Contact.id == people["zed"]).execute()
    rows = list(list_rows())
    assert [r[1] for r in rows] == ["adam", "Ève Durand", "Maria Schmidt", "Zed"]
    for limit in (1, 2, 4, 10):
        assert list(list_rows(limit=limit)) == rows[:limit]
    assert list(list_rows(archived=True, limit=1)) == list(list_rows(archived=True))


def test_vcard_export_of_everyone_carries_their_dates(people):
    cards = render("vcard").split("END:VCARD")
    assert len(cards) == 6  # everyone, archived included, and what follows the last card
    (eve,) = [card for card in cards if "FN:Ève Durand" in card]
    assert "BDAY:1985-03-12" in eve
    assert "X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:--04-01" in eve
    assert sum("BDAY" in card for card in cards) == 1


def test_stored_moments_read_as_iso_text_are_what_their_datetimes_write():
    """`contacts --json` turns SQLite's moment text into ISO without parsing it: the same text as
    reading the moment and writing it, with and without microseconds, and the long way otherwise."""
    from planner.services.contact_views import _iso_moment

    moment = dt.datetime(2026, 12, 6, 1, 24, 59, 683309)
    for value in (moment, moment.replace(microsecond=0), moment.replace(microsecond=7)):
        for text in (str(value), value.isoformat(), value.isoformat(" ", "microseconds"),
                     value.isoformat(" ", "milliseconds")):
            assert _iso_moment(text) == dt.datetime.fromisoformat(text).isoformat(), text
        assert _iso_moment(value) == value.isoformat()
    assert _iso_moment(None) is None
