"""Running follow-up sequences: starting one for a contact from an event day, stopping it, and
reading where each stands.

Starting copies the definition's steps into the run (planner/store/models.py SequenceStep), so
editing a definition later leaves running sequences alone. The steps become pinned touch points
on the agenda, counted in the day's load, replacing the cadence check-ins near them; any attempt
logged on or after a step's day satisfies it (planner/scheduling/touch_points.py). When the last
step is done the contact is back on its cadence. Each change and the re-plan it causes are one
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planner.core import dates
from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import clean_line
from planner.core.vocabulary import is_attempt
from planner.core.zones import aware
from planner.scheduling.inputs import load_calendar
from planner.scheduling.service import replan
from planner.scheduling.touch_points import step_note, step_place
from planner.services import referrals
from planner.services.sequence_definitions import Definition, get_definition
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Contact, Interaction, PlannedCall, SequenceRun, SequenceStep, get_contact

HORIZON_YEARS = 3  # an event further ahead than this is a typo


@dataclass
class StepView:
    id: int
    offset: str
    label: str
    purpose: str
    due: dt.date
    day: dt.date  # the working day it goes on
    state: str  # planned | done | skipped (due before the run started) | stopped
    done_on: dt.date | None = None  # the day of the log that satisfied it

    @property
    def note(self) -> str:
        return step_note(self.label, self.purpose)

    def to_json(self) -> dict:
        return {"id": self.id, "offset": self.offset, "label": self.label, "purpose": self.purpose,
                "due": self.due.isoformat(), "day": self.day.isoformat(), "state": self.state,
                "done_on": self.done_on.isoformat() if self.done_on else None}


@dataclass
class RunView:
    id: int
    contact_id: int
    contact_name: str
    sequence: str
    event_date: dt.date
    note: str
    started_on: dt.date
    stopped_on: dt.date | None
    placement_id: int | None
    steps: list[StepView] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.stopped_on is None and any(step.state == "planned" for step in self.steps)

    @property
    def next_step(self) -> StepView | None:
        return next((step for step in self.steps if step.state == "planned"), None)

    def to_json(self) -> dict:
        return {"id": self.id, "contact_id": self.contact_id, "contact": self.contact_name,
                "sequence": self.sequence, "event_date": self.event_date.isoformat(), "note": self.note,
                "started_on": self.started_on.isoformat(),
                "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
                "placement_id": self.placement_id, "running": self.running,
                "steps": [step.to_json() for step in self.steps]}


def _active_contact(contact_id: int) -> Contact:
    contact = get_contact(contact_id)
    if contact.archived_at is not None:
        raise BadInput(f"{clean_line(contact.name)} is archived: unarchive them before starting a sequence")
    return contact


def check_event_day(day: dt.date, what: str = "--on") -> dt.date:
    today = dates.today()
    if abs((day - today).days) > HORIZON_YEARS * 366:
        raise BadInput(f"{what}: {day.isoformat()} is more than {HORIZON_YEARS} years from today")
    return day


def create_run(contact: Contact, definition: Definition, event: dt.date, note: str = "",
               placement_id: int | None = None) -> SequenceRun:
    """Insert a run and its steps (inside the caller's write transaction; the caller re-plans)."""
    run = SequenceRun.create(contact=contact, sequence=definition.name, event_date=event, note=note,
                             placement=placement_id, started_on=dates.today())
    SequenceStep.insert_many([
        {"run": run.id, "position": number, "offset": step.offset, "due": step.due(event),
         "label": definition.label(step), "purpose": step.purpose}
        for number, step in enumerate(definition.steps)
    ]).execute()
    return run


@retried
def start_sequence(contact_id: int, name: str, event: dt.date, note: str = "") -> RunView:
    """Start sequence `name` for the contact from `event` and put its steps on the agenda."""
    definition = get_definition(name)
    check_event_day(event)
    with journaled(f"Started {definition.name}") as action:
        contact = _active_contact(contact_id)
        action.label = f"Started {definition.name} for {contact.name}"
        same = SequenceRun.select().where(SequenceRun.contact == contact, SequenceRun.sequence == definition.name,
                                          SequenceRun.event_date == event, SequenceRun.stopped_on.is_null())
        if same.exists():
            raise BadInput(f"{clean_line(contact.name)} already has {definition.name} running from "
                           f"{event.isoformat()}")
        run = create_run(contact, definition, event, clean_line(note))
        referrers = referrals.after_deal(contact_id) if definition.name == referrals.DEAL_SEQUENCE else []
        replan(sorted({contact_id, *referrers}))
    return get_run(run.id)


@retried
def stop_sequences(contact_id: int, name: str, event: dt.date | None = None) -> list[RunView]:
    """Stop the contact's running sequences of this name (only the one from `event` when given):
    their future steps leave the agenda."""
    definition_name = get_definition(name).name
    with journaled(f"Stopped {definition_name}") as action:
        contact = get_contact(contact_id)
        action.label = f"Stopped {definition_name} for {contact.name}"
        query = SequenceRun.select().where(SequenceRun.contact == contact, SequenceRun.sequence == definition_name,
                                           SequenceRun.stopped_on.is_null())
        if event is not None:
            query = query.where(SequenceRun.event_date == event)
        runs = list(query)
        if not runs:
            on = f" from {event.isoformat()}" if event else ""
            raise NotFound(f"{clean_line(contact.name)} has no {definition_name} sequence running{on}")
        SequenceRun.update(stopped_on=dates.today()).where(SequenceRun.id.in_([r.id for r in runs])).execute()
        replan([contact_id])
    return [get_run(run.id) for run in runs]


@retried
def snooze_step(step_id: int, to: dt.date) -> StepView:
    """Move one pending step of a running sequence to `to` (the next working day when `to` is not
    one); the contact's cadence and the sequence's other steps stay where they are."""
    today = dates.today()
    if to < today:
        raise BadInput(f"date {to.isoformat()} is in the past (today is {today.isoformat()})")
    with journaled("Snoozed a sequence step") as action:
        step = SequenceStep.get_or_none(SequenceStep.id == step_id)
        if step is None:
            raise NotFound(f"no sequence step with id {step_id}")
        run = step.run
        contact = _active_contact(run.contact_id)
        if run.stopped_on is not None:
            raise BadInput(f"{clean_line(contact.name)}'s {run.sequence} sequence was stopped on "
                           f"{run.stopped_on.isoformat()}")
        action.label = f"Snoozed {contact.name}'s {run.sequence} step to {to.isoformat()}"
        SequenceStep.update(moved_to=to).where(SequenceStep.id == step_id).execute()
        replan([run.contact_id])
    return next(view for view in get_run(run.id).steps if view.id == step_id)


def get_run(run_id: int) -> RunView:
    runs = _views(SequenceRun.select().where(SequenceRun.id == run_id))
    if not runs:
        raise NotFound(f"no sequence run with id {run_id}")
    return runs[0]


def runs_for(contact_id: int | None = None, *, running_only: bool = False) -> list[RunView]:
    """The sequences of a contact (everyone's when None), newest event first."""
    query = SequenceRun.select()
    if contact_id is not None:
        query = query.where(SequenceRun.contact == contact_id)
    views = _views(query.order_by(SequenceRun.event_date.desc(), SequenceRun.id.desc()))
    return [view for view in views if view.running] if running_only else views


def _views(query) -> list[RunView]:
    runs = list(query.join(Contact).select_extend(Contact.id, Contact.name))
    if not runs:
        return []
    cal = load_calendar()
    steps: dict[int, list[SequenceStep]] = {}
    for step in SequenceStep.select().where(SequenceStep.run.in_([r.id for r in runs])).order_by(SequenceStep.position):
        steps.setdefault(step.run_id, []).append(step)
    planned = {row.id for row in PlannedCall.select(PlannedCall.id).where(
        PlannedCall.id.in_([s.planned_call for group in steps.values() for s in group if s.planned_call]))}
    contact_ids = sorted({run.contact_id for run in runs})
    done_days = _attempt_days(contact_ids)
    views = []
    for run in runs:
        view = RunView(run.id, run.contact_id, run.contact.name, run.sequence, run.event_date, run.note,
                       run.started_on, run.stopped_on, run.placement_id)
        for step in steps.get(run.id, []):
            day, satisfied_from = step_place(cal, step)
            done_on = next((d for d in done_days.get(run.contact_id, []) if d >= satisfied_from), None)
            if step.due < run.started_on:
                state, done_on = "skipped", None
            elif step.planned_call in planned:
                state, done_on = "planned", None
            elif done_on is not None:
                state = "done"
            else:
                state = "stopped" if run.stopped_on is not None else "planned"
            view.steps.append(StepView(step.id, step.offset, step.label, step.purpose, step.due, day, state, done_on))
        views.append(view)
    return views


def _attempt_days(contact_ids: list[int]) -> dict[int, list[dt.date]]:
    """Every local day each contact had an attempt logged, ascending: a step was done on the first
    of them on or after its day (the rule touch_points.py plans by)."""
    days: dict[int, set[dt.date]] = {}
    query = (Interaction.select(Interaction.contact, Interaction.happened_at, Interaction.tz, Interaction.kind,
                                Interaction.outcome).where(Interaction.contact.in_(contact_ids)))
    for row in query:
        if is_attempt(row.kind, row.outcome):
            days.setdefault(row.contact_id, set()).add(aware(row.happened_at, row.tz).date())
    return {cid: sorted(found) for cid, found in days.items()}

