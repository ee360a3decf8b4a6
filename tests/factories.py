"""What tests put into a real database and read back from it, shared by tests/ and tests/ui.

Plain functions on the open database (the `db_path` / `app_db` fixtures open it). The ones that
say so go through the services, as a person's action would; the others place rows the way the
planner or an import stores them, for tests of the planner itself. The read-backs at the end are
the domain's own views (what the screens and the CLI show), over everyone."""

from __future__ import annotations

import datetime as dt

from planner.scheduling import plan_views
from planner.scheduling.service import replan
from planner.services.contact_views import ContactView
from planner.services.contacts import ContactFields, add_contact, list_contacts
from planner.services.interactions.records import InteractionView, history
from planner.services.ledger import FavorView, contact_ledger
from planner.store.database import write_tx
from planner.store.models import Contact, Interaction, PlannedCall

FIXED_TODAY = dt.date(2026, 11, 25)  # a Wednesday: the today every test runs on unless it says otherwise

# --- through the services, as a person would ---


def new_contact(name: str = "Maria Schmidt", **fields) -> int:
    """A contact added as `followup add` adds it (and planned); its id."""
    return add_contact(ContactFields(name=name, **fields)).id


# --- rows as the planner or an import stores them ---


def bulk_contacts(n: int, cadence: int | None, **extra) -> list[int]:
    """Contacts `Person 0..n-1` added the way an import adds them: one transaction, then one re-plan."""
    with write_tx():
        rows = [{"name": f"Person {i}", "cadence_days": cadence, **extra} for i in range(n)]
        ids = sorted(row.id for row in Contact.insert_many(rows).returning(Contact.id).execute())
    replan(list(ids))
    return ids


def reached(contact_id: int, day: dt.date) -> None:
    """A call that reached the contact at noon on `day`, stored without a re-plan."""
    with write_tx():
        Interaction.create(contact=contact_id, happened_at=dt.datetime.combine(day, dt.time(12)), outcome="spoke")


def planned_row(contact_id: int, day: dt.date, reason: str = "cadence", seq: int = 0, pinned: bool = False,
                **extra) -> PlannedCall:
    """A stored call on `day` (its ideal day and window too) as the planner stores one; the
    planner owns these, tests of what reads them place them directly."""
    return PlannedCall.create(contact=contact_id, date=day, ideal=day, window_start=day, window_end=day,
                              reason=reason, pinned=pinned, seq=seq, **extra)


# --- read back ---


def pins(contact_id: int) -> list[tuple[dt.date, str]]:
    """The contact's pinned calls (snoozes, follow-ups, retries, thank-you tasks): (day, reason)."""
    rows = PlannedCall.select().where(PlannedCall.contact == contact_id, PlannedCall.pinned == True)
    return sorted((row.date, row.reason) for row in rows)


def everyone() -> list[ContactView]:
    """Every contact, active ones first, then the archived ones (each by name)."""
    return list_contacts() + list_contacts(archived=True)


def logged() -> list[InteractionView]:
    """Every logged interaction, contact by contact (as `everyone`), newest first within each."""
    return [entry for person in everyone() for entry in history(person.id)]


def favours() -> list[FavorView]:
    """Every favour in the ledger, contact by contact (as `everyone`)."""
    return [favor for person in everyone() for favor in contact_ledger(person.id)]


def stored_calls() -> list[plan_views.PlannedCallView]:
    """Every stored call: pinned ones and thank-you tasks included, by date."""
    return plan_views.planned_calls(dt.date.min, dt.date.max)


def all_tables() -> dict[str, list[tuple]]:
    """Every table of the open database, each row as plain values, sorted: what "the database is
    as it was" is compared by (the undo journal's own tables left out: undo records itself)."""
    from planner.store.database import db

    tables = {}
    for table in sorted(db.get_tables()):
        if table.startswith("undo_"):
            continue
        rows = db.execute_sql(f'SELECT * FROM "{table}"').fetchall()
        tables[table] = sorted((tuple(row) for row in rows), key=repr)
    return tables
