"""Moments and zones: stored moments are naive UTC, each with the zone it was given in; this is
the one place that converts between them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from planner.core.dates import now_local
from planner.core.errors import BadInput


def zone_key(moment: dt.datetime) -> str:
    """How to store the zone a moment was given in: an IANA key when known, else its UTC offset."""
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return key
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


MAX_ZONE_NAME = 64  # the longest IANA name is about 30 characters


def check_zone_name(zone: str) -> str:
    """`zone` stripped if it is an IANA time zone name ("" stays ""), else BadInput. The one check
    of a zone name, for the CLI, the app and every importer."""
    zone = zone.strip()
    if not zone:
        return ""
    shown = zone[:MAX_ZONE_NAME]
    if len(zone) > MAX_ZONE_NAME or not _is_zone(zone):
        raise BadInput(f"time zone {shown!r} unknown; use an IANA name such as Europe/Berlin")
    return zone


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        return False
    return True


def zone_from_key(key: str) -> dt.tzinfo:
    if key and key[0] in "+-" and len(key) == 6:
        sign = 1 if key[0] == "+" else -1
        return dt.timezone(sign * dt.timedelta(hours=int(key[1:3]), minutes=int(key[4:6])))
    if key:
        try:
            return zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return now_local().tzinfo or dt.UTC


def to_utc_naive(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now_local().tzinfo)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def aware(stored: dt.datetime, zone: str = "") -> dt.datetime:
    """A stored naive-UTC moment, as an aware datetime in the zone it was logged in."""
    return stored.replace(tzinfo=dt.UTC).astimezone(zone_from_key(zone))


def stored_moment(value: object) -> dt.datetime:
    """A naive-UTC moment as a raw cursor or an aggregate hands it back: a datetime, or its ISO text."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def utc_aware(stored: dt.datetime) -> dt.datetime:
    """A stored naive-UTC moment, as an aware UTC datetime."""
    return stored.replace(tzinfo=dt.UTC)


def configured_zone(name: str) -> dt.tzinfo | None:
    """The user's `timezone` setting as a zone; None, the system's own rules, when it is unset or
    unknown."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
    return None


def in_user_zone(stored: object, zone: dt.tzinfo | None) -> dt.datetime:
    """A stored naive-UTC moment, aware in the user's zone (`configured_zone`): its `.date()` is the
    user's calendar day, the day the planner counts a cadence from and every list shows. None takes
    the system zone's rules at that moment (summer time included), not today's offset."""
    return utc_aware(stored_moment(stored)).astimezone(zone)
