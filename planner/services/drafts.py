"""Quick-log drafts: what is being typed during a call, saved as it is typed.

Over SSH the line can drop mid-call; the app then gets SIGHUP and exits without running its
unmount code, so a note kept only in the widget is gone (docs/operations.md). The quick-log screen
therefore saves its state here (debounced while typing, and once more on SIGHUP), and the next
start offers the newest draft back with its contact and the moment the call timer started.

Two SSH logins can run followup on one database. A draft records which process has it open (pid,
host and a heartbeat, kept in its `extra` JSON under `_owner`), and the start-up offer skips a
draft whose owner is still running and has beaten recently: one session never offers back a note
another one is still typing. Every write re-checks that owner in its own transaction: saving,
claiming (resume, heartbeat) and discarding refuse a draft another running session holds, so two
sessions never write over each other's note. Domain code: no Textual here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from planner.core.errors import FollowupError, NotFound
from planner.core.vocabulary import InteractionKind, Outcome
from planner.core.zones import to_utc_naive, utc_aware
from planner.store.database import db, retried, write_tx
from planner.store.models import Contact, Draft, utcnow

OWNER_KEY = "_owner"  # in Draft.extra: {"pid": ..., "host": ..., "beat": ISO time, naive UTC}
HEARTBEAT_SECONDS = 20.0  # an open quick-log refreshes its beat this often, typing or not
# A beat older than this means the owner is gone even if its pid is alive (reused pid, crashed host).
OWNER_FRESH = dt.timedelta(seconds=90)


class DraftHeldElsewhere(FollowupError):
    """Another running followup (another SSH login) has this draft open: it is not ours to write."""

    def __init__(self) -> None:
        super().__init__("This note is now open in another session")


@dataclass(frozen=True)
class DraftOwner:
    """The followup process that has a draft open, and when it last said so (aware UTC)."""

    pid: int
    host: str
    beat: dt.datetime


@dataclass
class DraftView:
    """One unfinished quick-log note. Moments are aware (UTC)."""

    id: int
    contact_id: int | None
    contact_name: str
    started_at: dt.datetime
    updated_at: dt.datetime
    kind: str = InteractionKind.CALL
    outcome: str = Outcome.SPOKE
    summary: str = ""
    notes: str = ""
    next_when: str = ""
    extra: dict = field(default_factory=dict)
    owner: DraftOwner | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing a person typed: no point offering it back."""
        return not (self.summary.strip() or self.notes.strip() or self.next_when.strip() or _typed_extra(self.extra))


def _typed_extra(extra: dict) -> bool:
    return any(value for key, value in extra.items() if key not in {"timer_running"})


def _naive_utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return utcnow()
    return moment if moment.tzinfo is None else to_utc_naive(moment)  # naive: stored already


def _this_process() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "beat": utcnow().isoformat()}


def _is_this_process(owner: object) -> bool:
    return (isinstance(owner, dict) and owner.get("pid") == os.getpid()
            and owner.get("host") == socket.gethostname())


def _load_extra(text: str | None) -> dict:
    try:
        extra = json.loads(text or "{}")
    except ValueError:
        return {}
    return extra if isinstance(extra, dict) else {}


def _owner(extra: dict) -> DraftOwner | None:
    raw = extra.get(OWNER_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return DraftOwner(int(raw["pid"]), str(raw["host"]), utc_aware(dt.datetime.fromisoformat(raw["beat"])))
    except (KeyError, TypeError, ValueError):
        return None


@retried
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
    timer start) is kept from the first save unless given. The saving process becomes the draft's
    owner, with a fresh heartbeat, unless another running session holds it: then nothing is
    written and DraftHeldElsewhere is raised (save the text as a new draft instead).
    """
    extra = {key: value for key, value in (extra or {}).items() if key != OWNER_KEY}
    payload = json.dumps(extra | {OWNER_KEY: _this_process()}, ensure_ascii=False, default=str)
    with write_tx():
        if contact_id is not None and not Contact.select().where(Contact.id == contact_id).exists():
            contact_id = None
        row = Draft.get_or_none(Draft.id == draft_id) if draft_id is not None else None
        if row is not None and _row_held_elsewhere(row):
            raise DraftHeldElsewhere()
        if row is None:
            row = Draft(started_at=_naive_utc(started_at))
        elif started_at is not None:
            row.started_at = _naive_utc(started_at)
        row.contact_id = contact_id
        row.kind = kind or InteractionKind.CALL
        row.outcome = outcome or Outcome.SPOKE
        row.summary = summary or ""
        row.notes = notes or ""
        row.next_when = next_when or ""
        row.extra = payload
        row.updated_at = utcnow()
        row.save()
    return row.id


def _view(row: Draft) -> DraftView:
    contact = Contact.get_or_none(Contact.id == row.contact_id) if row.contact_id is not None else None
    extra = _load_extra(row.extra)
    owner = _owner(extra)
    extra.pop(OWNER_KEY, None)
    return DraftView(
        id=row.id,
        contact_id=contact.id if contact else None,
        contact_name=contact.name if contact else "",
        started_at=utc_aware(row.started_at),
        updated_at=utc_aware(row.updated_at),
        kind=row.kind,
        outcome=row.outcome,
        summary=row.summary,
        notes=row.notes,
        next_when=row.next_when,
        extra=extra,
        owner=owner,
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


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False  # 0 and negatives would signal process groups
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except OSError:
        return False
    return True


def held_elsewhere(draft: DraftView, now: dt.datetime | None = None) -> bool:
    """True while another running followup has this draft open: its owner beat within
    OWNER_FRESH and, on this host, its pid is alive (another host's pid cannot be checked, so the
    beat alone decides). A draft owned by this very process is not "elsewhere": at start-up that
    can only be a dead owner whose pid was reused."""
    return _owner_elsewhere(draft.owner, now)


def _owner_elsewhere(owner: DraftOwner | None, now: dt.datetime | None = None) -> bool:
    if owner is None:
        return False
    host = socket.gethostname()
    if (owner.pid, owner.host) == (os.getpid(), host):
        return False
    now = now or dt.datetime.now(dt.UTC)
    if now - owner.beat > OWNER_FRESH:
        return False
    return owner.host != host or _pid_alive(owner.pid)


def _row_held_elsewhere(row: Draft) -> bool:
    return _owner_elsewhere(_owner(_load_extra(row.extra)))


def latest_draft() -> DraftView | None:
    """The newest draft worth offering back: something was typed, and no other running followup
    (another SSH login on this database) has it open. None if there is none."""
    now = dt.datetime.now(dt.UTC)
    return next((draft for draft in list_drafts() if not held_elsewhere(draft, now)), None)


@retried
def claim_draft(draft_id: int) -> DraftView:
    """Make this process the draft's owner (a resumed note, or a heartbeat of one open here) and
    return it as stored now. Only a dead or silent owner is taken over: DraftHeldElsewhere while
    another running session has it open, NotFound once it is gone. One write transaction, so the
    check and the claim cannot be split by another session's claim."""
    with write_tx():
        row = Draft.get_or_none(Draft.id == draft_id)
        if row is None:
            raise NotFound(f"no draft with id {draft_id}")
        if _row_held_elsewhere(row):
            raise DraftHeldElsewhere()
        extra = _load_extra(row.extra)
        extra[OWNER_KEY] = _this_process()
        row.extra = json.dumps(extra, ensure_ascii=False, default=str)
        Draft.update(extra=row.extra).where(Draft.id == draft_id).execute()
        return _view(row)


@retried
def touch_draft(draft_id: int, *, claim: bool = False) -> bool:
    """Refresh this process's heartbeat on a draft it has open; `claim` takes it over first when
    its owner is dead or silent (claim_draft). False when the draft is gone or another process
    owns it: stop beating. The "last typed" moment is left alone."""
    if claim:
        try:
            claim_draft(draft_id)
        except (NotFound, DraftHeldElsewhere):
            return False
        return True
    with write_tx():
        row = Draft.get_or_none(Draft.id == draft_id)
        if row is None:
            return False
        extra = _load_extra(row.extra)
        if not _is_this_process(extra.get(OWNER_KEY)):
            return False
        extra[OWNER_KEY] = _this_process()
        Draft.update(extra=json.dumps(extra, ensure_ascii=False, default=str)).where(Draft.id == draft_id).execute()
    return True


@retried
def release_draft(draft_id: int) -> None:
    """This process no longer has the draft open (kept for later): any session may offer it now."""
    with write_tx():
        row = Draft.get_or_none(Draft.id == draft_id)
        if row is None:
            return
        extra = _load_extra(row.extra)
        if _is_this_process(extra.pop(OWNER_KEY, None)):
            Draft.update(extra=json.dumps(extra, ensure_ascii=False, default=str)).where(Draft.id == draft_id).execute()


@retried
def discard_draft(draft_id: int) -> bool:
    """Forget a draft (saved as an interaction, or thrown away), unless another running session
    has it open: then nothing is deleted and False is returned. Unknown ids count as discarded
    (another session got there first). Inside a caller's transaction this is a savepoint of it."""
    with write_tx():
        row = Draft.get_or_none(Draft.id == draft_id)
        if row is None:
            return True
        if _row_held_elsewhere(row):
            return False
        Draft.delete().where(Draft.id == draft_id).execute()
    return True


class OwnerWatch:
    """Notes other running sessions hold, watched so that one whose session ends is offered at once.

    At start-up a note another session still has open is not offered; but that session may be
    the one whose SSH line just dropped, still exiting as the user logs in again. So the app
    calls `check()` every few seconds: every note held elsewhere is remembered, and the newest
    remembered one whose owner has since gone (its pid dead, or its beat stale) is returned to be
    offered. A note its session let go of while running on ("keep as draft") is not: that user
    is still there, and the next start offers it. `offered(id)` forgets a note once shown, so
    "Later" is not asked again every few seconds. Not thread-safe: one check at a time.
    """

    def __init__(self) -> None:
        self._held: set[int] = set()

    def check(self, now: dt.datetime | None = None) -> DraftView | None:
        now = now or dt.datetime.now(dt.UTC)
        present: set[int] = set()
        freed: DraftView | None = None
        for draft in list_drafts():  # newest first
            present.add(draft.id)
            if held_elsewhere(draft, now):
                self._held.add(draft.id)
            elif draft.id in self._held:
                if draft.owner is None or (draft.owner.pid, draft.owner.host) == (os.getpid(), socket.gethostname()):
                    self._held.discard(draft.id)  # let go by a session still running, or taken here
                elif freed is None:
                    freed = draft
        self._held &= present  # logged or discarded meanwhile
        return freed

    def offered(self, draft_id: int) -> None:
        self._held.discard(draft_id)


def bound_database() -> str | None:
    """The database file drafts go to now. A quick-log's heartbeat thread compares it with the file
    it started on and stops rather than write a beat into a database bound later."""
    return db.database


@contextmanager
def own_connection() -> Iterator[None]:
    """A connection for a thread of its own (the heartbeat), closed again when the block ends:
    Peewee keeps one connection per thread, and a beat every few seconds must not leave one open."""
    with db.connection_context():
        yield
