"""Peewee models: the tables of followup. Services turn rows into plain dataclasses before anything
outside the domain sees them.

Each model spells out its `id` and, for a foreign key `contact`, the `contact_id` attribute Peewee
adds, so the type checker sees what the code reads.

Dates are stored as ISO `DateField`s (local calendar days); moments (`*_at`) as UTC datetimes.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from planner.core.errors import NotFound
from planner.core.vocabulary import FavorKind, InteractionKind, Outcome
from planner.store.database import db

CONTACT_KINDS = ("client", "candidate", "hiring-manager", "referrer", "colleague", "friend", "other")
SOURCES = ("manual", "linkedin", "google", "vcard", "csv")


def utcnow() -> dt.datetime:
    """A naive UTC datetime, as stored in every `*_at` column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    """One user setting; `value` holds JSON."""

    key = CharField(primary_key=True)
    value = TextField()


class Contact(BaseModel):
    id = AutoField()
    name = TextField()
    company = TextField(default="")
    title = TextField(default="")
    kind = CharField(default="other")
    cadence_days = IntegerField(null=True)  # own cadence; None falls back to tag/default cadence
    no_cadence = BooleanField(default=False)  # explicitly never scheduled
    timezone = CharField(default="")
    notes = TextField(default="")
    source = CharField(default="manual")
    external_key = CharField(default="", index=True)  # LinkedIn URL or email used to de-duplicate
    connected_on = DateField(null=True)  # LinkedIn "Connected On": not a contact date
    search_text = TextField(default="")  # folded name/company/title/tags/emails/notes for search
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    archived_at = DateTimeField(null=True, index=True)
    # no "call them" nudge after written touches; a DEFAULT in the table too, so rows written with
    # an older version's columns (bulk inserts, the migration tests) are valid; FALSE, not 0: a
    # PostgreSQL boolean takes no integer default (SQLite reads FALSE as 0)
    prefers_email = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    # the member whose calls these are (NULL: a personal file's one implicit member, or nobody's
    # yet). A plain id, not a foreign key: this table is created before `member` exists, and a
    # member who leaves keeps their row (`left_at`), so the id never dangles
    owner_id = IntegerField(null=True, index=True)


class ContactEmail(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="email_rows", on_delete="CASCADE")
    contact_id: int
    address = TextField()
    address_key = CharField(index=True)  # lower-cased, for de-duplication
    label = CharField(default="")
    position = IntegerField(default=0)


class ContactPhone(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="phone_rows", on_delete="CASCADE")
    contact_id: int
    number = TextField()
    label = CharField(default="")
    position = IntegerField(default=0)


class ContactTag(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="tag_rows", on_delete="CASCADE")
    contact_id: int
    tag = CharField(index=True)

    class Meta:
        indexes = ((("contact", "tag"), True),)


class Block(BaseModel):
    """Days without calls: vacations, conferences (inclusive range)."""

    id = AutoField()
    start = DateField()
    end = DateField()
    note = TextField(default="")
    member_id = IntegerField(null=True)  # one member's days off; NULL: blocked for everyone


class PlannedCall(BaseModel):
    """One call in the stored plan. `seq` 0 is the contact's next call, 1.. its recurrences."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="planned_calls", on_delete="CASCADE")
    contact_id: int
    date = DateField(index=True)
    ideal = DateField()
    window_start = DateField()
    window_end = DateField()
    reason = CharField(index=True)  # PlanReason
    pinned = BooleanField(default=False)
    seq = IntegerField(default=0)
    favor = IntegerField(null=True)  # the favour a thank-you task is for
    note = TextField(default="")
    # "HH:MM" in the contact's zone for a call at a time of day; "" for any time that day
    at_time = CharField(default="", constraints=[SQL("DEFAULT ''")])


class Interaction(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="interactions", on_delete="CASCADE")
    contact_id: int
    happened_at = DateTimeField(index=True)  # UTC
    tz = CharField(default="")  # the zone it was logged in, to show local time back
    kind = CharField(default=InteractionKind.CALL.value)  # InteractionKind
    outcome = CharField(default=Outcome.SPOKE.value)  # Outcome; "" for a note
    duration_min = IntegerField(null=True)
    summary = TextField(default="")
    notes = TextField(default="")
    thanked = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    # JSON: the pinned or follow-up calls logging it fulfilled (day, reason, note), so deleting or
    # editing it away can give them back (interaction_restore.py); NULL when it fulfilled none.
    consumed_pins = TextField(null=True)
    # the member who logged it (NULL on a personal file): "Mia spoke to them Tue"
    logged_by = IntegerField(null=True)
    # its summary and notes are a private note (PrivateNote): here they stay empty, and the team
    # sees only that it happened, when, and how it went (a default in the schema too: rows written
    # without naming it, by raw SQL or an older followup on a shared server, are not private)
    private = BooleanField(default=False, constraints=[SQL("DEFAULT false")])

    class Meta:
        # when each contact was last reached, read for everyone by the planner and every list: this
        # index alone answers it (10k contacts with 100k calls: 133 ms -> 20 ms), see migrations v6
        indexes = ((("contact", "outcome", "happened_at"), False),)


class Favor(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="favors", on_delete="CASCADE")
    contact_id: int
    date = DateField(index=True)
    direction = CharField()  # FavorDirection
    kind = CharField(default=FavorKind.OTHER.value)  # FavorKind
    note = TextField(default="")
    weight = IntegerField(default=1)
    thank_due = DateField(null=True)
    thanked_at = DateTimeField(null=True)
    returns = ForeignKeyField("self", null=True, backref="returned_by", on_delete="SET NULL")
    returns_id: int | None
    created_at = DateTimeField(default=utcnow)
    # a referral or introduction: the person referred (planner/services/referrals.py)
    referred = ForeignKeyField(Contact, null=True, backref="referred_in", on_delete="SET NULL")
    referred_id: int | None
    # the member who gave or received it: a thank-you is theirs to say (NULL: the contact's owner)
    member_id = IntegerField(null=True)


class Draft(BaseModel):
    """A quick-log note being typed, saved as it is typed so a dropped SSH line loses nothing."""

    id = AutoField()
    contact = ForeignKeyField(Contact, null=True, backref="drafts", on_delete="CASCADE")
    contact_id: int | None
    started_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    kind = CharField(default=InteractionKind.CALL.value)
    outcome = CharField(default=Outcome.SPOKE.value)
    summary = TextField(default="")
    notes = TextField(default="")
    next_when = TextField(default="")
    extra = TextField(default="{}")  # JSON: favour, thanked flag
    # who is typing it: on a team server each member's drafts are their own (row-level security,
    # migrations v17), so a private note being typed is never another member's to read or restore
    author_role = CharField(constraints=[SQL("DEFAULT ''")])


class SequenceDefinition(BaseModel):
    """A follow-up sequence as the user edited it: one step a line, "OFFSET purpose" (a shipped
    default without a row here is used as shipped; planner/services/sequences.py)."""

    name = CharField(primary_key=True)
    steps = TextField()
    updated_at = DateTimeField(default=utcnow)


class Placement(BaseModel):
    """A candidate placed with a client: the start of repeat business and of two sequences."""

    id = AutoField()
    candidate = ForeignKeyField(Contact, backref="placements", on_delete="CASCADE")
    candidate_id: int
    client = ForeignKeyField(Contact, backref="client_placements", on_delete="CASCADE")
    client_id: int
    start = DateField(index=True)
    role = TextField(default="")
    fee = DecimalField(null=True, max_digits=14, decimal_places=2, auto_round=True)
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class SequenceRun(BaseModel):
    """One sequence running for one contact from an event day (a placement's start, a new job)."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="sequence_runs", on_delete="CASCADE")
    contact_id: int
    sequence = CharField()  # the definition's name, as it was when the run started
    event_date = DateField()
    note = TextField(default="")
    placement = ForeignKeyField(Placement, null=True, backref="runs", on_delete="CASCADE")
    placement_id: int | None
    started_on = DateField()  # steps due before this day were never planned
    stopped_on = DateField(null=True)  # `event --stop`: no step is planned any more
    created_at = DateTimeField(default=utcnow)


class SequenceStep(BaseModel):
    """One step of a run, copied from the definition when the run started (editing the definition
    later leaves running sequences alone). Whether it is done is derived from the history: a step
    is satisfied by any attempt logged on or after its day (planner/scheduling/touch_points.py)."""

    id = AutoField()
    run = ForeignKeyField(SequenceRun, backref="steps", on_delete="CASCADE")
    run_id: int
    position = IntegerField()
    offset = CharField()  # "-1d", "0d", "1w", "1m", "1y"
    due = DateField()  # event day + offset, before moving off a non-working day
    label = TextField()  # "Placement 1 month"
    purpose = TextField(default="")  # "how is the new role?"
    planned_call = IntegerField(null=True)  # the pinned PlannedCall row standing for it, while pending
    moved_to = DateField(null=True)  # snoozed to this day (then a working day on or after it)


class ImportantDate(BaseModel):
    """A date that matters to a contact: a birthday, a work anniversary, any day they care about.
    `year` is None when unknown (a birthday without the year); such a date recurs yearly."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="important_dates", on_delete="CASCADE")
    contact_id: int
    kind = CharField()  # birthday | anniversary | work-anniversary | a word of the user's
    year = IntegerField(null=True)
    month = IntegerField()
    day = IntegerField()
    yearly = BooleanField(default=True)
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class Fact(BaseModel):
    """Something to remember about a contact, shown while talking to them ("kids: Ana, 7")."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="facts", on_delete="CASCADE")
    contact_id: int
    text = TextField()
    created_at = DateTimeField(default=utcnow)


class MergeRecord(BaseModel):
    """What `followup merge` changed, so it can be undone: OTHER as it was, and the ids of every
    row that moved to KEEP (JSON, planner/services/merge.py)."""

    id = AutoField()
    keep_id = IntegerField()
    other_id = IntegerField()
    other_name = TextField()
    data = TextField()
    merged_at = DateTimeField(default=utcnow)
class SyncCollection(BaseModel):
    """A CardDAV address book or CalDAV calendar followup syncs with, and how far it has got."""

    id = AutoField()
    url = CharField(unique=True)
    kind = CharField()  # contacts | calendar
    sync_token = TextField(default="")  # the server's token after the last complete exchange
    last_synced_at = DateTimeField(null=True)


class SyncItem(BaseModel):
    """One card or event as last exchanged with a collection: where it lives, its ETag, and the
    state both sides agreed on (JSON), which the next sync compares each side with."""

    id = AutoField()
    collection = ForeignKeyField(SyncCollection, backref="items", on_delete="CASCADE")
    collection_id: int
    href = CharField()
    uid = CharField(default="")
    etag = CharField(default="")
    contact = ForeignKeyField(Contact, null=True, backref="sync_items", on_delete="SET NULL")
    contact_id: int | None
    base = TextField(default="{}")
    exchanged_at = DateTimeField(default=utcnow)  # the contact's updated_at when last exchanged
    server_deleted = BooleanField(default=False)

    class Meta:
        indexes = ((("collection", "href"), True),)


class ReminderSent(BaseModel):
    """A daily digest sent (by mail, or shown as a notification), so cron running twice a day
    sends it once."""

    id = AutoField()
    day = DateField()
    channel = CharField()  # email | notify
    target = CharField(default="")  # the address mailed
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("day", "channel", "target"), True),)


class Member(BaseModel):
    """A member of a desk sharing one PostgreSQL database, who connects as their own role. A
    personal SQLite file has no rows here: its one member is implicit."""

    id = AutoField()
    name = TextField(unique=True)
    role = CharField(unique=True)  # the PostgreSQL role they connect as
    email = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    # `team remove`: no longer on the desk; the row stays so the history still says who logged what
    left_at = DateTimeField(null=True)


class Worklist(BaseModel):
    """A day whose list of calls is set: the first plan of the day wrote it. From then on that
    day's calls are a fixed load for the planner (planner/scheduling/worklist.py)."""

    day = DateField(primary_key=True)
    set_at = DateTimeField(default=utcnow)


class WorklistCall(BaseModel):
    """Someone on a day's list of calls: there when the list was set, or put there by the user
    (a pin, a snooze, a log's `--next`). Stays after the call is made, so the day shows progress."""

    id = AutoField()
    day = DateField(index=True)
    contact = ForeignKeyField(Contact, backref="worklist_calls", on_delete="CASCADE")
    contact_id: int
    reason = CharField()  # the PlanReason the call had when it joined the list

    class Meta:
        indexes = ((("day", "contact"), True),)


class PrivateNote(BaseModel):
    """The text of a private log, readable only by its author. On PostgreSQL the server enforces
    it: row-level security lets a role see and write only the rows whose `author_role` is its own
    (migrations v17), so neither another member's session nor a raw SELECT as their role reads it.
    On an SQLite file (one person) the text is simply the author's."""

    interaction = ForeignKeyField(Interaction, primary_key=True, backref="private_note", on_delete="CASCADE")
    interaction_id: int
    # the server fills in the connected role (DEFAULT current_user); '' on SQLite
    author_role = CharField(constraints=[SQL("DEFAULT ''")])
    summary = TextField(default="")
    notes = TextField(default="")


# Ordered so that create_tables/drop_tables respect foreign keys.
ALL_MODELS = [
    Setting,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Block,
    PlannedCall,
    Interaction,
    PrivateNote,
    Favor,
    Draft,
    SequenceDefinition,
    Placement,
    SequenceRun,
    SequenceStep,
    ImportantDate,
    Fact,
    MergeRecord,
    SyncCollection,
    SyncItem,
    ReminderSent,
    Member,
    Worklist,
    WorklistCall,
]


def get_contact(contact_id: int) -> Contact:
    """The contact row with this id, archived or not; NotFound otherwise."""
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise NotFound(f"no contact with id {contact_id}")
    return contact


# --- the undo journal (planner/store/journal.py): what each action changed, to put it back ---


class UndoAction(BaseModel):
    """One action a person took (a log, a snooze, an import...), newest last; `undone_at` once
    undone. `actor` is the PostgreSQL role that took it ("" in a personal file); `session` the
    process (the app undoes its own session's actions, `followup undo` anyone's)."""

    id = AutoField()
    label = TextField()
    actor = CharField(default="")
    session = CharField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    undone_at = DateTimeField(null=True)


class UndoChange(BaseModel):
    """One row written while an action was open, as it was before (`old_json`, NULL for an insert)
    and after (`new_json`, NULL for a delete); recorded by triggers, in order of `id`."""

    id = AutoField()
    action_id = IntegerField(index=True)
    table_name = CharField()
    row_key = TextField()
    op = CharField()  # I, U, D; B: contacts added in bulk (journal.add_contacts_in_bulk)
    old_json = TextField(null=True)
    new_json = TextField(null=True)


class UndoOpen(BaseModel):
    """The action being recorded: one row, written and removed inside the action's own write
    transaction, so only that transaction's triggers see it (SQLite triggers cannot read a
    temporary table; writers are serialised, and no other session sees an uncommitted row)."""

    id = AutoField()
    action_id = IntegerField()


class UndoBulk(BaseModel):
    """Contacts the open action added in bulk, as ranges of ids [lo, hi]: while the action is open,
    no trigger records a row of theirs one by one (their rows did not exist before the action;
    undo removes them as a set). Written and removed inside the action's transaction, like
    UndoOpen."""

    id = AutoField()
    lo = IntegerField()
    hi = IntegerField()
