"""Query pieces several layers share, so they cannot drift apart: how a long ID list is split for
an IN (...), rows read as plain tuples, and "we reached them" and "an attempt" as SQL conditions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from peewee import fn

from planner.core.vocabulary import REACHED_OUTCOMES, InteractionKind
from planner.store.models import Interaction

T = TypeVar("T")

# IDs per IN (...): under the 999 bound variables an older SQLite allows, with room left for the
# other parameters a query binds beside the list (the planner's reach query binds its skip lists).
CHUNK_SIZE = 500


def chunked(ids: Sequence[T]) -> Iterator[Sequence[T]]:
    """`ids` in slices of CHUNK_SIZE, in order (none for an empty list)."""
    for start in range(0, len(ids), CHUNK_SIZE):
        yield ids[start : start + CHUNK_SIZE]


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a select as plain tuples, in the order of its columns: what every list reads
    (a model object per row costs far more than the query at 100k rows)."""
    return iter(query.tuples())


def reached_condition(table: Any = Interaction):
    """`is_reaching` (core/vocabulary.py) as a condition on Interaction rows. A note stores no
    outcome (logging and editing see to it), so the outcome alone decides it here: that keeps the
    last-reached query answered from the (contact, outcome, happened_at) index alone (migration v6)."""
    return table.outcome.in_(REACHED_OUTCOMES)


def attempt_condition(table: Any = Interaction):
    """`is_attempt` (core/vocabulary.py) as a condition: anything but a note (every other kind
    stores an outcome, reached or missed). `table`: Interaction or an alias of it."""
    return table.kind != InteractionKind.NOTE


def last_reached_query(contact_ids: Sequence[int] | None):
    """(contact, last moment reached, naive UTC) for the given contacts, or everyone when None."""
    query = (Interaction.select(Interaction.contact, fn.MAX(Interaction.happened_at))
             .where(reached_condition()).group_by(Interaction.contact))
    if contact_ids is not None:
        query = query.where(Interaction.contact.in_(list(contact_ids)))
    return query
