"""The Contacts screen's in-memory index (screens/contact_filter.py): contacts read from a real
file become columns, and what the filter leaves and the sort orders is what a person expects:
every term must match, `tag:` is a prefix of a tag, `company:` part of the company, `due:` the
next call; each sort key orders by its column and then by name (Ève with E), the same names
keeping their order whichever way it is reversed; the table finds a contact by id without walking
row objects."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import FIXED_TODAY, new_contact

from planner.core import dates
from planner.core.textsafe import fold
from planner.services.contacts import list_rows
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.ledger import add_favor
from screens.contact_filter import SORT_KEYS, FilterError, filter_rows, load_rows, sort_rows


@pytest.fixture
def index(db_path):
    dates.set_today(FIXED_TODAY)
    ids = {
        "maria": new_contact("Maria Schmidt", company="Hooli", tags=["vip", "client"], cadence_days=30),
        "maria2": new_contact("maria schmidt", company="Initech", tags=["client"], cadence_days=90),
        "eve": new_contact("Ève Durand", company="Hooli", tags=["candidate"], cadence_days=60,
                           notes="met at PyCon"),
        "adam": new_contact("adam", company="", tags=[], cadence_days=None),
        "zed": new_contact("Zed Åberg", company="Globex", tags=["vip"], cadence_days=30),
    }
    three_days_ago = dt.datetime.combine(FIXED_TODAY, dt.time(9)) - dt.timedelta(days=3)
    log_interaction(LogRequest(ids["eve"], "spoke", at=three_days_ago))
    add_favor(ids["zed"], "received", "intro")
    return ids, load_rows(list_rows(), dates.today())


def _names(rows) -> list[str]:
    return [row.name for row in rows]


def test_rows_come_by_folded_name_and_are_found_by_id(index):
    ids, rows = index
    assert _names(rows) == ["adam", "Ève Durand", "Maria Schmidt", "maria schmidt", "Zed Åberg"]
    assert rows.index_of_key(ids["zed"]) == 4 and rows.index_of_key(-1) is None
    narrowed = filter_rows(rows, "hooli", FIXED_TODAY)
    assert narrowed.index_of_key(ids["maria"]) == 1 and narrowed.index_of_key(ids["zed"]) is None
    maria = rows[2]
    assert (maria.key, maria.company_name, maria.cells["tags"], maria.cells["cadence"]) == (
        ids["maria"], "Hooli", "client, vip", "monthly")
    assert rows[0].cells["cadence"] == "none" and rows[0].cells["last"] == "never"


def test_every_term_must_match(index):
    _, rows = index
    today = FIXED_TODAY
    assert _names(filter_rows(rows, "maria", today)) == ["Maria Schmidt", "maria schmidt"]
    assert _names(filter_rows(rows, "maria hooli", today)) == ["Maria Schmidt"]
    assert _names(filter_rows(rows, "eve pycon", today)) == ["Ève Durand"]  # folded, notes included
    assert _names(filter_rows(rows, "tag:cl", today)) == ["Maria Schmidt", "maria schmidt"]
    assert _names(filter_rows(rows, "tag:ip", today)) == []  # a prefix of a tag, not any part
    assert _names(filter_rows(rows, "company:oo", today)) == ["Ève Durand", "Maria Schmidt"]
    sunday = today + dt.timedelta(days=6 - today.weekday())
    next_calls = {row[1]: row[6] for row in list_rows()}
    assert _names(filter_rows(rows, "due:week", today)) == [
        name for name in _names(rows) if next_calls[name] is not None and next_calls[name] <= sunday]
    assert _names(filter_rows(rows, "due:overdue", today)) == [
        name for name in _names(rows) if next_calls[name] is not None and next_calls[name] < today]
    with pytest.raises(FilterError):
        filter_rows(rows, "due:someday", today)


def _reference(rows, key: str, reverse: bool) -> list[str]:
    """The order the screen sorted its rows in before they were columns: the column, then the
    folded name; a stable sort of the rows by name."""
    def column(row):
        cells = row.cells
        return {"name": (fold(row.name), row.key), "company": (row.company_name == "", fold(row.company_name)),
                "tags": (not cells["tags"], tuple(fold(t) for t in cells["tags"].split(", ") if t)),
                "balance": (int(cells["balance"]),)}[key]
    plain = list(rows)
    return [row.name for row in sorted(plain, key=lambda row: (*column(row), fold(row.name)), reverse=reverse)]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("key", ["name", "company", "tags", "balance"])
def test_sorts_by_the_column_then_the_name(index, key, reverse):
    _, rows = index
    assert _names(sort_rows(rows, key, reverse)) == _reference(rows, key, reverse)


def test_every_sort_key_keeps_everyone(index):
    ids, rows = index
    for key in SORT_KEYS:
        assert sorted(row.key for row in sort_rows(rows, key)) == sorted(ids.values())
    assert _names(sort_rows(rows, "last", True))[0] == "Ève Durand"  # the one reached lately
    assert _names(sort_rows(rows, "cadence"))[-1] == "adam"  # no cadence last


def test_texts_kept_in_one_buffer_are_searched_like_strings():
    """Names and search texts are one UTF-8 buffer: a word is found in a text exactly when
    `word in text` (never across two texts, accents and other scripts included), whether few
    texts have it (one search of the buffer) or most do (one bounded search per text), in the
    order the positions come in."""
    from array import array

    from screens.packed_text import Texts

    words = ["anna", "bob", "zoë", "日本", "", "ab", "a\nb", "müller\nhooli", "anna b", "x" * 40]
    texts = [words[i % len(words)] + ("\nrare" if i == 70 else "") + f"\n{i}" for i in range(200)]
    kept = Texts()
    for text in texts:
        kept.append(text)
    assert [kept[i] for i in range(len(texts))] == texts
    orders = [array("i", range(len(texts))), array("i", reversed(range(len(texts)))), array("i", range(0, 200, 7))]
    spanning = "9anna"  # the end of one text and the start of the next: in neither
    for word in ["rare", spanning, "a", "an", "anna", "ë", "日", "本\n", "b\n", "\n7", "7\n", "0\na", "1", "x" * 5, ""]:
        for positions in orders:
            assert list(kept.containing(positions, word)) == [p for p in positions if word in texts[p]], word


def test_ids_and_balances_past_32_bits_are_kept_whole():
    """Ids and balances take 4 bytes each until one needs 8: a contact id or a balance past 2**31
    (a database imported from elsewhere) is kept exactly, found by id and shown as it is."""
    rows = [(5, "Small", "", [], None, None, None, -3, "small"),
            (2**40, "Wide", "Co", ["t"], 30, None, None, 2**35, "wide\nco"),
            (7, "Last", "", [], None, None, None, 1, "last")]
    index = load_rows(rows, FIXED_TODAY)
    assert [row.key for row in index] == [5, 2**40, 7]
    assert [row.cells["balance"] for row in index] == ["-3", f"+{2**35}", "+1"]
    assert index.index_of_key(2**40) == 1 and index.index_of_key(7) == 2
    assert [row.key for row in filter_rows(index, "wide", FIXED_TODAY)] == [2**40]
