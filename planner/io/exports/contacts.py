"""`followup export-contacts`: every contact back out as CSV, vCard 3.0 or JSON.

Text goes out through `file_text`: exact, but every control written as a visible stand-in that
our importers turn back into the control, so re-importing an export gives back what was stored
(a name holding ESC keeps its ESC, not a picture of it) and the file is still harmless on a
terminal. CSV cells then go through `csv_safe`, so a name like `=SUM(A1)` opens in a spreadsheet
as text, not as a formula; our CSV importer takes the guard off again. The vCard export carries
followup's own fields (kind, cadence, time zone) as X- properties that our vCard importer reads
back. Files are created owner-only and replaced atomically, so a reader never
sees half an export and an interrupted export leaves the old file intact.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import vobject

from planner.core.textsafe import csv_safe, file_text, json_text
from planner.io.exports.files import write_private as write_file
from planner.services.contact_views import ContactView, load_views
from planner.services.important_dates import DateView, dates_of
from planner.store.dialect import name_order
from planner.store.models import Contact

FORMATS = ("csv", "vcard", "json")
CSV_COLUMNS = ("name", "company", "title", "emails", "phones", "tags", "kind", "cadence_days", "timezone",
               "notes", "source", "external_key")
LIST_SEPARATOR = "; "


def all_contacts() -> list[ContactView]:
    """Everyone, archived included (an export is a backup too), by name then id."""
    return load_views(Contact.select().order_by(name_order(Contact.name), Contact.id))


def own_cadence(view: ContactView) -> str:
    """The contact's own cadence in days, `none` when never scheduled, empty when it inherits (so
    a re-import keeps following the tag or default cadence)."""
    if view.cadence_from is None and view.cadence_days is None:
        return "none"
    return str(view.own_cadence_days) if view.cadence_from == "contact" else ""


def contacts_csv(views: list[ContactView]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for v in views:
        cells = [file_text(cell) for cell in (
            v.name, v.company, v.title, LIST_SEPARATOR.join(v.emails), LIST_SEPARATOR.join(v.phones),
            LIST_SEPARATOR.join(v.tags), v.kind, own_cadence(v), v.timezone)]
        cells += [file_text(v.notes, multiline=True), file_text(v.source), file_text(v.external_key)]
        writer.writerow([_guarded(cell) for cell in cells])
    return buffer.getvalue()


_QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


def _guarded(cell: str) -> str:
    """`csv_safe`, plus one more `'` before a cell that already starts with quotes and a formula
    character, so our importer's unguarding (one quote off) gives back exactly what was stored."""
    return "'" + cell if _QUOTED_FORMULA.match(cell) else csv_safe(cell)


def contacts_vcard(views: list[ContactView]) -> str:
    """vCard 3.0, one card per contact; text through `file_text`, which our vCard importer undoes
    for cards carrying X-FOLLOWUP-KIND (ours)."""
    cards = []
    dates: dict[int, list[DateView]] = {}
    for found in dates_of([v.id for v in views]):
        dates.setdefault(found.contact_id, []).append(found)
    for v in views:
        card = vobject.vCard()
        name = file_text(v.name)
        card.add("fn").value = name
        given, _, family = name.rpartition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if v.company:
            card.add("org").value = [file_text(v.company)]
        if v.title:
            card.add("title").value = file_text(v.title)
        for address in v.emails:
            email = card.add("email")
            email.value = file_text(address)
            email.type_param = "INTERNET"
        for number in v.phones:
            card.add("tel").value = file_text(number)
        if v.tags:
            card.add("categories").value = [file_text(tag) for tag in v.tags]
        if v.notes:
            card.add("note").value = file_text(v.notes, multiline=True)
        if "linkedin.com/" in v.external_key.lower():
            card.add("url").value = file_text(v.external_key)
        card.add("x-followup-kind").value = v.kind
        cadence = own_cadence(v)
        if cadence:
            card.add("x-followup-cadence").value = cadence
        if v.timezone:
            card.add("x-followup-timezone").value = v.timezone
        _add_dates(card, dates.get(v.id, []))
        card.add("uid").value = f"followup-contact-{v.id}"
        cards.append(card.serialize())
    return "".join(cards)


def _add_dates(card, dates: list[DateView]) -> None:
    """The first birthday as BDAY, the first anniversary as ANNIVERSARY (what address books read),
    every other date as our own X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:--04-01, which
    our importer reads back."""
    standard = {"birthday": "bday", "anniversary": "anniversary"}
    for found in dates:
        prop = standard.pop(found.kind, None)
        if prop is not None:
            card.add(prop).value = found.text
        else:
            prop = card.add("x-followup-date")
            prop.value = found.text
            prop.params["KIND"] = [found.kind]  # normalised to letters, digits and dashes
            if found.yearly:
                prop.params["YEARLY"] = ["TRUE"]


def contacts_json(views: list[ContactView]) -> str:
    """Exact data for scripts; json escapes C0 controls itself, and we escape DEL, C1 and bidi
    controls too (`\\u009b`), so the text is both exact and harmless on a terminal."""
    return json_text([v.to_json() for v in views])


def render(fmt: str, views: list[ContactView] | None = None) -> str:
    views = all_contacts() if views is None else views
    if fmt == "csv":
        return contacts_csv(views)
    if fmt == "vcard":
        return contacts_vcard(views)
    if fmt == "json":
        return contacts_json(views)
    raise ValueError(f"unknown export format {fmt!r}")


def write_private(text: str, path: Path | str) -> Path:
    """Write `text` (UTF-8) to `path` as an owner-only file, atomically."""
    return write_file(path, text.encode("utf-8"))
