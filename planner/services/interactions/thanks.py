"""Thank-you tasks: a received favour is owed thanks until we thank them.

Thanks come two ways: explicitly (`followup thank`, stamped with the moment it was said) or by
logging an interaction with `thanked`, which closes every open favour received up to that day and
stamps it with the interaction's own moment. That stamp is how a favour thanked by a log is told
apart from one thanked explicitly: when the log is deleted or stops being a thank-you, its
favours are re-derived from the history that remains (thanked by the earliest thanked interaction
on or after the favour's day, else owed again with their task back on its due day).
Every function here runs inside the caller's write transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from planner.core.vocabulary import FavorDirection, PlanReason
from planner.core.zones import aware
from planner.store.models import Favor, Interaction, PlannedCall
from planner.store.plan_rows import insert_pinned
from planner.store.queries import tuples


def add_task(favor: Favor) -> None:
    """Pin the thank-you task of an unthanked received favour on its due day (once)."""
    if favor.direction != FavorDirection.RECEIVED or favor.thank_due is None or favor.thanked_at is not None:
        return
    if PlannedCall.select().where(PlannedCall.reason == PlanReason.THANK_YOU, PlannedCall.favor == favor.id).exists():
        return
    insert_pinned(favor.contact_id, favor.thank_due, PlanReason.THANK_YOU, favor=favor.id)


def drop_tasks(favor_ids: Iterable[int]) -> None:
    PlannedCall.delete().where(PlannedCall.reason == PlanReason.THANK_YOU,
                               PlannedCall.favor.in_(list(favor_ids))).execute()


def close_open(contact_id: int, stored_at: dt.datetime, day: dt.date) -> list[int]:
    """A thanked interaction at `stored_at` (naive UTC, on local `day`): the contact's unthanked
    received favours up to that day are thanked then, and their tasks dropped. Returns their ids."""
    open_ids = [f.id for f in Favor.select(Favor.id).where(
        Favor.contact == contact_id, Favor.direction == FavorDirection.RECEIVED, Favor.thanked_at.is_null(),
        Favor.date <= day,
    )]
    if open_ids:
        Favor.update(thanked_at=stored_at).where(Favor.id.in_(open_ids)).execute()
        drop_tasks(open_ids)
    return open_ids


def thanked_by_log(row: Interaction) -> list[int]:
    """The favours a thanked interaction closed: those stamped with its moment."""
    if not row.thanked:
        return []
    return [f.id for f in Favor.select(Favor.id).where(
        Favor.contact == row.contact_id, Favor.direction == FavorDirection.RECEIVED,
        Favor.thanked_at == row.happened_at)]


def rederive(contact_id: int, favor_ids: list[int]) -> None:
    """Re-derive these favours' thanks from the contact's thanked interactions as stored now."""
    if not favor_ids:
        return
    thanked = [(aware(at, tz).date(), at) for at, tz in
               tuples(Interaction.select(Interaction.happened_at, Interaction.tz)
                      .where(Interaction.contact == contact_id, Interaction.thanked == True)
                      .order_by(Interaction.happened_at))]
    for favor in Favor.select().where(Favor.id.in_(favor_ids)):
        favor.thanked_at = next((at for day, at in thanked if day >= favor.date), None)
        favor.save()
        if favor.thanked_at is None:
            add_task(favor)
        else:
            drop_tasks([favor.id])
