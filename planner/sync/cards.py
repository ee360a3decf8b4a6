"""vCards on the server: what followup reads from them, and editing them in place.

A card on the server belongs to the phone as much as to us: it may carry a photo, a birthday,
addresses and vendor X- lines that followup does not model. So we never regenerate a card: we
replace only the lines of the fields that changed and keep every other line byte for byte (a
continued line, or a vCard 2.1 quoted-printable value, moves as one piece).

The fields compared on both sides are `FIELDS`, each in followup's own normal form (tags
lower-cased, emails checked), so a card and a contact that agree compare equal.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from planner.core.textsafe import strip_controls
from planner.io.importers import vcard
from planner.io.importers.apply import phone_key, validated
from planner.io.importers.common import ImportRecord

FIELDS = ("name", "company", "title", "emails", "phones", "tags", "kind", "timezone")
LIST_FIELDS = ("emails", "phones", "tags")
OPTIONAL = ("kind", "timezone")  # X-FOLLOWUP-* fields: a card without them has no opinion
DEFAULTS = {"kind": "other", "timezone": ""}
_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)(?=[;:])")


class CardError(Exception):
    """The server's card cannot be read; the message names the line."""


def read_card(text: str, where: str) -> tuple[ImportRecord, dict, str]:
    """The import record, the fields in followup's form (OPTIONAL ones None when absent) and the
    card's UID. Uses the importer's own vCard reader, so sync and import read cards alike."""
    try:
        parsed = vcard.parse(text, Path(where))
    except Exception as exc:  # BadInput from the card splitter: no BEGIN/END and the like
        raise CardError(str(exc)) from None
    if parsed.skipped or not parsed.records:
        line, reason = parsed.skipped[0] if parsed.skipped else (1, "no card")
        raise CardError(f"{where}: line {line}: {reason}")
    if len(parsed.records) > 1:
        raise CardError(f"{where}: holds {len(parsed.records)} cards, a member should hold one")
    warnings: list[tuple[int, str]] = []
    record = validated(parsed.records[0], warnings)
    if record is None:
        raise CardError(f"{where}: the name is longer than followup keeps")
    fields = {
        "name": record.name, "company": record.company, "title": record.title,
        "emails": list(record.emails), "phones": list(record.phones), "tags": list(record.tags),
        "kind": (record.kind or None) if _has(text, "X-FOLLOWUP-KIND") else None,
        "timezone": record.timezone if _has(text, "X-FOLLOWUP-TIMEZONE") else None,
    }
    return record, fields, _uid(text)


def _has(text: str, prop: str) -> bool:
    return any(_prop_name(line) == prop for _, line in vcard.logical_lines(text))


def _uid(text: str) -> str:
    for _, line in vcard.logical_lines(text):
        if _prop_name(line) == "UID":
            return vcard.unescape(line.split(":", 1)[1]).strip() if ":" in line else ""
    return ""


def revision(text: str) -> dt.datetime | None:
    """The card's REV as a naive UTC moment, when it has a readable one."""
    for _, line in vcard.logical_lines(text):
        if _prop_name(line) == "REV" and ":" in line:
            raw = line.split(":", 1)[1].strip().replace("-", "").replace(":", "")
            for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
                try:
                    return dt.datetime.strptime(raw.split(".")[0].rstrip("Z") + ("Z" if "Z" in fmt else ""), fmt)
                except ValueError:
                    continue
    return None


def _prop_name(line: str) -> str:
    match = _NAME.match(line)
    return match.group(1).upper() if match else ""


# -- editing ----------------------------------------------------------------------------------


def _chunks(text: str) -> list[list[str]]:
    """The card's physical lines grouped per property: a line with its continuations."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    groups: list[list[str]] = []
    qp = False
    for line in lines:
        if not line:
            continue
        if groups and (line[0] in " \t" or qp):
            groups[-1].append(line)
        else:
            groups.append([line])
        head = groups[-1][0].lower()
        qp = "quoted-printable" in head.split(":", 1)[0] and line.endswith("=")
    return groups


def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;"))


def _fold(line: str) -> list[str]:
    """RFC 6350 folding at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _value_of(group: list[str]) -> str:
    logical = vcard.logical_lines("\n".join(group))
    line = logical[0][1] if logical else group[0]
    return vcard.unescape(line.split(":", 1)[1]) if ":" in line else ""


def _split_name(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return (family, given) if given else (name, "")


def _new_lines(field: str, value) -> list[str]:
    """The property lines for one field's new value (none when empty)."""
    if field == "name":
        family, given = _split_name(value)
        return [f"FN:{_escape(value)}", f"N:{_escape(family)};{_escape(given)};;;"]
    if field == "company":
        return [f"ORG:{_escape(value)}"] if value else []
    if field == "title":
        return [f"TITLE:{_escape(value)}"] if value else []
    if field == "tags":
        return ["CATEGORIES:" + ",".join(_escape(tag) for tag in value)] if value else []
    if field == "kind":
        return [f"X-FOLLOWUP-KIND:{_escape(value)}"] if value else []
    if field == "timezone":
        return [f"X-FOLLOWUP-TIMEZONE:{_escape(value)}"] if value else []
    if field == "cadence":
        return [f"X-FOLLOWUP-CADENCE:{value}"] if value else []
    raise ValueError(field)


_PROPS = {"name": ("FN", "N"), "company": ("ORG",), "title": ("TITLE",), "tags": ("CATEGORIES",),
          "kind": ("X-FOLLOWUP-KIND",), "timezone": ("X-FOLLOWUP-TIMEZONE",), "cadence": ("X-FOLLOWUP-CADENCE",)}


def date_lines(dates: list[tuple[str, str, bool]], text: str = "") -> list[str]:
    """Property lines for dates that matter a card lacks, each (kind, "1985-03-12" or "--03-12",
    yearly): a birthday as BDAY and an anniversary as ANNIVERSARY where the card has none yet
    (what address books read), every other one as our own X-FOLLOWUP-DATE;KIND=...;YEARLY=TRUE,
    which the importer reads back. Only ever added: the lines already on the card stay."""
    free = {kind: prop for kind, prop in (("birthday", "BDAY"), ("anniversary", "ANNIVERSARY")) if not _has(text, prop)}
    lines = []
    for kind, value, yearly in dates:
        prop = free.pop(kind, None)
        if prop is not None:
            lines.append(f"{prop}:{value}")
        else:
            lines.append(f"X-FOLLOWUP-DATE;KIND={kind}" + (";YEARLY=TRUE" if yearly else "") + f":{value}")
    return lines


def edit_card(text: str, changes: dict, *, now: dt.datetime) -> str:
    """`text` with the properties of the changed fields rewritten, REV set to `now`, and every
    other line as it was. Emails and phones that stay keep their own lines (and TYPE labels)."""
    groups = _chunks(text)
    end = next((i for i in range(len(groups) - 1, -1, -1) if groups[i][0].strip().upper() == "END:VCARD"), None)
    if end is None:
        raise CardError("the card has no END:VCARD")
    body, tail = groups[:end], groups[end:]
    added: list[list[str]] = []
    for field, value in changes.items():
        if field == "dates":  # (kind, text, yearly) the card lacks: added beside what it has
            added += [_fold(line) for line in date_lines(value, text)]
            continue
        if field in ("emails", "phones"):
            prop = "EMAIL" if field == "emails" else "TEL"
            key = (lambda v: v.lower().removeprefix("mailto:")) if field == "emails" else (
                lambda v: phone_key(v[4:] if v.lower().startswith("tel:") else v))
            wanted = {key(v): v for v in value}
            kept = set()
            remaining = []
            for group in body:
                if _prop_name(group[0]) == prop:
                    existing = key(strip_controls(_value_of(group)).strip())
                    if existing not in wanted or existing in kept:
                        continue
                    kept.add(existing)
                remaining.append(group)
            body = remaining
            for item_key, item in wanted.items():
                if item_key not in kept:
                    line = f"EMAIL;TYPE=INTERNET:{item}" if prop == "EMAIL" else f"TEL:{item}"
                    added.append(_fold(line))
            continue
        if field == "company":
            # ORG may carry departments after the first component: keep them
            org = next((g for g in body if _prop_name(g[0]) == "ORG"), None)
            if org is not None and value:
                logical = vcard.logical_lines("\n".join(org))[0][1]
                head, _, raw = logical.partition(":")
                rest = vcard.split_unescaped(raw, ";")[1:]
                line = head + ":" + ";".join([_escape(value)] + [_escape(part) for part in rest])
                body = [(_fold(line) if g is org else g) for g in body]
                continue
        props = _PROPS[field]
        body = [g for g in body if _prop_name(g[0]) not in props]
        added += [_fold(line) for line in _new_lines(field, value)]
    body = [g for g in body if _prop_name(g[0]) != "REV"]
    added.append([f"REV:{now:%Y%m%dT%H%M%SZ}"])
    return "\r\n".join(line for group in body + added + tail for line in group) + "\r\n"


def new_card(uid: str, fields: dict, *, cadence: str, now: dt.datetime,
             dates: list[tuple[str, str, bool]] | None = None) -> str:
    """A vCard 3.0 for a contact the server does not have yet: only the synced fields, the dates
    that matter and the X-FOLLOWUP set (never notes, the ledger or the plan)."""
    skeleton = f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{_escape(uid)}\r\nEND:VCARD\r\n"
    changes = {field: fields[field] for field in FIELDS if fields.get(field) not in (None, "", [])}
    changes.setdefault("name", fields["name"])
    if cadence:
        changes["cadence"] = cadence
    if dates:
        changes["dates"] = dates
    return edit_card(skeleton, changes, now=now)
