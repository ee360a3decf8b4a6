"""Filter-as-you-type over loaded contacts, in memory (no Textual, no database).

The loaded contacts are columns (`ContactIndex`), not an object per contact: 100,000 of them cost
the bytes of their names and folded search texts (the `search_text` column the CLI's search
reads), each kept in one buffer, and a few bytes each besides. A keystroke costs one search of
that buffer (a word few contacts have) or one bounded search per contact (a word most have),
under 50 ms for 100k contacts, and leaves an array of positions. Terms: plain words
(all must match name, company, tags, emails or notes), `tag:NAME` (a tag starting with NAME),
`company:TEXT`, and `due:overdue|today|week` (next call late / by today / by Sunday).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any, overload

from planner.core.cadence import describe_cadence
from planner.core.dates import humanize_day
from planner.core.textsafe import clean_line, fold
from planner.services.contact_views import ListRow
from screens.packed_text import POS, Texts

DUE_WORDS = ("overdue", "today", "week")


class FilterError(ValueError):
    """A term the filter cannot use; the message is shown under the filter box."""


class ContactIndex:
    """Every loaded contact as columns, by folded name then id (the order the rows are read in):
    a buffer, an array or a code per field instead of an object per contact, so 100,000 contacts
    cost the bytes of their names and search texts and a few bytes each besides. A contact is
    its position here; lists of positions (`Rows`) are what the filter narrows and the sort orders.
    Companies and tag sets are kept once each (thousands of contacts share one) and a contact
    holds the number of its own."""

    __slots__ = ("ids", "names", "haystacks", "company_codes", "company_forms", "tag_codes", "tag_forms",
                 "name_groups", "cadences", "last_moments", "last_days", "next_days", "balances", "today")

    def __init__(self, rows: Iterable[ListRow], today: dt.date) -> None:
        self.today = today
        self.ids, self.name_groups = array("i"), array("i")  # ids and balances widen past 32 bits
        self.names = Texts()
        self.haystacks = Texts()  # folded name, company, title, tags, emails and notes
        self.company_codes = array("i")
        self.company_forms: list[tuple[str, str]] = []  # (company, folded)
        self.tag_codes = array("i")
        # (tags, folded tags, the "\n"-prefixed folded tags `tag:` searches for a prefix)
        self.tag_forms: list[tuple[tuple[str, ...], tuple[str, ...], str]] = []
        self.cadences = array("i")  # effective cadence in days, NO_CADENCE for none
        self.last_moments = array("d")  # last reached as a timestamp, NEVER when never
        self.last_days = array("i")  # ... and its day in the user's zone, as an ordinal (0: never)
        self.next_days = array("i")  # next call's day as an ordinal (0: none)
        self.balances = array("i")
        companies: dict[str, int] = {}
        tag_sets: dict[tuple[str, ...], int] = {}
        group, last_key = -1, None
        for cid, name, company, tags, cadence, last, next_call, balance, search_text in rows:
            key = fold(name)
            if key != last_key:  # contacts with the same folded name share a group: sorts tie on it
                group, last_key = group + 1, key
            self.ids = _appended(self.ids, cid)
            self.name_groups.append(group)
            self.names.append(name)
            self.haystacks.append(search_text)
            code = companies.get(company)
            if code is None:
                code = companies[company] = len(self.company_forms)
                self.company_forms.append((company, fold(company)))
            self.company_codes.append(code)
            tag_set = tuple(tags) if tags else ()
            code = tag_sets.get(tag_set)
            if code is None:
                code = tag_sets[tag_set] = len(self.tag_forms)
                folded = tuple(map(fold, tag_set))
                self.tag_forms.append((tag_set, folded, "".join("\n" + tag for tag in folded)))
            self.tag_codes.append(code)
            self.cadences.append(NO_CADENCE if cadence is None else cadence)
            self.last_moments.append(NEVER if last is None else last.timestamp())  # aware, the user's zone
            self.last_days.append(0 if last is None else last.date().toordinal())
            self.next_days.append(0 if next_call is None else next_call.toordinal())
            self.balances = _appended(self.balances, balance)

    def __len__(self) -> int:
        return len(self.ids)

    def company(self, pos: int) -> str:
        return self.company_forms[self.company_codes[pos]][0]

    def cells(self, pos: int) -> dict[str, str]:
        """The contact's table cells, worded only for the rows drawn."""
        today, cadence, last, next_day, balance = (self.today, self.cadences[pos], self.last_days[pos],
                                                    self.next_days[pos], self.balances[pos])
        return {
            "name": clean_line(self.names[pos]),
            "company": clean_line(self.company(pos)),
            "tags": clean_line(", ".join(self.tag_forms[self.tag_codes[pos]][0])),
            "cadence": describe_cadence(cadence) if cadence > 0 else "none",
            "last": humanize_day(dt.date.fromordinal(last), base=today) if last else "never",
            "next": next_call_text(dt.date.fromordinal(next_day) if next_day else None, today),
            "balance": f"{balance:+d}" if balance else "0",
        }


def _appended(numbers: array, value: int) -> array:
    """`numbers` with `value` appended: 4 bytes a number until one needs 8, then all of them."""
    try:
        numbers.append(value)
    except OverflowError:
        numbers = array("q", numbers)
        numbers.append(value)
    return numbers


NO_CADENCE = -1
NEVER = float("-inf")


class Entry:
    """One contact of an index as a table row: its id (`key`), name, company and cells."""

    __slots__ = ("data", "pos")

    def __init__(self, index: ContactIndex, pos: int) -> None:
        self.data = index
        self.pos = pos

    @property
    def key(self) -> int:
        return self.data.ids[self.pos]

    @property
    def name(self) -> str:
        return self.data.names[self.pos]

    @property
    def company_name(self) -> str:
        return self.data.company(self.pos)

    @property
    def cells(self) -> dict[str, str]:
        return self.data.cells(self.pos)


class Rows(Sequence[Entry]):
    """Contacts of an index in a given order (positions in an array): what a filter or a sort
    leaves, shown by the contact table an `Entry` at a time as lines are drawn."""

    __slots__ = ("data", "positions")

    def __init__(self, index: ContactIndex, positions: array | range | None = None) -> None:
        self.data = index
        # everyone in index order (by name): a range, not an array of 100k positions
        self.positions = range(len(index)) if positions is None else positions

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> Entry: ...

    @overload
    def __getitem__(self, i: slice) -> list[Entry]: ...

    def __getitem__(self, i: int | slice) -> Entry | list[Entry]:
        if isinstance(i, slice):
            return [Entry(self.data, pos) for pos in self.positions[i]]
        return Entry(self.data, self.positions[i])

    def index_of_key(self, key: int) -> int | None:
        """Where contact `key` is in these rows (a scan in C, not an object per row)."""
        try:
            return self.positions.index(self.data.ids.index(key))
        except ValueError:
            return None


EMPTY = Rows(ContactIndex((), dt.date.min))


def load_rows(rows: Iterable[ListRow], today: dt.date) -> Rows:
    """List rows (by folded name then id, as `list_rows` reads them) as an index, in that order."""
    return Rows(ContactIndex(rows, today))


def next_call_text(day: dt.date | None, today: dt.date) -> str:
    if day is None:
        return "—"
    text = f"{day:%a %d %b}" if day.year == today.year else f"{day:%d %b %Y}"
    return text + (" late" if day < today else "")


def _due_limit(word: str, today: dt.date) -> tuple[dt.date, bool]:
    """(limit, strictly before) for a due: word."""
    if word not in DUE_WORDS:
        raise FilterError(f"due:{word}: use due:overdue, due:today or due:week")
    if word == "overdue":
        return today, True
    return (today if word == "today" else today + dt.timedelta(days=6 - today.weekday())), False


def compile_query(query: str, today: dt.date) -> list[tuple[str, Any]]:
    """The query as (kind, value) terms; every term must match. Raises FilterError for a bad one."""
    terms: list[tuple[str, Any]] = []
    for raw in query.split():
        term = fold(raw)
        name, sep, value = term.partition(":")
        if sep and name in ("tag", "company", "due"):
            if value:
                terms.append((name, _due_limit(value, today) if name == "due" else value))
        else:
            terms.append(("word", term))
    return terms


def refines(old: str, new: str, today: dt.date) -> bool:
    """Whether every contact matching `new` also matches `old`: the same terms, the last one
    perhaps longer (typing on). Then `new` need only be tested on what `old` left, which keeps
    each keystroke on 100,000 contacts to the few that still match."""
    try:
        before, after = compile_query(old, today), compile_query(new, today)
    except FilterError:
        return False
    if not before:
        return True
    if len(after) < len(before) or after[: len(before) - 1] != before[:-1]:
        return False
    (kind, value), (new_kind, new_value) = before[-1], after[len(before) - 1]
    return kind == new_kind and (value == new_value or kind != "due" and new_value.startswith(value))


def filter_rows(rows: Rows, query: str, today: dt.date) -> Rows:
    """The rows matching every term, in their given order. One tight pass per term, each over what
    the previous terms left: a keystroke on 100k contacts costs a few tens of milliseconds, and
    typing on (`refines`) far less."""
    index, result = rows.data, rows.positions
    for kind, value in compile_query(query, today):
        if kind == "word":
            result = index.haystacks.containing(result, value)
        elif kind in ("company", "tag"):  # tested once per company or tag set, then by its number
            if kind == "company":
                codes, wanted = index.company_codes, bytearray(value in key for _, key in index.company_forms)
            else:
                start = "\n" + value  # a tag starting with the value: no tag holds a line end
                codes, wanted = index.tag_codes, bytearray(start in starts for _, _, starts in index.tag_forms)
            result = array(POS, [p for p in result if wanted[codes[p]]])
        else:
            limit, strict = value
            days, last = index.next_days, limit.toordinal() - (1 if strict else 0)
            result = array(POS, [p for p in result if 0 < days[p] <= last])
    return Rows(index, result)


_FAR = dt.date.max.toordinal()


def _sort_key(index: ContactIndex, key: str) -> Callable[[int], Any]:
    """The sort key of a position: the column, then the folded name (its group; the index is in
    name order already, so sorting by name is by position)."""
    group = index.name_groups
    if key == "name":
        return lambda p: p  # (folded name, id)
    if key == "company":  # blanks last, then the folded company: ranked once per company
        return _ranked(index.company_codes, [(folded == "", folded) for _, folded in index.company_forms], group)
    if key == "tags":  # none last, then the folded tags
        return _ranked(index.tag_codes, [(not tags, folded) for tags, folded, _ in index.tag_forms], group)
    if key == "cadence":
        cadences = index.cadences
        return lambda p: (cadences[p] == NO_CADENCE, max(cadences[p], 0), group[p])
    if key == "last":
        moments = index.last_moments
        return lambda p: (moments[p], group[p])
    if key == "next":
        days = index.next_days
        return lambda p: (days[p] or _FAR, group[p])
    if key == "balance":
        balances = index.balances
        return lambda p: (balances[p], group[p])
    raise KeyError(key)


def _ranked(codes: array, keys: list[Any], group: array) -> Callable[[int], Any]:
    """Sort by `keys[codes[p]]` then by name: each distinct key ranked once (equal keys, equal
    ranks), so a contact's sort key is two numbers."""
    order = {key: rank for rank, key in enumerate(sorted(set(keys)))}
    ranks = [order[key] for key in keys]
    return lambda p: (ranks[codes[p]], group[p])


SORT_KEYS = ("name", "company", "tags", "cadence", "last", "next", "balance")


def sort_rows(rows: Rows, key: str, reverse: bool = False) -> Rows:
    return Rows(rows.data, array(POS, sorted(rows.positions, key=_sort_key(rows.data, key), reverse=reverse)))
