"""Cadences as people say them ("2/y", "6m", "quarterly") and as we store them (days)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from planner.core.errors import BadInput

DAYS_PER_YEAR = 365
NAMED = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
    "semiannually": 182,
    "biannually": 182,
    "half-yearly": 182,
    "yearly": 365,
    "annually": 365,
}
UNIT_DAYS = {"d": 1, "w": 7, "m": DAYS_PER_YEAR / 12, "y": DAYS_PER_YEAR}
NONE_WORDS = {"none", "never", "off", "-"}
MIN_DAYS, MAX_DAYS = 1, 3 * DAYS_PER_YEAR
MAX_TEXT = 40  # characters: the longest accepted form is far shorter, and int() of a huge digit run is slow
HELP = "use e.g. 90d, 2w, 6m, 1y, 2/y (twice a year), 4/y, weekly, monthly, quarterly, yearly or none"

# ASCII digits only: "²" and other Unicode digits pass str.isdigit() but int() rejects them
_DAYS = re.compile(r"^\d+$", re.ASCII)
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(d|w|m|y)(?:ays?|eeks?|onths?|ears?)?$", re.ASCII)
_PER = re.compile(r"^(\d+)\s*(?:/|x\s*(?:a|per)?\s*|per\s*|times\s*(?:a|per)\s*)(y|m|w)(?:ear|onth|eek)?$",
                  re.ASCII)


def parse_cadence(text: str) -> int | None:
    """Days between calls, or None for "never scheduled". Raises BadInput with the accepted forms.
    The one check of a cadence: the CLI, the app and every importer read cadences through here."""
    raw = text.strip().lower()
    if len(raw) > MAX_TEXT:
        raise BadInput(f"cadence {raw[:20]!r}...: longer than {MAX_TEXT} characters; {HELP}")
    if raw in NONE_WORDS:
        return None
    if raw in NAMED:
        return NAMED[raw]
    if _DAYS.match(raw):
        days = int(raw)
    elif match := _AMOUNT.match(raw):
        days = round(float(match.group(1)) * UNIT_DAYS[match.group(2)])
    elif match := _PER.match(raw):
        times = int(match.group(1))
        if times == 0:
            raise BadInput(f"cadence {text!r}: zero times is never; say 'none'")
        days = round(UNIT_DAYS[match.group(2)] / times)
    else:
        raise BadInput(f"cadence {text!r} not understood: {HELP}")
    return check_days(days, text)


def check_days(days: int, text: object = None) -> int:
    """`days` if it is a cadence the planner can use (1 day to 3 years), else BadInput."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        shown = text if text is not None else days
        raise BadInput(f"cadence {shown!r}: must be between 1 day and 3 years")
    return days


def describe_cadence(days: int | None) -> str:
    """A short human form: 182 -> '2/y', 7 -> 'weekly', 45 -> '45d'."""
    if days is None:
        return "none"
    for name in ("weekly", "monthly", "quarterly", "yearly"):
        if NAMED[name] == days:
            return name
    for times in range(2, 13):
        if round(DAYS_PER_YEAR / times) == days:
            return f"{times}/y"
    if days % 7 == 0 and days < 70:
        return f"{days // 7}w"
    return f"{days}d"


def effective_cadence(
    own: int | None, no_cadence: bool, tags: Iterable[str], tag_cadences: dict[str, int], default: int | None
) -> tuple[int | None, str | None]:
    """The cadence that applies and where it comes from (own > shortest tag cadence > default)."""
    if no_cadence:
        return None, None
    if own is not None:
        return own, "contact"
    tagged = [(tag_cadences[tag], tag) for tag in tags if tag in tag_cadences]
    if tagged:
        days, tag = min(tagged)
        return days, f"tag:{tag}"
    if default is None:
        return None, None
    return default, "default"
