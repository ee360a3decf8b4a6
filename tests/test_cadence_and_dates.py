"""Cadences and dates as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.core import dates
from planner.core.cadence import describe_cadence, parse_cadence
from planner.core.errors import BadInput


@pytest.mark.parametrize(
    ("text", "days"),
    [("90d", 90), ("2w", 14), ("6m", 182), ("1y", 365), ("2/y", 182), ("4/y", 91), ("weekly", 7),
     ("monthly", 30), ("quarterly", 91), ("yearly", 365), ("2 weeks", 14), (" 30 ", 30), ("12/y", 30)],
)
def test_cadence_forms_people_type(text, days):
    assert parse_cadence(text) == days


def test_none_means_never_scheduled():
    assert parse_cadence("none") is None
    assert describe_cadence(None) == "none"


@pytest.mark.parametrize("text", ["twice", "0/y", "0d", "5 fortnights", "-3d", "4000d", ""])
def test_bad_cadence_names_the_accepted_forms(text):
    with pytest.raises(BadInput, match="cadence"):
        parse_cadence(text)


def test_describe_round_trips_common_cadences():
    for text in ("2/y", "quarterly", "weekly", "yearly", "3w", "45d"):
        assert parse_cadence(describe_cadence(parse_cadence(text))) == parse_cadence(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("friday", dt.date(2026, 11, 27)), ("next friday", dt.date(2026, 12, 4)), ("tomorrow", dt.date(2026, 11, 26)),
     ("in 2 weeks", dt.date(2026, 12, 9)), ("3d", dt.date(2026, 11, 28)), ("next week", dt.date(2026, 11, 30)),
     ("wed", dt.date(2026, 12, 2)), ("2027-01-04", dt.date(2027, 1, 4))],
)
def test_day_phrases_relative_to_today(text, expected):
    assert dates.parse_day(text) == expected  # today is fixed to Wednesday 2026-11-25 by conftest


def test_unknown_day_phrase_is_a_clear_error():
    with pytest.raises(BadInput, match="not understood"):
        dates.parse_day("someday soon")


def test_moments_with_clock_times_and_relative_phrases():
    zone = dt.timezone(dt.timedelta(hours=1))
    moment = dates.parse_moment("yesterday 15:00", zone=zone)
    assert (moment.date(), moment.hour, moment.minute, moment.utcoffset()) == (
        dt.date(2026, 11, 24), 15, 0, dt.timedelta(hours=1))
    assert dates.parse_moment("3 days ago").date() == dt.date(2026, 11, 22)
    assert dates.parse_moment("friday 9am", zone=zone).hour == 9


def test_humanized_days():
    assert dates.humanize_day(dt.date(2026, 11, 24)) == "yesterday"
    assert dates.humanize_day(dt.date(2026, 8, 20)) == "3 months ago"
    assert dates.humanize_day(dt.date(2026, 12, 9)) == "in 2 weeks"


@pytest.mark.parametrize("base", [dt.date(2026, 11, 25), dt.date(2024, 2, 29), dt.date(2025, 12, 31)])
def test_humanized_days_read_as_arrow_wrote_them(base):
    """The words are arrow's (`humanize` at the granularity the distance picks), written without
    loading arrow: every distance up to four years either way, leap years included."""
    import arrow

    for delta in range(-1500, 1501):
        day = base + dt.timedelta(days=delta)
        expected = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(delta) or arrow.get(day).humanize(
            arrow.get(base), granularity=dates._granularity(abs(delta)))
        assert dates.humanize_day(day, base=base) == expected, delta


def test_today_from_the_environment(monkeypatch):
    dates.set_today(None)
    monkeypatch.setenv("FOLLOWUP_TODAY", "2027-03-01")
    assert dates.today() == dt.date(2027, 3, 1)
    monkeypatch.setenv("FOLLOWUP_TODAY", "March")
    with pytest.raises(BadInput, match="FOLLOWUP_TODAY"):
        dates.today()


def test_months_shift_as_arrow_shifts_them():
    """A year back from 29 February is 28 February; six months back from 31 August is the last of
    February: the ledger's "last twelve months" and "six months" cut-offs, the same day arrow gave."""
    import arrow

    assert dates.shift_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)
    assert dates.shift_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    day = dt.date(2023, 1, 1)
    while day <= dt.date(2028, 12, 31):
        for months in (-25, -12, -6, -1, 1, 11, 12):
            assert dates.shift_months(day, months) == arrow.get(day).shift(months=months).date(), (day, months)
        day += dt.timedelta(days=1)
