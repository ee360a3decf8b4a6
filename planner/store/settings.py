"""User settings: a typed registry of keys, stored as JSON in the `setting` table.

Each key has a default, a parser for what a person types, and a formatter to show it back.
Tag cadences are keys of the form `tag.NAME` (e.g. `followup config tag.vip monthly`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from planner.core.cadence import describe_cadence, parse_cadence
from planner.core.errors import BadInput
from planner.core.zones import check_zone_name
from planner.store.database import retried, write_tx
from planner.store.models import Setting

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TAG_PREFIX = "tag."
# one member's own working days, holidays and daily cap (`followup config --member NAME capacity 8`),
# stored as `member.ID.KEY`; a member without their own value plans with the desk's
MEMBER_PREFIX = "member."
MEMBER_KEYS = ("workdays", "holidays", "capacity")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Callable[[str], Any]
    show: Callable[[Any], str]
    help: str


def _int_range(low: int, high: int, *, allow_none: bool = False) -> Callable[[str], Any]:
    def parse(text: str) -> int | None:
        if allow_none and text.strip().lower() in {"none", "off", "0", "-"}:
            return None
        try:
            value = int(text)
        except ValueError:
            raise BadInput(f"expected a whole number from {low} to {high}, got {text!r}") from None
        if not low <= value <= high:
            raise BadInput(f"expected a whole number from {low} to {high}, got {value}")
        return value

    return parse


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"expected a fraction such as 0.15, got {text!r}") from None
    if not 0 <= value <= 0.5:
        raise BadInput(f"expected a fraction from 0 to 0.5, got {value}")
    return value


def _workdays(text: str) -> list[str]:
    days = [part.strip().lower()[:3] for part in text.replace(" ", ",").split(",") if part.strip()]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown or not days:
        raise BadInput(f"workdays: expected names like mon,tue,wed,thu,fri, got {text!r}")
    return [day for day in WEEKDAYS if day in days]


def _holidays(text: str) -> str | None:
    raw = text.strip().upper()
    if raw in {"", "NONE", "OFF", "-"}:
        return None
    from planner.core.workdays import validate_holiday_region

    return validate_holiday_region(raw)


def _cadence_setting(text: str) -> int | None:
    return parse_cadence(text)


def _text(text: str) -> str:
    return text.strip()


_BINDING_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$")


def keymap_entries(text: str) -> dict[str, str]:
    """`agenda.log=L,ctrl+k,agenda.snooze=z` as {binding id: keys}: an item with `=` names a
    binding and its key, the items after it without `=` are more keys for the same binding."""
    entries: dict[str, list[str]] = {}
    current = None
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        name, sep, key = item.partition("=")
        if sep:
            name, key = name.strip(), key.strip()
            if not _BINDING_ID.match(name):
                raise BadInput(f"keymap: {name!r} is not a key id such as agenda.log (the ids are in README.md)")
            current = entries.setdefault(name, [])
            item = key
        if current is None:
            raise BadInput(f"keymap: {item!r} has no key id before it; write ID=KEY, e.g. agenda.log=L")
        if not item or " " in item:
            raise BadInput(f"keymap: {raw.strip()!r}: a key is one word such as L, ctrl+k or f5")
        current.append(item)
    return {name: ",".join(keys) for name, keys in entries.items()}


def _keymap(text: str) -> str:
    if text.strip().lower() in {"", "none", "off", "-"}:
        return ""
    return ",".join(f"{name}={keys}" for name, keys in keymap_entries(text).items())


def _collection_url(text: str) -> str | None:
    raw = text.strip()
    if raw.lower() in {"", "none", "off", "-"}:
        return None
    if raw.lower().startswith(("http://", "https://")) and "@" in raw.split("/")[2]:
        # never echoed back: the part before @ may be a password
        raise BadInput("a collection URL must hold no user name or password; "
                       "use `followup config dav.user USER` and --password-file or FOLLOWUP_DAV_PASSWORD")
    if not raw.lower().startswith(("http://", "https://")) or not raw.split("/")[2]:
        raise BadInput(f"expected a collection URL such as https://dav.example.com/alice/contacts/, got {raw!r}")
    return raw if raw.endswith("/") else raw + "/"


def _clock_time(text: str) -> str | None:
    raw = text.strip().lower()
    if raw in {"none", "off", "-"}:
        return None
    parts = raw.split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and int(parts[0]) < 24 and int(parts[1]) < 60:
        return f"{int(parts[0]):02d}:{int(parts[1]):02d}"
    raise BadInput(f"expected a time of day such as 09:00 (or none), got {text!r}")


def _switch(text: str) -> bool:
    raw = text.strip().lower()
    if raw in {"on", "yes", "true", "1"}:
        return True
    if raw in {"off", "no", "false", "0"}:
        return False
    raise BadInput(f"expected on or off, got {text!r}")


def _optional_text(text: str) -> str | None:
    return text.strip() or None


def _show_plain(value: Any) -> str:
    return "none" if value is None else str(value)


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("default_cadence", 182, _cadence_setting, describe_cadence,
                    "cadence for new contacts without their own or a tag's"),
        SettingSpec("workdays", list(WEEKDAYS[:5]), _workdays, ",".join, "days calls may go on"),
        SettingSpec("holidays", None, _holidays, _show_plain,
                    "public holidays of a country[-subdivision], e.g. DE or US-CA"),
        SettingSpec("capacity", None, _int_range(1, 500, allow_none=True), _show_plain,
                    "most calls on one day (none: no cap)"),
        SettingSpec("horizon", 90, _int_range(7, 730), str, "days ahead the plan covers"),
        SettingSpec("tolerance", 0.15, _fraction, str,
                    "how far a call may move from its ideal day, as a share of its cadence"),
        SettingSpec("catchup", 10, _int_range(1, 60), str, "working days to catch up overdue calls"),
        SettingSpec("retry", 2, _int_range(1, 20), str, "working days before retrying a missed call"),
        SettingSpec("thank_within", 2, _int_range(0, 20), str,
                    "working days to thank someone for a favour"),
        SettingSpec("dates_ahead", 3, _int_range(0, 60), str,
                    "days ahead a birthday or other date that matters shows on the agenda"),
        SettingSpec("timezone", "", check_zone_name, _show_plain, "your own IANA time zone (default: system)"),
        SettingSpec("theme", "textual-dark", _text, str, "the app's colour theme"),
        SettingSpec("export.folder", None, _optional_text, _show_plain,
                    "the folder the app's export dialog starts in (the last one exported to)"),
        SettingSpec("keymap", "", _keymap, _show_plain,
                    "your own keys in the app: ID=KEY,..., e.g. agenda.log=L,list.down=n (ids in README.md)"),
        SettingSpec("dav.contacts", None, _collection_url, _show_plain,
                    "the CardDAV address book `followup sync` exchanges contacts with"),
        SettingSpec("dav.calendar", None, _collection_url, _show_plain,
                    "the CalDAV calendar `followup sync` puts the plan's calls in"),
        SettingSpec("dav.user", None, _optional_text, _show_plain,
                    "the user name for both collections (the password never goes in the settings)"),
        SettingSpec("dav.password_file", None, _optional_text, _show_plain,
                    "an owner-only file holding the password of dav.user (else FOLLOWUP_DAV_PASSWORD, "
                    "else the system keyring)"),
        SettingSpec("smtp.host", None, _optional_text, _show_plain, "mail server for `followup remind --email`"),
        SettingSpec("smtp.port", 587, _int_range(1, 65535), str, "its port (587 with STARTTLS, 465 for TLS)"),
        SettingSpec("smtp.user", None, _optional_text, _show_plain,
                    "user name on the mail server (password: --password-file or FOLLOWUP_SMTP_PASSWORD)"),
        SettingSpec("smtp.starttls", True, _switch, lambda v: "on" if v else "off",
                    "upgrade the connection with STARTTLS (on, off)"),
        SettingSpec("smtp.from", None, _optional_text, _show_plain, "the From address of reminder mails"),
        SettingSpec("team.recent_days", 7, _int_range(0, 90), str,
                    "days within which another member's call with a contact warns before you log one"),
        SettingSpec("alarm", "09:00", _clock_time, _show_plain,
                    "reminder time on the day of each call in calendar events and ICS exports (none: no alarm)"),
    )
}


def member_key(member_id: int, key: str) -> str:
    """The stored key of one member's own value of `key` (BadInput for a key that is not per member)."""
    if key not in MEMBER_KEYS:
        raise BadInput(f"--member: {key!r} is the desk's setting; a member has their own "
                       f"{', '.join(MEMBER_KEYS)}")
    return f"{MEMBER_PREFIX}{member_id}.{key}"


def for_member(member_id: int | None, key: str) -> Any:
    """A member's own value of `key`, else the desk's (None: the desk's)."""
    if member_id is None:
        return get(key)
    row = Setting.get_or_none(Setting.key == member_key(member_id, key))
    return get(key) if row is None else json.loads(row.value)


def _spec(key: str) -> SettingSpec:
    if key.startswith(MEMBER_PREFIX):
        _member, _, name = key[len(MEMBER_PREFIX):].partition(".")
        if _member.isdigit() and name in MEMBER_KEYS:
            return SPECS[name]
    if key.startswith(TAG_PREFIX) and len(key) > len(TAG_PREFIX):
        return SettingSpec(key, None, _cadence_setting, describe_cadence, "cadence for this tag")
    if key not in SPECS:
        known = ", ".join(sorted(SPECS)) + ", tag.NAME"
        raise BadInput(f"unknown setting {key!r}; known settings: {known}")
    return SPECS[key]


def get(key: str) -> Any:
    spec = _spec(key)
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else json.loads(row.value)


@retried
def set_value(key: str, text: str) -> Any:
    """Parse `text` for `key`, store it, and return the parsed value."""
    spec = _spec(key)
    try:
        value = spec.parse(text)
    except BadInput as exc:  # said with the setting it is about, once
        raise BadInput(str(exc) if str(exc).startswith(f"{key}:") else f"{key}: {exc}") from None
    with write_tx():
        if key.startswith(TAG_PREFIX) and value is None:
            Setting.delete().where(Setting.key == key).execute()
        else:
            stored = json.dumps(value)  # an upsert both engines know (SQLite's REPLACE is its own)
            (Setting.insert(key=key, value=stored)
             .on_conflict(conflict_target=[Setting.key], update={Setting.value: stored}).execute())
    return value


def show(key: str) -> str:
    return _spec(key).show(get(key))


def all_settings() -> dict[str, Any]:
    """Every setting with its current value, tag cadences included."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    values = {key: stored.get(key, spec.default) for key, spec in SPECS.items()}
    values.update({key: value for key, value in stored.items() if key.startswith(TAG_PREFIX)})
    return values


def tag_cadences() -> dict[str, int]:
    rows = Setting.select().where(Setting.key.startswith(TAG_PREFIX))
    return {row.key[len(TAG_PREFIX):]: json.loads(row.value) for row in rows}
