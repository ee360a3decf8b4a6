"""One person, never two: likely duplicate contacts, best first, each pair with its reasons.

A pair is likely the same person when they share an email address or a phone number, or when
their names are the same or close at the same company. Names are compared folded (case and
accents off), with their words sorted (so "Schmidt, Maria" is "Maria Schmidt") and common
nicknames read as the full name (Bob is Robert); close names are scored with RapidFuzz's
token-sort ratio, one company at a time (10,000 contacts take about two seconds rather than fifty
million comparisons), and must differ in one word only: a typo in it, or a middle name more.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from planner.core.textsafe import fold
from planner.store.models import Contact, ContactEmail, ContactPhone
from planner.store.queries import tuples

TYPO = 80  # ratio from which two spellings of one word are a typo apart
CLOSE_NAMES = 88  # token-sort ratio (0-100) from which names at one company count as close
MIN_PHONE_DIGITS = 7  # shorter numbers (extensions, "0") say nothing about who it is
NICKNAMES = {
    "bob": "robert", "rob": "robert", "bobby": "robert", "robbie": "robert", "bill": "william",
    "will": "william", "billy": "william", "liz": "elizabeth", "beth": "elizabeth", "lizzie": "elizabeth",
    "betty": "elizabeth", "kate": "katherine", "katie": "katherine", "kathy": "katherine",
    "cathy": "catherine", "mike": "michael", "mick": "michael", "jim": "james", "jimmy": "james",
    "tom": "thomas", "tommy": "thomas", "dave": "david", "chris": "christopher", "matt": "matthew",
    "dan": "daniel", "danny": "daniel", "joe": "joseph", "joey": "joseph", "sam": "samuel",
    "alex": "alexander", "andy": "andrew", "drew": "andrew", "tony": "anthony", "steve": "steven",
    "stephen": "steven", "nick": "nicholas", "ben": "benjamin", "greg": "gregory", "jon": "jonathan",
    "jenny": "jennifer", "jen": "jennifer", "sue": "susan", "susie": "susan", "meg": "margaret",
    "maggie": "margaret", "peggy": "margaret", "ed": "edward", "ted": "edward", "eddie": "edward",
    "rick": "richard", "dick": "richard", "rich": "richard", "pat": "patricia", "patty": "patricia",
    "vicky": "victoria", "jo": "johanna", "hans": "johannes", "sepp": "josef", "kathi": "katharina",
    "leni": "helene", "lena": "magdalena", "toni": "anton", "fritz": "friedrich", "uli": "ulrich",
    "pepe": "jose", "paco": "francisco", "nacho": "ignacio", "manu": "manuel",
}
_WORD = re.compile(r"[^\W_]+")


@dataclass
class DuplicatePair:
    a_id: int
    a_name: str
    b_id: int
    b_name: str
    score: int  # 0-100: how sure
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"a": {"id": self.a_id, "name": self.a_name}, "b": {"id": self.b_id, "name": self.b_name},
                "score": self.score, "reasons": self.reasons}


def name_key(name: str) -> str:
    """Folded, words sorted, nicknames as full names: "Schmídt, Bob" -> "robert schmidt"."""
    words = [NICKNAMES.get(word, word) for word in _WORD.findall(fold(name))]
    return " ".join(sorted(words))


def company_key(company: str) -> str:
    words = _WORD.findall(fold(company))
    suffixes = {"inc", "gmbh", "ltd", "llc", "ag", "sa", "plc", "co", "corp", "bv", "se"}
    return " ".join(word for word in words if word not in suffixes)


def phone_digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[-9:] if len(digits) >= MIN_PHONE_DIGITS else ""  # the national part, prefix aside


def find_duplicates(*, include_archived: bool = False) -> list[DuplicatePair]:
    """Likely duplicate pairs, best first (score, then the older contact first)."""
    from rapidfuzz import fuzz, process  # here, not at the top: merge.py (loaded by every command) imports this module

    query = Contact.select(Contact.id, Contact.name, Contact.company)
    if not include_archived:
        query = query.where(Contact.archived_at.is_null())
    people = {cid: (name, company) for cid, name, company in tuples(query)}
    pairs: dict[tuple[int, int], DuplicatePair] = {}

    def note(a: int, b: int, score: int, reason: str) -> None:
        key = (min(a, b), max(a, b))
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = DuplicatePair(key[0], people[key[0]][0], key[1], people[key[1]][0], score)
        pair.score = max(pair.score, score)
        if reason not in pair.reasons:
            pair.reasons.append(reason)

    for value, ids in _shared(tuples(ContactEmail.select(ContactEmail.contact, ContactEmail.address_key)),
                              people, lambda address: address.strip().lower()):
        for a, b in _pairs(ids):
            note(a, b, 100, f"same email {value}")
    for value, ids in _shared(tuples(ContactPhone.select(ContactPhone.contact, ContactPhone.number)),
                              people, phone_digits):
        for a, b in _pairs(ids):
            note(a, b, 95, f"same phone …{value[-6:]}")
    by_company: dict[str, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    keys = {cid: name_key(name) for cid, (name, _) in people.items()}
    for cid, (_, company) in people.items():
        if keys[cid]:
            by_name[keys[cid]].append(cid)
        if company_key(company):
            by_company[company_key(company)].append(cid)
    for ids in by_name.values():
        for a, b in _pairs(ids):
            same_company = company_key(people[a][1]) == company_key(people[b][1])
            if same_company or not people[a][1] or not people[b][1]:
                where = f" at {people[a][1] or people[b][1]}" if people[a][1] or people[b][1] else ""
                note(a, b, 98 if same_company and people[a][1] else 90, f"same name{where}")
    for ids in by_company.values():
        if len(ids) < 2:
            continue
        names = [keys[cid] for cid in ids]
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=CLOSE_NAMES, workers=1)
        rows, cols = scores.nonzero()
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if i < j and names[i] != names[j] and _one_word_apart(names[i], names[j]):
                a, b = ids[i], ids[j]
                note(a, b, int(scores[i, j]) - 3, f"similar names at {people[a][1]}")
    return sorted(pairs.values(), key=lambda p: (-p.score, p.a_id, p.b_id))


def duplicate_of(contact_id: int) -> DuplicatePair | None:
    """The contact's likeliest duplicate among the active contacts (the best pair naming it), or
    None. A full search: its pairs depend on everyone at the same company."""
    return next((pair for pair in find_duplicates() if contact_id in (pair.a_id, pair.b_id)), None)


def _one_word_apart(a: str, b: str) -> bool:
    """Close names differ in one word: a typo in it ("Hofmann"), or one more word (a middle name).
    A whole different first name ("José" and "Jonas Dietrich") is another person, however long
    the surname they share."""
    words_a, words_b = Counter(a.split()), Counter(b.split())
    rest_a, rest_b = list((words_a - words_b).elements()), list((words_b - words_a).elements())
    if len(rest_a) + len(rest_b) == 1:
        return True
    from rapidfuzz import fuzz

    return len(rest_a) == len(rest_b) == 1 and fuzz.ratio(rest_a[0], rest_b[0]) >= TYPO


def _shared(rows, people: dict[int, tuple[str, str]], key) -> list[tuple[str, list[int]]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for cid, value in rows:
        folded = key(value or "")
        if folded and cid in people:
            groups[folded].add(cid)
    return [(value, sorted(ids)) for value, ids in groups.items() if len(ids) > 1]


def _pairs(ids: list[int], limit: int = 50) -> list[tuple[int, int]]:
    """Every pair of a small group; a huge group (a shared switchboard number) says little."""
    if len(ids) > limit:
        return []
    return [(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]]
