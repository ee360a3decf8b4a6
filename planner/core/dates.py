""""Today", and dates and times as people type them.

Today is the local date unless `--today` or `FOLLOWUP_TODAY` fixes it, so runs are reproducible.
Typed forms: ISO dates and times, `today`, `tomorrow`, `yesterday [15:00]`, weekday names
(`friday`, `next friday`, `fri 9:30`), `next week` / `next month`, arrow's relative phrases
(`in 2 weeks`, `3 days ago`) and short offsets (`2d`, `3w`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from math import trunc
from typing import Literal

from planner.core.errors import BadInput

_today_override: dt.date | None = None
MAX_TEXT = 60  # characters of a typed date or time: every accepted form is far shorter
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # dates a person's history can hold
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_HELP = "use YYYY-MM-DD, today, tomorrow, friday, next week, in 2 weeks, 3d"


def set_today(value: dt.date | None) -> None:
    global _today_override
    _today_override = value


def today() -> dt.date:
    if _today_override is not None:
        return _today_override
    env = os.environ.get("FOLLOWUP_TODAY")
    if env:
        return parse_iso_date(env, what="FOLLOWUP_TODAY")
    return dt.date.today()


def latest_moment() -> dt.datetime:
    """The latest moment that is not in the future: now, or on a fixed today other than the
    clock's (`--today`, a day walked through on purpose) the end of that day, so what is logged
    "at 09:00" that day does not depend on the hour the run happens at."""
    current = now_local()
    if current.date() != dt.date.today():
        return current.replace(hour=23, minute=59, second=59, microsecond=999999)
    return current


def now_local() -> dt.datetime:
    """An aware 'now' in the local zone; on a fixed today, that day at the current clock time."""
    current = dt.datetime.now().astimezone()
    fixed = today()
    if fixed != current.date():
        current = current.replace(year=fixed.year, month=fixed.month, day=fixed.day)
    return current


def parse_iso_date(text: str, *, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip()[:MAX_TEXT])
    except ValueError:
        raise BadInput(f"{what}: {text[:MAX_TEXT]!r} is not a date (YYYY-MM-DD)") from None


def in_range(day: dt.date, *, what: str = "date") -> dt.date:
    """`day` if it lies between 1900 and 2199, else BadInput: the planner adds cadences to stored
    dates, and a year 9999 would overflow the calendar."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadInput(f"{what}: {day.isoformat()} is outside {FIRST_DAY.year}-{LAST_DAY.year}")
    return day


def _bounded(text: str, what: str) -> None:
    if len(text) > MAX_TEXT:
        raise BadInput(f"{what}: longer than {MAX_TEXT} characters; {DATE_HELP}")


_OFFSET = re.compile(r"^([+-]?\d+)\s*(d|w|m|y)$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


def _weekday_after(base: dt.date, name: str, *, strictly_next_week: bool) -> dt.date:
    target = next(i for i, day in enumerate(WEEKDAY_NAMES) if day.startswith(name[:3]))
    delta = (target - base.weekday()) % 7
    if delta == 0:
        delta = 7
    result = base + dt.timedelta(days=delta)
    if strictly_next_week and result.isocalendar()[1] == base.isocalendar()[1]:
        result += dt.timedelta(days=7)
    return result


def _is_weekday_word(word: str) -> bool:
    return len(word) >= 3 and any(day.startswith(word) for day in WEEKDAY_NAMES)


def parse_day(text: str, *, base: dt.date | None = None, what: str = "date") -> dt.date:
    """A calendar day from a typed phrase, relative to `base` (default: today), 1900 to 2199."""
    _bounded(text, what)
    try:
        day = _parse_day(text, base=base, what=what)
    except (OverflowError, ValueError):  # "in 99999999999 days", "+9999999y"
        raise BadInput(f"{what}: {text!r} is out of range; {DATE_HELP}") from None
    return in_range(day, what=what)


def _parse_day(text: str, *, base: dt.date | None, what: str) -> dt.date:
    base = base or today()
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise BadInput(f"{what}: empty; {DATE_HELP}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    simple = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if raw in simple:
        return base + dt.timedelta(days=simple[raw])
    if raw == "next week":
        return base + dt.timedelta(days=7 - base.weekday())
    # arrow only for the phrases that need it: loading it (and its locales) is ~20 ms of a
    # command's start, more than `snooze --by 3d` itself spends on the day
    if raw == "next month":
        import arrow

        return (arrow.get(base).shift(months=1).floor("month")).date()
    words = raw.split()
    if len(words) == 1 and _is_weekday_word(words[0]):
        return _weekday_after(base, words[0], strictly_next_week=False)
    if len(words) == 2 and words[0] == "next" and _is_weekday_word(words[1]):
        return _weekday_after(base, words[1], strictly_next_week=True)
    if match := _OFFSET.match(raw):
        amount, unit = int(match.group(1)), match.group(2)
        if unit in "dw":
            return base + dt.timedelta(days=amount * (7 if unit == "w" else 1))
        import arrow

        return arrow.get(base).shift(months=amount * (12 if unit == "y" else 1)).date()
    import arrow

    try:
        return arrow.get(base).dehumanize(raw).date()
    except (ValueError, TypeError):
        raise BadInput(f"{what}: {text!r} not understood; {DATE_HELP}") from None


def parse_moment(text: str, *, what: str = "time", zone: dt.tzinfo | None = None) -> dt.datetime:
    """An aware moment: ISO date-time, or a day phrase with an optional clock time
    (`yesterday 15:00`, `friday 9am`), or a relative phrase (`3 days ago`, `2 hours ago`)."""
    _bounded(text, what)
    try:
        moment = _parse_moment(text, what=what, zone=zone)
    except (OverflowError, ValueError):
        raise BadInput(f"{what}: {text!r} is out of range; {DATE_HELP}") from None
    in_range(moment.date(), what=what)
    return moment


def _parse_moment(text: str, *, what: str, zone: dt.tzinfo | None) -> dt.datetime:
    now = now_local()
    zone = zone or now.tzinfo
    raw = " ".join(text.strip().lower().split())
    if raw in {"", "now"}:
        return now
    try:
        moment = dt.datetime.fromisoformat(text.strip())
        if "t" in raw or ":" in raw:
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    except ValueError:
        pass
    words = raw.split()
    if len(words) >= 2 and _TIME.match(words[-1]):
        day = parse_day(" ".join(words[:-1]), what=what)
        hour, minute = _clock(words[-1], what)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    if raw.endswith(" ago") or raw.startswith("in "):
        import arrow

        try:
            return arrow.get(now).dehumanize(raw).datetime
        except (ValueError, TypeError):
            pass
    day = parse_day(raw, what=what)
    if day == now.date():
        return now
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=zone)


def _clock(text: str, what: str) -> tuple[int, int]:
    match = _TIME.match(text)
    assert match
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise BadInput(f"{what}: {text!r} is not a clock time")
    return hour, minute


def shift_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months (back when negative), on the same day of the month or the last
    one the month has: 31 March less one month is the last of February, as arrow's `shift` says."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def humanize_day(day: dt.date | None, *, base: dt.date | None = None) -> str:
    """'today', 'yesterday', '3 months ago', 'in 2 weeks'; '' for None."""
    if day is None:
        return ""
    base = base or today()
    delta = (day - base).days
    if delta == 0:
        return "today"
    if delta == -1:
        return "yesterday"
    if delta == 1:
        return "tomorrow"
    # arrow's English `humanize` at one granularity, which this said before; without arrow, whose
    # import was on the way to the app's first frame. Whole units, arrow's month of 30.5 days.
    unit = _granularity(abs(delta))
    count = trunc(abs(delta) * _SECONDS_PER_DAY / _UNIT_SECONDS[unit])
    words = f"a {unit}" if count == 1 else f"{count} {unit}s"
    return f"{words} ago" if delta < 0 else f"in {words}"


_SECONDS_PER_DAY = 86_400
_UNIT_SECONDS = {"day": _SECONDS_PER_DAY, "week": _SECONDS_PER_DAY * 7, "month": _SECONDS_PER_DAY * 30.5,
                 "year": _SECONDS_PER_DAY * 365}


def _granularity(days: int) -> Literal["day", "week", "month", "year"]:
    if days < 14:
        return "day"
    if days < 60:
        return "week"
    if days < 365:
        return "month"
    return "year"
