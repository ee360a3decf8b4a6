"""Schema versions, applied in order, each in one transaction, from the same steps on both
engines; the version is kept in the database (SQLite's `PRAGMA user_version`, a `schema_version`
table on PostgreSQL: `store.engine`).

A step creates the tables it introduces. A column added to an existing table later goes in a new
step of its own (playhouse.migrate's `add_column`), so old files and new files end up alike. A
fresh file's tables are created from today's models, so such a step adds its column only where
it is missing. Before upgrading a file that already holds data, a copy is written beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from peewee import Database, DatabaseProxy

from planner.core.errors import FollowupError
from planner.store import database, engine, journal
from planner.store import models as m
from planner.store.database import write_tx
from planner.store.dialect import first_line


def _v1_contacts(db: Database | DatabaseProxy) -> None:
    db.create_tables([m.Setting, m.Contact, m.ContactEmail, m.ContactPhone, m.ContactTag])


def _v2_plan(db: Database | DatabaseProxy) -> None:
    db.create_tables([m.Block, m.PlannedCall])


def _v3_interactions_and_ledger(db: Database | DatabaseProxy) -> None:
    db.create_tables([m.Interaction, m.Favor])


def _v4_drafts(db: Database | DatabaseProxy) -> None:
    db.create_tables([m.Draft])


def _v5_interaction_consumed_pins(db: Database | DatabaseProxy) -> None:
    """What a log fulfilled (its pinned or follow-up call), so deleting the log gives it back.
    Logs made before this step have NULL: they fulfilled nothing anyone can restore."""
    _add_missing_column(db, m.Interaction, m.Interaction.consumed_pins)


def _v6_last_reached_index(db: Database | DatabaseProxy) -> None:
    """An index on (contact, outcome, happened_at): the last day each contact was reached comes
    from it alone, without reading the interactions themselves (declared in the model too, so a
    new file has it from step 3)."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "interaction_contact_id_outcome_happened_at" '
                   'ON "interaction" ("contact_id", "outcome", "happened_at")')


def _v7_sync_state(db: Database | DatabaseProxy) -> None:
    """What two-way sync with CardDAV/CalDAV collections remembers between runs, and the daily
    reminders already sent."""
    db.create_tables([m.SyncCollection, m.SyncItem, m.ReminderSent])


def _v8_sequences_and_placements(db: Database | DatabaseProxy) -> None:
    """Follow-up sequences (edited definitions, running instances and their steps) and placements."""
    db.create_tables([m.SequenceDefinition, m.Placement, m.SequenceRun, m.SequenceStep])


def _v9_important_dates(db: Database | DatabaseProxy) -> None:
    """Birthdays, anniversaries and other dates that matter, per contact."""
    db.create_tables([m.ImportantDate])


def _v10_prefers_email(db: Database | DatabaseProxy) -> None:
    """A contact who prefers email: the agenda does not nudge to call them after written touches."""
    _add_missing_column(db, m.Contact, m.Contact.prefers_email)


def _v11_favor_referred(db: Database | DatabaseProxy) -> None:
    """Who a referral or introduction was for, so the ledger shows the chain."""
    _add_missing_column(db, m.Favor, m.Favor.referred)


def _v12_facts(db: Database | DatabaseProxy) -> None:
    """Free-form facts per contact: what matters to them."""
    db.create_tables([m.Fact])


def _v13_merge_records(db: Database | DatabaseProxy) -> None:
    """What each merge of two contacts changed, so it can be undone."""
    db.create_tables([m.MergeRecord])


def _v14_members(db: Database | DatabaseProxy) -> None:
    db.create_tables([m.Member])


def _v15_undo_journal(db: Database | DatabaseProxy) -> None:
    """The undo journal: each action, and the rows it changed (planner/store/journal.py; its
    triggers are installed at the end of every migration)."""
    db.create_tables([m.UndoAction, m.UndoChange, m.UndoOpen])


def _v16_worklist(db: Database | DatabaseProxy) -> None:
    """Each day's list of calls, set by the day's first plan."""
    db.create_tables([m.Worklist, m.WorklistCall])


def _v17_owners(db: Database | DatabaseProxy) -> None:
    """Owners of contacts, who logged each interaction, whose favour it was, one member's blocked
    days, and members who left the desk."""
    for model, field in ((m.Contact, m.Contact.owner_id), (m.Interaction, m.Interaction.logged_by),
                         (m.Favor, m.Favor.member_id), (m.Block, m.Block.member_id), (m.Member, m.Member.left_at)):
        _add_missing_column(db, model, field)
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_owner_id" ON "contact" ("owner_id")')


def _v18_step_moves_and_call_times(db: Database | DatabaseProxy) -> None:
    """A sequence step snoozed to another day, and a pinned call's time of day."""
    _add_missing_column(db, m.SequenceStep, m.SequenceStep.moved_to)
    _add_missing_column(db, m.PlannedCall, m.PlannedCall.at_time)


def _v19_private_notes(db: Database | DatabaseProxy) -> None:
    """Private notes: a log's text kept apart, readable by its author alone. On the server that
    is row-level security on the author's role, forced for the table's owner too, so no member's
    session (and no raw SELECT as their role) reads another's note; only a superuser or a role
    with BYPASSRLS could, and members are neither."""
    _add_missing_column(db, m.Interaction, m.Interaction.private)
    if "author_role" not in {column.name for column in db.get_columns("draft")}:  # a note being typed is its
        # author's too (no Python default: on a server the column's own default names the author)
        db.execute_sql("ALTER TABLE \"draft\" ADD COLUMN \"author_role\" VARCHAR(255) NOT NULL DEFAULT ''")
    db.create_tables([m.PrivateNote])
    if engine.on_server(db):
        for table in ("private_note", "draft"):
            for statement in AUTHOR_ONLY_POLICY:
                db.execute_sql(statement.format(table=table))


def _v20_plan_reason_index(db: Database | DatabaseProxy) -> None:
    """An index on the plan's reason: the agenda reads the week's calls and every thank-you task
    whatever its day, and with this index both halves of that condition come from an index
    instead of a pass over the whole plan (declared in the model too, so a new file has it)."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "planned_call_reason" ON "planned_call" ("reason")')


def _v21_undo_bulk(db: Database | DatabaseProxy) -> None:
    """Contacts added in bulk are journaled as ranges of ids (journal.add_contacts_in_bulk); the
    triggers, installed again after this step, pass over their rows."""
    db.create_tables([m.UndoBulk])


def _v22_contact_lookup_indexes(db: Database | DatabaseProxy) -> None:
    """An index on each contact's folded name, the first line of `search_text`: `show NAME`,
    `log NAME` and every command that takes a name find it with one probe instead of reading
    everyone. An expression index of built-in functions, so any SQLite (the `sqlite3` shell too)
    can still write the table; `dialect.first_line` writes the same expression in queries.
    And a contact's emails, phones and next calls in the order lists and exports read them,
    covering what they read: no sort and no table row per contact (a list of 100,000 contacts
    reads them all). The plan is rewritten row by row only where it changed, so the index on it
    costs a re-plan little."""
    key = first_line('"search_text"', server=engine.on_server(db))
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "contact_name_key" ON "contact" ({key})')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_email_in_order" '
                   'ON "contact_email" ("contact_id", "position", "id", "address")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_phone_in_order" '
                   'ON "contact_phone" ("contact_id", "position", "id", "number")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "planned_call_next_of_contact" '
                   'ON "planned_call" ("contact_id", "date", "seq", "reason")')


AUTHOR_ONLY_POLICY = (
    'ALTER TABLE "{table}" ALTER COLUMN "author_role" SET DEFAULT current_user',
    'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
    'DROP POLICY IF EXISTS "{table}_author" ON "{table}"',
    'CREATE POLICY "{table}_author" ON "{table}" USING ("author_role" = current_user) '
    'WITH CHECK ("author_role" = current_user)',
)


def _add_missing_column(db: Database | DatabaseProxy, model: type[m.BaseModel], field) -> None:
    table = model._meta.table_name
    if field.column_name not in {column.name for column in db.get_columns(table)}:
        # Only an old file upgrading gets here: playhouse.migrate brings Peewee's PostgreSQL
        # extensions and psycopg with it, which no ordinary start should pay for.
        from playhouse.migrate import migrate as run_operations

        run_operations(engine.schema_migrator(db).add_column(table, field.column_name, field))


def _v23_draft_contact_journaled(db: Database | DatabaseProxy) -> None:
    """The undo journal follows which contact each draft belongs to (a merge moves drafts, its undo
    gives them back): nothing to change here, the triggers installed after every migration do it."""


STEPS: list[Callable[[Database | DatabaseProxy], None]] = [
    _v1_contacts,
    _v2_plan,
    _v3_interactions_and_ledger,
    _v4_drafts,
    _v5_interaction_consumed_pins,
    _v6_last_reached_index,
    _v7_sync_state,
    _v8_sequences_and_placements,
    _v9_important_dates,
    _v10_prefers_email,
    _v11_favor_referred,
    _v12_facts,
    _v13_merge_records,
    _v14_members,
    _v15_undo_journal,
    _v16_worklist,
    _v17_owners,
    _v18_step_moves_and_call_times,
    _v19_private_notes,
    _v20_plan_reason_index,
    _v21_undo_bulk,
    _v22_contact_lookup_indexes,
    _v23_draft_contact_journaled,
]
LATEST = len(STEPS)


def schema_version(db: Database | DatabaseProxy) -> int:
    return engine.read_schema_version(db)


def migrate(db: Database | DatabaseProxy, *, target: int = LATEST,
            copy_before: Callable[[Path], Path] | None = None) -> Path | None:
    """Bring the schema to `target`. A file that already holds data is first copied beside itself
    with `copy_before(path)` (the backup step, passed in by whoever opens the database). Returns
    the path of that copy, if one was made."""
    current = schema_version(db)
    if current > LATEST:
        raise FollowupError(
            f"{engine.describe(db)}: schema version {current} is newer than this followup knows ({LATEST}); "
            "upgrade followup"
        )
    if current >= target:
        return None
    copy = _copy_before_migrating(db, current, target, copy_before) if current > 0 and copy_before else None
    if current > 0:
        with write_tx(repairing=True) if db is database.db else db.atomic(engine.WRITE_MODE):
            journal.drop_triggers(db)
    for version in range(current + 1, target + 1):
        # the shared write transaction when it is our database: it waits for another session's
        # write (the writers' lock on a server); an upgrade of the schema is not refused by a
        # damage mark (it reads no rows)
        with write_tx(repairing=True) if db is database.db else db.atomic(engine.WRITE_MODE):
            if schema_version(db) >= version:
                continue  # another session applied it while this one waited for the write lock
            STEPS[version - 1](db)
            engine.write_schema_version(db, version)
    # the undo journal's triggers, from the columns every table has now (a step may have added some)
    with write_tx(repairing=True) if db is database.db else db.atomic(engine.WRITE_MODE):
        journal.install_triggers(db)
    return copy


def _copy_before_migrating(db: Database | DatabaseProxy, current: int, target: int,
                           copy_before: Callable[[Path], Path]) -> Path | None:
    if db.database == ":memory:" or engine.on_server(db):
        return None  # nothing on disk to copy; a server's history is its own backups
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    source = Path(db.database)
    copy = source.with_name(f"{source.stem}.v{current}-before-v{target}.{stamp}{source.suffix}")
    tries = 1
    while copy.exists() or copy.is_symlink():  # left this same second by a migration that was stopped
        tries += 1
        copy = source.with_name(f"{source.stem}.v{current}-before-v{target}.{stamp}-{tries}{source.suffix}")
    return copy_before(copy)
