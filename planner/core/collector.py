"""Python's cycle collector, paused for the length of one large piece of work.

The collector runs every few hundred new objects and, every so often, walks every object the
process holds. A full re-plan or an import of 100,000 contacts makes hundreds of thousands of
objects (rows, records, inputs, demands, plan rows) in a heap that keeps growing, so the collector
walks ever more of it, again and again: about a fifth of a re-plan, and half a second of an
import, at 100,000 contacts. Neither makes reference cycles; their objects go by reference
counting as before, and any cycle made meanwhile (by another thread) is collected once the
work is over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """The collector paused for the block, and left as it was found: paused by someone else, it
    stays paused; of two such blocks at once (two threads) the first to end resumes it, which
    only costs the other one its saving."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
