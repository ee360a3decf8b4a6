"""The configured collections (`dav.contacts`, `dav.calendar`, `dav.user`): when each last synced,
and one sync of all of them, as the app's ctrl+r runs it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.core.errors import BadInput
from planner.core.zones import configured_zone, in_user_zone
from planner.store import settings
from planner.sync.calendar import Progress
from planner.sync.dav import DavCollection, display_url
from planner.sync.report import SyncReport
from planner.sync.state import find_collection, sync_lock

KINDS = ("contacts", "calendar")


@dataclass(frozen=True)
class CollectionStatus:
    kind: str  # contacts | calendar
    url: str  # shown without user information
    last_synced_at: dt.datetime | None  # aware, in the user's zone; None: never synced


def configured_targets() -> list[tuple[str, str]]:
    """(kind, url) of every configured collection, contacts first."""
    return [(kind, url) for kind in KINDS if (url := settings.get(f"dav.{kind}"))]


def collection_status() -> list[CollectionStatus]:
    """Each configured collection and when a sync of it last finished."""
    zone = configured_zone(settings.get("timezone"))
    found = []
    for kind, url in configured_targets():
        row = find_collection(url)
        when = row.last_synced_at if row is not None else None
        found.append(CollectionStatus(kind, display_url(url),
                                      in_user_zone(when, zone) if when is not None else None))
    return found


def sync_configured(password: str | None, progress: Progress | None = None, *, days: int = 28) -> list[SyncReport]:
    """Sync every configured collection, under the lock a cron sync of this database also takes.
    `progress(step, name)` is called as each collection starts (step: its kind, no name) and before
    each item is written (step: its kind and what is done, such as "contacts put")."""
    from planner.sync.calendar import sync_calendar
    from planner.sync.contacts import sync_contacts

    targets = configured_targets()
    if not targets:
        raise BadInput("no collection to sync: set one with `followup config dav.contacts URL` "
                       "(or dav.calendar URL)")
    user = settings.get("dav.user")
    reports = []
    with sync_lock():
        if any(kind == "calendar" for kind, _ in targets):
            # The app stays open overnight: the calendar gets today's plan, as `followup sync` does.
            from planner.scheduling.service import refresh_if_stale

            refresh_if_stale()
        for kind, url in targets:
            step = (lambda what, name, kind=kind: progress(f"{kind} {what}", name)) if progress else None
            if progress:
                progress(kind, "")  # reading what changed on the server: no item yet
            client = DavCollection(url, user=user, password=password, kind=kind)
            try:
                if kind == "contacts":
                    reports.append(sync_contacts(client, progress=step))
                else:
                    reports.append(sync_calendar(client, days=days, progress=step))
            finally:
                client.close()
    return reports
