"""Blocked days and ranges (vacations, conferences): no call is planned on them.

Unblocking a range that covers only part of a block trims or splits that block, so
`unblock 2026-12-28` reopens one day of a two-week vacation. Every change re-plans everyone
(stably); pinned calls inside a new block stay (they belong to whoever pinned them) and are
reported so the user can move them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.core.errors import BadInput, NotFound
from planner.scheduling.service import replan
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Block, PlannedCall

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class BlockView:
    id: int
    start: dt.date
    end: dt.date
    note: str
    member_id: int | None = None  # one member's days off; None: the whole desk's

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_json(self) -> dict:
        return {"id": self.id, "start": self.start.isoformat(), "end": self.end.isoformat(), "note": self.note,
                "member_id": self.member_id}


def _view(block: Block) -> BlockView:
    return BlockView(block.id, block.start, block.end, block.note, block.member_id)


def _check(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise BadInput(f"range {start.isoformat()}..{end.isoformat()}: the end is before the start")


@retried
def add_block(start: dt.date, end: dt.date, note: str = "", member_id: int | None = None) -> BlockView:
    """Block start..end for everyone, or for one member (their calls only)."""
    _check(start, end)
    with journaled(f"Blocked {start.isoformat()}..{end.isoformat()}"):
        block = Block.create(start=start, end=end, note=note.strip(), member_id=member_id)
        replan(None)
    return _view(block)


@retried
def remove_block(start: dt.date, end: dt.date, member_id: int | None = None) -> list[BlockView]:
    """Reopen start..end, for everyone or for one member (their own blocks only); returns the
    blocks as they were before. NotFound when nothing overlaps."""
    _check(start, end)
    whose = Block.member_id.is_null() if member_id is None else Block.member_id == member_id
    with journaled(f"Unblocked {start.isoformat()}..{end.isoformat()}"):
        hits = list(Block.select().where(Block.start <= end, Block.end >= start, whose).order_by(Block.start))
        if not hits:
            raise NotFound(f"nothing is blocked within {start.isoformat()}..{end.isoformat()}")
        before = [_view(b) for b in hits]
        for block in hits:
            keep = []
            if block.start < start:
                keep.append((block.start, start - DAY))
            if block.end > end:
                keep.append((end + DAY, block.end))
            if not keep:
                block.delete_instance()
                continue
            block.start, block.end = keep[0]
            block.save()
            for piece in keep[1:]:
                Block.create(start=piece[0], end=piece[1], note=block.note, member_id=block.member_id)
        replan(None)
    return before


def list_blocks() -> list[BlockView]:
    return [_view(b) for b in Block.select().order_by(Block.start, Block.end)]


def pinned_inside(start: dt.date, end: dt.date) -> int:
    """Pinned calls on days of the range: the planner leaves them, the user may want to move them."""
    return (PlannedCall.select().where(PlannedCall.pinned == True,
                                       PlannedCall.date.between(start, end)).count())
