"""Which days calls may go on: configured weekdays, minus public holidays and blocked ranges.

`WorkCalendar` is a plain value (no database) so the solver and its tests can build one directly;
`planner.scheduling.inputs.load_calendar()` builds it from the settings and the `block` table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from planner.core.errors import BadInput

WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def validate_holiday_region(region: str) -> str:
    """'DE', 'US-CA', 'GB-SCT': a country the holidays library knows, with an optional subdivision."""
    import holidays

    country, _, subdiv = region.upper().partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise BadInput(f"holidays: unknown country code {country!r} (use ISO codes such as DE, US, GB)")
    if subdiv and subdiv not in supported[country]:
        known = ", ".join(supported[country][:20])
        raise BadInput(f"holidays: {country} has no subdivision {subdiv!r} (known: {known})")
    return f"{country}-{subdiv}" if subdiv else country


@lru_cache(maxsize=32)
def _holiday_dates(region: str, year: int) -> frozenset[dt.date]:
    import holidays

    country, _, subdiv = region.partition("-")
    return frozenset(holidays.country_holidays(country, subdiv=subdiv or None, years=[year]).keys())


@dataclass(frozen=True)
class WorkCalendar:
    """Working weekdays (0 = Monday), an optional holiday region and blocked date ranges."""

    weekdays: frozenset[int] = frozenset(range(5))
    holiday_region: str | None = None
    blocks: tuple[tuple[dt.date, dt.date], ...] = ()
    capacity: int | None = None
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _next: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def is_holiday(self, day: dt.date) -> bool:
        return bool(self.holiday_region) and day in _holiday_dates(self.holiday_region, day.year)

    def is_blocked(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.blocks)

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = day.weekday() in self.weekdays and not self.is_holiday(day) and not self.is_blocked(day)
            self._cache[day] = cached
        return cached

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days in [start, end], inclusive."""
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def next_working_day(self, day: dt.date, *, include: bool = True) -> dt.date:
        """`day` itself if it is a working day (and `include`), else the next one."""
        if not self.weekdays:
            raise BadInput("workdays: no working weekday configured")
        day = day if include else day + dt.timedelta(days=1)
        found = self._next.get(day)
        if found is not None:
            return found
        probe = day
        for _ in range(3660):
            if self.is_working_day(probe):
                self._next[day] = probe
                return probe
            probe += dt.timedelta(days=1)
        raise BadInput("no working day in the next ten years: check workdays and blocks")

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day `count` working days after `day` (count 0: `day` or the next working day)."""
        result = self.next_working_day(day)
        for _ in range(count):
            result = self.next_working_day(result, include=False)
        return result


def holiday_name(cal: WorkCalendar, day: dt.date) -> str:
    """The public holiday's name on `day` ('' when it is none)."""
    if not cal.holiday_region:
        return ""
    import holidays

    country, _, subdiv = cal.holiday_region.partition("-")
    return str(holidays.country_holidays(country, subdiv=subdiv or None, years=[day.year]).get(day) or "")
