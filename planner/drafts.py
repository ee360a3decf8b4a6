"""Quick-log drafts: what is being typed during a call, saved as it is typed.

Over SSH the line can drop mid-call; the app then gets SIGHUP and exits without running its
unmount code, so a note kept only in the widget is gone (shared/PITFALLS.md). The quick-log screen
therefore saves its state here (debounced while typing, and once more on SIGHUP), and the next
start offers the newest draft back with its contact and the moment the call timer started.
Domain code: no Textual here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from planner.db import write_tx
from planner.errors import NotFound
from planner.models import Contact, Draft, utcnow


@dataclass
class DraftView:
    """One unfinished quick-log note. Moments are aware (UTC)."""

    id: int
    contact_id: int | None
    contact_name: str
    started_at: dt.datetime
    updated_at: dt.datetime
    kind: str = "call"
    outcome: str = "spoke"
    summary: str = ""
    notes: str = ""
    next_when: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing a person typed: no point offering it back."""
        return not (self.summary.strip() or self.notes.strip() or self.next_when.strip() or _typed_extra(self.extra))


def _typed_extra(extra: dict) -> bool:
    return any(value for key, value in extra.items() if key not in {"timer_running"})


def _naive_utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.timezone.utc)


def save_draft(
    draft_id: int | None,
    contact_id: int | None,
    kind: str,
    outcome: str,
    summary: str,
    notes: str,
    next_when: str | None,
    extra: dict,
    *,
    started_at: dt.datetime | None = None,
) -> int:
    """Create or update a draft and return its id.

    A draft discarded meanwhile (another session logged it) is created again rather than lost; a
    contact deleted meanwhile is dropped from the draft, the text is kept. `started_at` (the call
    timer start) is kept from the first save unless given.
    """
    payload = json.dumps(extra or {}, ensure_ascii=False, default=str)
    with write_tx():
        if contact_id is not None and not Contact.select().where(Contact.id == contact_id).exists():
            contact_id = None
        row = Draft.get_or_none(Draft.id == draft_id) if draft_id is not None else None
        if row is None:
            row = Draft(started_at=_naive_utc(started_at))
        elif started_at is not None:
            row.started_at = _naive_utc(started_at)
        row.contact = contact_id
        row.kind = kind or "call"
        row.outcome = outcome or "spoke"
        row.summary = summary or ""
        row.notes = notes or ""
        row.next_when = next_when or ""
        row.extra = payload
        row.updated_at = utcnow()
        row.save()
    return row.id


def _view(row: Draft) -> DraftView:
    contact = Contact.get_or_none(Contact.id == row.contact_id) if row.contact_id is not None else None
    try:
        extra = json.loads(row.extra or "{}")
    except ValueError:
        extra = {}
    return DraftView(
        id=row.id,
        contact_id=contact.id if contact else None,
        contact_name=contact.name if contact else "",
        started_at=_aware(row.started_at),
        updated_at=_aware(row.updated_at),
        kind=row.kind,
        outcome=row.outcome,
        summary=row.summary,
        notes=row.notes,
        next_when=row.next_when,
        extra=extra if isinstance(extra, dict) else {},
    )


def get_draft(draft_id: int) -> DraftView:
    row = Draft.get_or_none(Draft.id == draft_id)
    if row is None:
        raise NotFound(f"no draft with id {draft_id}")
    return _view(row)


def list_drafts() -> list[DraftView]:
    """Every draft with something typed in it, newest first."""
    rows = Draft.select().order_by(Draft.updated_at.desc(), Draft.id.desc())
    return [view for view in (_view(row) for row in rows) if not view.is_empty]


def latest_draft() -> DraftView | None:
    """The newest draft worth offering back (something was typed), or None."""
    drafts = list_drafts()
    return drafts[0] if drafts else None


def discard_draft(draft_id: int) -> None:
    """Forget a draft (saved as an interaction, or thrown away). Unknown ids are ignored: another
    session may have discarded it first."""
    with write_tx():
        Draft.delete().where(Draft.id == draft_id).execute()
