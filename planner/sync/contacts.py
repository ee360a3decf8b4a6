"""Two-way contact sync with one CardDAV address book.

Each card on the server is linked to one contact by a `SyncItem` holding its ETag and the fields
both sides last agreed on (the base). A sync compares each side with the base, field by field:
a field changed on one side is copied to the other; changed on both sides to different values,
the newer change wins (the contact's last edit against the card's REV) and the conflict is
reported; emails, phones and tags merge item by item. A card we have never seen is matched to a
contact with the importer's own de-duplication keys (and our UID), so nobody is doubled; a contact
the server lacks is pushed as a new card.

What goes to the server is the synced fields and a small X-FOLLOWUP set (kind, time zone,
cadence); notes, the ledger and the plan stay in followup. Cards are edited in place, so photos,
birthdays and fields followup does not know survive (cards.py). Dates that matter go both ways: a
card's BDAY, ANNIVERSARY and X-FOLLOWUP-DATE lines come in as an import takes them, and a date
added here goes on the card (BDAY or ANNIVERSARY where the card has none, else X-FOLLOWUP-DATE);
neither side's dates are ever deleted by a sync.

Each item is applied in its own write transaction, after its server write succeeded; the
collection's sync token is saved only once every item of the listing is applied. So an
interrupted sync leaves every finished item recorded and resumes with the rest: a card we pushed
but had not recorded comes back in the listing with our UID and is linked, not duplicated.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from functools import partial
from urllib.parse import quote, urlsplit

from planner.core.errors import BadInput
from planner.io.exports.contacts import own_cadence
from planner.io.importers.apply import MatchIndex, index_new, name_key, stored_index
from planner.services.contact_views import ContactView, load_views
from planner.services.contacts import UNSET, ContactFields, add_contact, edit_contact, set_archived
from planner.services.important_dates import dates_of, merge_imported, normalize_kind, parse_date
from planner.store.database import run_write
from planner.store.models import Contact, SyncItem, utcnow
from planner.store.queries import tuples
from planner.sync import cards
from planner.sync.cards import DEFAULTS, FIELDS, LIST_FIELDS, OPTIONAL, CardError
from planner.sync.dav import DavCollection, PreconditionFailed
from planner.sync.report import Conflict, SyncReport
from planner.sync.state import changes_since_last, ensure_collection, find_collection, finish, items_of

Progress = Callable[[str, str], None]  # (what is about to happen, whose card) before each write
_OUR_UID = re.compile(r"^followup-contact-(\d+)(?:-[0-9a-f]+)?$")


def local_fields(view: ContactView) -> dict:
    return {"name": view.name, "company": view.company, "title": view.title, "emails": list(view.emails),
            "phones": list(view.phones), "tags": sorted(view.tags), "kind": view.kind, "timezone": view.timezone}


def _norm(field: str, value):
    if field == "emails":
        return [v.lower() for v in value]
    if field == "phones":
        return [cards.phone_key(v) for v in value]
    if field == "tags":
        return sorted(value)
    return value


def same(field: str, a, b) -> bool:
    return _norm(field, a) == _norm(field, b)


def _merge_list(field: str, base: list, local: list, remote: list) -> list:
    """Item by item: what either side removed goes, what either side added comes."""
    key = lambda v: _norm(field, [v])[0]  # noqa: E731
    base_keys, local_keys, remote_keys = ({key(v) for v in values} for values in (base, local, remote))
    merged = [v for v in local if key(v) in remote_keys or key(v) not in base_keys]
    seen = {key(v) for v in merged}
    for value in remote:
        if key(value) not in seen and key(value) not in base_keys:
            merged.append(value)
            seen.add(key(value))
    return sorted(merged) if field == "tags" else merged


def merge(base: dict | None, local: dict, remote: dict, *, local_newer: bool, name: str,
          report: SyncReport) -> dict:
    """The agreed fields. `base` None (first meeting): empty fields are filled from the other
    side and lists are joined, as an import would."""
    merged = {}
    for field in FIELDS:
        mine, theirs = local[field], remote[field]
        if field in OPTIONAL and theirs is None:  # the card says nothing about followup's fields
            theirs = base[field] if base else mine
        if same(field, mine, theirs):
            merged[field] = mine
        elif base is None:
            if field in LIST_FIELDS:
                merged[field] = _merge_list(field, [], mine, theirs)
            else:
                merged[field] = mine if mine not in ("", DEFAULTS.get(field)) else theirs
        elif same(field, mine, base[field]):
            merged[field] = theirs
        elif same(field, theirs, base[field]):
            merged[field] = mine
        elif field in LIST_FIELDS:
            merged[field] = _merge_list(field, base[field], mine, theirs)
        else:
            winner, kept, lost = ("followup", mine, theirs) if local_newer else ("server", theirs, mine)
            merged[field] = kept
            report.conflicts.append(Conflict(name, field, kept, lost, winner))
    if not merged["name"]:
        merged["name"] = local["name"] or remote["name"]
    return merged


def _server_edits(merged: dict, remote: dict) -> dict:
    edits = {}
    for field in FIELDS:
        theirs = remote[field]
        if theirs is None:
            if merged[field] not in ("", DEFAULTS.get(field)):
                edits[field] = merged[field]
        elif not same(field, merged[field], theirs):
            edits[field] = merged[field]
    return edits


def _local_edits(merged: dict, local: dict) -> dict:
    return {field: merged[field] for field in FIELDS if not same(field, merged[field], local[field])}


DateEntry = tuple[str, str, bool]  # (kind, "1985-03-12" or "--03-12", yearly), as a card or file gives it
DateKey = tuple[str, int, int]  # what makes a date that matters one: kind, month, day


def _card_dates(entries: list[DateEntry]) -> dict[DateKey, DateEntry]:
    """The dates on a card that followup can read, by key (the unreadable ones stay on the card)."""
    found: dict[DateKey, DateEntry] = {}
    for kind, text, yearly in entries:
        try:
            kind, (_year, month, day) = normalize_kind(kind), parse_date(text)
        except BadInput:
            continue
        found.setdefault((kind, month, day), (kind, text, yearly))
    return found


def _own_dates(contact_ids: list[int]) -> dict[int, dict[DateKey, DateEntry]]:
    found: dict[int, dict[DateKey, DateEntry]] = {}
    for view in dates_of(contact_ids):
        found.setdefault(view.contact_id, {})[(view.kind, view.month, view.day)] = (view.kind, view.text, view.yearly)
    return found


def _agreed(keys) -> list[list]:
    return [list(key) for key in sorted(set(keys))]


def _contact_fields(values: dict) -> ContactFields:
    fields = ContactFields()
    for field, value in values.items():
        setattr(fields, field, list(value) if field in LIST_FIELDS else value)
    return fields


class ContactSync:
    def __init__(self, client: DavCollection, *, dry_run: bool, prune: bool, progress: Progress | None) -> None:
        self.client = client
        self.url = client.url
        self.dry_run = dry_run
        self.prune = prune
        self.progress = progress or (lambda _step, _name: None)
        self.report = SyncReport("contacts", client.where, dry_run=dry_run)
        self.collection = find_collection(self.url)
        self.items = items_of(self.collection)
        self.complete = True  # every listed item applied: the token may advance
        self._index: MatchIndex | None = None
        self._linked: set[int] | None = None

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> SyncReport:
        known = self.items
        listing, gone = changes_since_last(self.client, self.collection, known)
        # deleted on the server before, kept here without --prune: report (or prune) them again
        gone += [href for href, item in known.items() if item.server_deleted and href not in gone]
        changed = {href for href, etag in listing.changed.items() if href not in known or known[href].etag != etag}
        locally_changed = self._locally_changed()
        fetch = sorted((changed | {h for h in locally_changed if h not in gone}) - set(gone))
        fetched = self.client.multiget(fetch) if fetch else {}
        gone += [href for href in fetch if href not in fetched and href in known]
        views = self._views_for([cid for h in fetch if h in known and (cid := known[h].contact_id)])
        # cards we know first, then new cards, then contacts the server lacks
        for href in [h for h in fetch if h in known and h in fetched]:
            self._known(href, fetched[href], views)
        for href in [h for h in fetch if h not in known and h in fetched]:
            self._new_card(href, fetched[href])
        self._deletions(gone)
        self._push_new()
        if self.complete and not self.dry_run:
            finish(self.url, "contacts", listing.token)
        return self.report

    def _locally_changed(self) -> set[str]:
        """Cards whose contact was edited (or archived) in followup since they were exchanged."""
        if self.collection is None:
            return set()
        rows = (SyncItem.select(SyncItem.href).join(Contact)
                .where(SyncItem.collection == self.collection, SyncItem.server_deleted == False,
                       Contact.archived_at.is_null(), Contact.updated_at > SyncItem.exchanged_at))
        return {href for (href,) in tuples(rows)}

    def _views_for(self, ids: list[int]) -> dict[int, ContactView]:
        return {view.id: view for view in load_views(Contact.select().where(Contact.id.in_(ids)))} if ids else {}

    # -- one card -----------------------------------------------------------------------------

    def _read(self, href: str, text: str):
        try:
            return cards.read_card(text, href)
        except CardError as exc:
            self.report.problems.append(f"{exc}; skipped (fix the card on the phone or the server)")
            self.complete = False
            return None

    def _known(self, href: str, got: tuple[str, str], views: dict[int, ContactView]) -> None:
        item = self.items[href]
        etag, text = got
        parsed = self._read(href, text)
        if parsed is None:
            return
        record, remote, _uid = parsed
        view = views.get(item.contact_id) if item.contact_id else None
        if view is None or view.archived:
            return  # archived or gone here: a deletion, handled with the others
        base = json.loads(item.base)
        local = local_fields(view)
        stamp = cards.revision(text) or utcnow()
        local_time = Contact.get_by_id(view.id).updated_at
        merged = merge(base, local, remote, local_newer=local_time > stamp, name=view.name, report=self.report)
        self._exchange(item, view.id, view.name, text, etag, local, remote, merged, dates=record.dates)

    def _exchange(self, item: SyncItem | None, contact_id: int, name: str, text: str, etag: str, local: dict,
                  remote: dict, merged: dict, *, href: str = "", uid: str = "",
                  dates: list[tuple[str, str, bool]] | None = None) -> None:
        to_server = _server_edits(merged, remote)
        to_local = _local_edits(merged, local)
        # Dates that matter, three ways like the fields, but never deleted on either side: a date
        # one side has and the other lacks is copied across unless both had it at the last
        # exchange (then it was removed on the side that lacks it, and stays removed there).
        on_card = _card_dates(dates or [])
        here = _own_dates([contact_id]).get(contact_id, {})
        agreed = {tuple(key) for key in (json.loads(item.base).get("dates", []) if item is not None else [])}
        dates_in = [entry for key, entry in on_card.items() if key not in here and key not in agreed]
        dates_out = [entry for key, entry in sorted(here.items()) if key not in on_card and key not in agreed]
        if dates_out:
            to_server["dates"] = dates_out
        merged = {**merged, "dates": _agreed([*on_card, *here])}
        if to_server:
            self.report.add("server", "updated", name, ", ".join(to_server))
        if to_local or dates_in:
            self.report.add("followup", "updated", name, ", ".join([*to_local] + (["dates"] if dates_in else [])))
        if not to_server and not to_local and not dates_in and item is not None:
            self.report.unchanged += 1
        if self.dry_run:
            return
        if to_server:
            self.progress("put", name)
            etag = self.client.put(item.href if item else href, cards.edit_card(text, to_server, now=utcnow()),
                                   etag=etag)

        def store() -> None:
            if to_local:
                edit_contact(contact_id, _contact_fields(to_local))
            if dates_in:
                merge_imported({contact_id: dates_in})
            stamp = Contact.get_by_id(contact_id).updated_at
            if item is None:
                SyncItem.create(collection=ensure_collection(self.url, "contacts"), href=href, uid=uid, etag=etag,
                                contact=contact_id, base=json.dumps(merged), exchanged_at=stamp)
            else:
                SyncItem.update(etag=etag, base=json.dumps(merged), exchanged_at=stamp,
                                server_deleted=False).where(SyncItem.id == item.id).execute()

        run_write(store)  # run again from the start after a collision on the server
        if item is None:
            self._linked_ids().add(contact_id)

    def _new_card(self, href: str, got: tuple[str, str]) -> None:
        etag, text = got
        parsed = self._read(href, text)
        if parsed is None:
            return
        record, remote, uid = parsed
        contact_id = self._match(record, uid)
        if contact_id is not None and contact_id in self._linked_ids():
            self.report.problems.append(f"{href}: another card of {record.name} is already linked; left alone")
            return
        if contact_id is not None:
            view = load_views([Contact.get_by_id(contact_id)])[0]
            local = local_fields(view)
            merged = merge(None, local, remote, local_newer=True, name=view.name, report=self.report)
            self.report.add("followup", "linked", view.name, "matched an existing contact")
            self._exchange(None, contact_id, view.name, text, etag, local, remote, merged, href=href, uid=uid,
                           dates=record.dates)
            return
        merged = {field: (DEFAULTS[field] if remote[field] is None else remote[field]) for field in FIELDS}
        self.report.add("followup", "added", record.name)
        if self.dry_run:
            return
        fields = _contact_fields(merged)
        fields.source = "vcard"
        if record.cadence_days is not UNSET:
            fields.cadence_days = record.cadence_days

        def store() -> ContactView | BadInput:
            try:
                view = add_contact(fields)
            except BadInput as exc:
                return exc
            merge_imported({view.id: record.dates})
            stamp = Contact.get_by_id(view.id).updated_at
            base = {**local_fields(view), "dates": _agreed(_card_dates(record.dates))}
            SyncItem.create(collection=ensure_collection(self.url, "contacts"), href=href, uid=uid, etag=etag,
                            contact=view.id, base=json.dumps(base), exchanged_at=stamp)
            return view

        stored = run_write(store)  # run again from the start after a collision on the server
        if isinstance(stored, BadInput):
            self.report.problems.append(f"{href}: {stored}; skipped")
            self.complete = False
            return
        self._linked_ids().add(stored.id)
        index_new(self.index, stored.id, record)

    @property
    def index(self) -> MatchIndex:
        if self._index is None:
            self._index = stored_index()
        return self._index

    def _linked_ids(self) -> set[int]:
        """Contacts that already have a card here (loaded once, kept up to date as cards are linked)."""
        if self._linked is None:
            collection = find_collection(self.url)
            rows = (SyncItem.select(SyncItem.contact)
                    .where(SyncItem.collection == collection, SyncItem.contact.is_null(False)).tuples()
                    if collection is not None else [])
            self._linked = {cid for (cid,) in rows}
        return self._linked

    def _match(self, record, uid: str) -> int | None:
        """Our own UID (a card we pushed but had not recorded when the sync was cut short), else
        the import's keys. The UID alone is not trusted: another machine's followup numbers its
        contacts too, so the card must also carry that contact's name and company."""
        if ours := _OUR_UID.match(uid):
            contact = Contact.get_or_none(Contact.id == int(ours.group(1)))
            if contact is not None and name_key(contact.name, contact.company) == name_key(record.name, record.company):
                return contact.id
        state = self.index.find(record)
        return state.id if state is not None else None

    # -- deletions and new contacts -----------------------------------------------------------

    def _deletions(self, gone: list[str]) -> None:
        for href in gone:
            item = self.items[href]
            contact = Contact.get_or_none(Contact.id == item.contact_id) if item.contact_id else None
            name = contact.name if contact else href
            if not self.prune:
                self.report.add("server", "deleted", name, "run with --prune to archive it in followup too")
                if not self.dry_run and not item.server_deleted:
                    run_write(partial(_mark_deleted, item.id))
                continue
            self.report.add("followup", "archived", name, "deleted on the server")
            if self.dry_run:
                continue
            run_write(partial(_archive, contact, item.id))
        for href, item in self.items.items():
            if href in gone or item.server_deleted:
                continue
            contact = Contact.get_or_none(Contact.id == item.contact_id) if item.contact_id else None
            if contact is not None and contact.archived_at is None:
                continue
            name = contact.name if contact else href
            if not self.prune:
                self.report.add("followup", "archived", name, "run with --prune to delete its card on the server")
                continue
            self.report.add("server", "deleted", name, "archived in followup")
            if self.dry_run:
                continue
            self.progress("delete", name)
            self.client.delete(href, etag=item.etag)
            run_write(partial(_forget, item.id))

    def _push_new(self) -> None:
        linked = self._linked_ids() | {item.contact_id for item in self.items.values() if item.contact_id}
        query = Contact.select().where(Contact.archived_at.is_null()).order_by(Contact.id)
        if linked:
            query = query.where(Contact.id.not_in(sorted(linked)))
        base_path = urlsplit(self.url).path
        views = load_views(query)
        own_dates = _own_dates([view.id for view in views]) if views and not self.dry_run else {}
        for view in views:
            # the random part keeps two machines' followups (each with its own contact 1) apart
            uid = f"followup-contact-{view.id}-{secrets.token_hex(4)}"
            href = base_path + quote(uid) + ".vcf"
            self.report.add("server", "added", view.name)
            if self.dry_run:
                continue
            fields = local_fields(view)
            dates = own_dates.get(view.id, {})
            self.progress("put", view.name)
            try:
                etag = self.client.put(href, cards.new_card(uid, fields, cadence=own_cadence(view), now=utcnow(),
                                                            dates=[dates[key] for key in sorted(dates)]),
                                       etag=None)
            except PreconditionFailed:
                self.complete = False
                self.report.problems.append(f"{view.name}: a card {href} appeared on the server during the sync; "
                                            "it is linked at the next sync")
                continue
            run_write(partial(self._store_pushed, view.id, href, uid, etag, {**fields, "dates": _agreed(dates)}))

    def _store_pushed(self, contact_id: int, href: str, uid: str, etag: str, base: dict) -> None:
        stamp = Contact.get_by_id(contact_id).updated_at
        SyncItem.create(collection=ensure_collection(self.url, "contacts"), href=href, uid=uid, etag=etag,
                        contact=contact_id, base=json.dumps(base), exchanged_at=stamp)


# Each item's own transaction, run by `run_write` (again from the start after a collision).


def _mark_deleted(item_id: int) -> None:
    SyncItem.update(server_deleted=True).where(SyncItem.id == item_id).execute()


def _archive(contact: Contact | None, item_id: int) -> None:
    if contact is not None and contact.archived_at is None:
        set_archived(contact.id, True)
    SyncItem.delete().where(SyncItem.id == item_id).execute()


def _forget(item_id: int) -> None:
    SyncItem.delete().where(SyncItem.id == item_id).execute()


def sync_contacts(client: DavCollection, *, dry_run: bool = False, prune: bool = False,
                  progress: Progress | None = None) -> SyncReport:
    return ContactSync(client, dry_run=dry_run, prune=prune, progress=progress).run()
