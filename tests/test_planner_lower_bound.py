"""The interval lower bound and the critical interval against a brute-force scan of every interval."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.scheduling.lower_bound import critical_interval, lower_bound


@st.composite
def windows(draw):
    n = draw(st.integers(1, 25))
    items = []
    for _ in range(draw(st.integers(0, 30))):
        lo = draw(st.integers(0, n - 1))
        hi = draw(st.integers(lo, n - 1))
        items.append((lo, hi, draw(st.integers(1, 4))))
    return n, items


def inside(items, a, b):
    return sum(c for lo, hi, c in items if lo >= a and hi <= b)


@settings(max_examples=150, deadline=None)
@given(windows())
def test_lower_bound_equals_the_brute_force_maximum(case):
    n, items = case
    brute = max(math.ceil(inside(items, a, b) / (b - a + 1)) for a in range(n) for b in range(a, n))
    bound = lower_bound(items, n)
    assert bound.peak == brute
    if brute:
        assert math.ceil(inside(items, bound.start, bound.end) / (bound.end - bound.start + 1)) == brute


@settings(max_examples=150, deadline=None)
@given(windows(), st.integers(1, 4))
def test_critical_interval_is_the_most_over_full(case, cap):
    n, items = case
    brute = max(inside(items, a, b) - cap * (b - a + 1) for a in range(n) for b in range(a, n))
    found = critical_interval(items, n, cap)
    if brute <= 0:
        assert found is None
    else:
        a, b, excess = found
        assert excess == brute == inside(items, a, b) - cap * (b - a + 1)


def test_known_case():
    # five calls that must all fall on days 2..3: two days hold them at three a day at best
    assert lower_bound([(2, 3, 5), (0, 9, 4)], 10).peak == 3
    assert critical_interval([(2, 3, 5), (0, 9, 4)], 10, 2) == (2, 3, 1)


def test_plain_python_gives_what_numpy_gives(monkeypatch):
    """Without numpy loaded (the plan screen's figures alone) the scan runs in plain Python: the
    same bound, the same interval, the same critical interval as with it."""
    import random

    import numpy

    from planner.scheduling import lower_bound as module

    rng = random.Random(3)
    cases = []
    for _ in range(300):
        n = rng.randint(1, 40)
        items = []
        for _ in range(rng.randint(0, 60)):
            lo = rng.randint(0, n - 1)
            items.append((lo, rng.randint(lo, n - 1), rng.randint(0, 5)))
        cases.append((n, items, rng.randint(0, 4)))
    monkeypatch.setattr(module, "_numpy", lambda: numpy)
    with_numpy = [(lower_bound(items, n), critical_interval(items, n, cap)) for n, items, cap in cases]
    monkeypatch.setattr(module, "_numpy", lambda: None)
    plain = [(lower_bound(items, n), critical_interval(items, n, cap)) for n, items, cap in cases]
    assert plain == with_numpy
    assert any(found is not None for _, found in plain) and any(bound.peak for bound, _ in plain)
