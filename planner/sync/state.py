"""The sync state kept in the database: one row per collection (its sync token) and one per card
or event (its ETag and the state both sides last agreed on), and the lock that keeps two syncs of
one database (cron and a person, say) from running at once."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Mapping

from planner.store import dialect, engine
from planner.store.database import database_path, db, retried, write_tx
from planner.store.models import SyncCollection, SyncItem, utcnow
from planner.sync.dav import DavCollection, Listing, SyncError, TokenExpired


def find_collection(url: str) -> SyncCollection | None:
    return SyncCollection.get_or_none(SyncCollection.url == url)


def ensure_collection(url: str, kind: str) -> SyncCollection:
    """The collection's row, created on first use (call inside a write transaction)."""
    row = find_collection(url)
    if row is None:
        row = SyncCollection.create(url=url, kind=kind)
    elif row.kind != kind:
        raise SyncError(f"{url} was synced as {row.kind}, not {kind}")
    return row


def items_of(collection: SyncCollection | None) -> dict[str, SyncItem]:
    if collection is None:
        return {}
    return {item.href: item for item in SyncItem.select().where(SyncItem.collection == collection)}


def changes_since_last(client: DavCollection, collection: SyncCollection | None,
                       known: Mapping[str, SyncItem]) -> tuple[Listing, list[str]]:
    """What the server changed since the token of the last complete sync (everything again when
    it no longer knows that token), and which of the `known` items it no longer has."""
    token = collection.sync_token if collection else ""
    try:
        listing = client.list_changes(token)
    except TokenExpired:
        listing = client.list_changes("")
    if listing.complete:
        return listing, [href for href in known if href not in listing.changed]
    return listing, [href for href in listing.deleted if href in known]


@retried
def finish(url: str, kind: str, token: str) -> None:
    """Every item of this listing is applied: remember the server's token and the time."""
    with write_tx():
        row = ensure_collection(url, kind)
        row.sync_token = token
        row.last_synced_at = utcnow()
        row.save()


@contextlib.contextmanager
def sync_lock() -> Iterator[None]:
    """An exclusive lock beside the database file for the length of one sync (on a server, a
    session-level advisory lock: there is no file to put a lock beside)."""
    busy = "another sync of this database is running; try again when it has finished"
    if engine.on_server(db):
        if not dialect.try_session_lock(engine.SYNC_LOCK_KEY):
            raise SyncError(busy)
        try:
            yield
        finally:
            dialect.release_session_lock(engine.SYNC_LOCK_KEY)
        return
    path = database_path()
    if str(path) == ":memory:":
        yield
        return
    lock_path = path.with_name(path.name + ".sync-lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError(busy) from None
        yield
    finally:
        os.close(fd)
