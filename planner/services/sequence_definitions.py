"""Follow-up sequences as lists of steps: offsets from an event day, each with a short purpose.

followup ships a few (`SHIPPED`); each is editable, and a new name makes a new sequence. A
definition is written the way a person types it, one step per line or separated by ";":

    -1d good luck for tomorrow; 0d first day: how did it start?; 1w settling in?; 1m how is the new role?

An offset is a whole number of days, weeks, months or years (`-1d`, `0d`, `1w`, `3m`, `1y`);
months and years are calendar months (the 31st falls back to the month's last day). A step's label
on the agenda is the sequence's title and the offset in words: "Placement 1 month".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import clean_line
from planner.store.database import retried, write_tx
from planner.store.models import SequenceDefinition, utcnow

SHIPPED: dict[str, str] = {
    "placement": ("-1d good luck for tomorrow; 0d how was the first day?; 1w settling in?; "
                  "1m how is the new role?; 3m how is it going?; 6m any feedback for us?; "
                  "1y congratulations on the first year"),
    "new-job": "0d congratulations on the new job; 3m how is the new job going?",
    "interview": "0d how did it go?; 2d any feedback yet?",
    "deal-closed": ("0d thank you for the business; 1w is everything running?; 1m how is it working out?; "
                    "3m review: what else can we do?"),
}
UNIT_WORDS = {"d": "day", "w": "week", "m": "month", "y": "year"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_OFFSET = re.compile(r"^([+-]?\d{1,4})([dwmy])$")
MAX_STEPS = 30


@dataclass(frozen=True)
class Step:
    offset: str  # "-1d", "0d", "1w", "3m", "1y"
    purpose: str

    @property
    def amount(self) -> int:
        return int(_OFFSET.match(self.offset).group(1))  # type: ignore[union-attr]

    @property
    def unit(self) -> str:
        return self.offset[-1]

    def due(self, event: dt.date) -> dt.date:
        return add_offset(event, self.amount, self.unit)

    def words(self) -> str:
        """The offset in words: "day before", "on the day", "1 week", "3 months", "2 days before"."""
        amount, noun = abs(self.amount), UNIT_WORDS[self.unit]
        if self.amount == 0:
            return "on the day"
        text = f"{noun}" if amount == 1 and self.amount < 0 else f"{amount} {noun}{'s' if amount != 1 else ''}"
        return f"{text} before" if self.amount < 0 else text

    def to_json(self) -> dict:
        return {"offset": self.offset, "purpose": self.purpose}


@dataclass(frozen=True)
class Definition:
    name: str
    steps: tuple[Step, ...]
    edited: bool  # differs from what followup ships (or is the user's own)
    shipped: bool

    @property
    def title(self) -> str:
        return title_of(self.name)

    @property
    def text(self) -> str:
        return format_steps(self.steps)

    def label(self, step: Step) -> str:
        return f"{self.title} {step.words()}"

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "edited": self.edited, "shipped": self.shipped,
                "steps": [step.to_json() for step in self.steps]}


def title_of(name: str) -> str:
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def add_offset(day: dt.date, amount: int, unit: str) -> dt.date:
    if unit == "d":
        return day + dt.timedelta(days=amount)
    if unit == "w":
        return day + dt.timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise BadInput(f"offset {amount}{unit} from {day.isoformat()} leaves the calendar")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def normalize_name(name: str) -> str:
    value = (name or "").strip().lower().replace("_", "-").replace(" ", "-")
    if not _NAME.match(value):
        raise BadInput(f"sequence name {clean_line(name)!r}: use letters, digits and dashes (e.g. new-job)")
    return value


def parse_steps(text: str, *, what: str = "steps") -> tuple[Step, ...]:
    """Steps from "OFFSET purpose" parts separated by ";" or new lines; sorted by day."""
    steps = []
    for number, part in enumerate(re.split(r"[;\n]", text or ""), 1):
        part = clean_line(part).strip()
        if not part:
            continue
        offset, _, purpose = part.partition(" ")
        offset = offset.lower()
        if offset.startswith("+"):
            offset = offset[1:]
        if not _OFFSET.match(offset):
            raise BadInput(f"{what}, step {number}: {offset!r} is not an offset (use -1d, 0d, 1w, 3m, 1y)")
        if offset.startswith("-0"):
            offset = offset[1:]
        steps.append(Step(offset, purpose.strip()))
    if not steps:
        raise BadInput(f"{what}: no steps; write them as \"-1d good luck; 1w settling in?; 1m how is it going?\"")
    if len(steps) > MAX_STEPS:
        raise BadInput(f"{what}: {len(steps)} steps; at most {MAX_STEPS}")
    base = dt.date(2001, 1, 31)  # a 31st, so month offsets order the way they fall
    ordered = sorted(steps, key=lambda step: step.due(base))
    days = [step.due(base) for step in ordered]
    if len(set(days)) != len(days):
        raise BadInput(f"{what}: two steps fall on the same day")
    return tuple(ordered)


def format_steps(steps: tuple[Step, ...]) -> str:
    return "; ".join(f"{step.offset} {step.purpose}".rstrip() for step in steps)


def _stored() -> dict[str, str]:
    return {row.name: row.steps for row in SequenceDefinition.select()}


def definitions() -> list[Definition]:
    """Every sequence: the shipped ones (as edited) and the user's own, by name."""
    stored = _stored()
    names = sorted(set(SHIPPED) | set(stored))
    return [_definition(name, stored.get(name)) for name in names]


def _definition(name: str, stored: str | None) -> Definition:
    text = stored if stored is not None else SHIPPED[name]
    steps = parse_steps(text, what=f"sequence {name}")
    shipped = name in SHIPPED
    edited = not shipped or steps != parse_steps(SHIPPED[name])
    return Definition(name, steps, edited, shipped)


def get_definition(name: str) -> Definition:
    key = normalize_name(name)
    row = SequenceDefinition.get_or_none(SequenceDefinition.name == key)
    if row is None and key not in SHIPPED:
        known = ", ".join(d.name for d in definitions())
        raise NotFound(f"no sequence named {key!r}; known: {known}")
    return _definition(key, row.steps if row else None)


@retried
def set_definition(name: str, text: str) -> Definition:
    """Replace (or create) a sequence's steps; running sequences keep the steps they started with.
    `text` "default" gives a shipped sequence its shipped steps back."""
    key = normalize_name(name)
    if text.strip().lower() in {"default", "reset"}:
        if key not in SHIPPED:
            raise BadInput(f"sequence {key!r} is not one followup ships: it has no default")
        with write_tx():
            SequenceDefinition.delete().where(SequenceDefinition.name == key).execute()
        return get_definition(key)
    steps = parse_steps(text, what=f"sequence {key}")
    with write_tx():
        stored, now = format_steps(steps), utcnow()
        # an upsert both engines take (PostgreSQL has no INSERT OR REPLACE)
        (SequenceDefinition.insert(name=key, steps=stored, updated_at=now)
         .on_conflict(conflict_target=[SequenceDefinition.name],
                      update={SequenceDefinition.steps: stored, SequenceDefinition.updated_at: now})
         .execute())
    return get_definition(key)
