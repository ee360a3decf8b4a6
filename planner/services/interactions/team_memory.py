"""One memory of every contact on a desk: who else reached them lately, so nobody calls a client
twice in a week because a colleague already did ("Mia spoke to them Tue"). Any member's call,
meeting or email resets the contact's cadence for its owner (the planner reads every reached
interaction, whoever logged it); this module says who it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.core.dates import now_local
from planner.core.vocabulary import InteractionKind
from planner.core.zones import aware, to_utc_naive
from planner.services.team import member_names
from planner.store import settings
from planner.store.models import Interaction
from planner.store.queries import reached_condition

VERBS = {InteractionKind.CALL: "spoke to", InteractionKind.MEETING: "met", InteractionKind.EMAIL: "emailed",
         InteractionKind.MESSAGE: "messaged"}


@dataclass(frozen=True)
class Touch:
    """A member's interaction that reached a contact."""

    member: str
    kind: str
    happened_at: dt.datetime  # aware, in the zone it was logged in

    def words(self, today: dt.date) -> str:
        """'Mia spoke to them Tue' within the week, else with the date."""
        day = self.happened_at.date()
        when = "today" if day == today else (f"{day:%a}" if (today - day).days < 7 else day.isoformat())
        return f"{self.member} {VERBS.get(InteractionKind(self.kind), 'reached')} them {when}"


def reached_by_others(contact_id: int, me: int | None, days: int | None = None) -> list[Touch]:
    """Interactions that reached the contact in the last `days` (setting team.recent_days) logged
    by a member other than `me`, newest first. A personal file logs no member: always empty."""
    days = settings.get("team.recent_days") if days is None else days
    if days <= 0:
        return []
    since = to_utc_naive(now_local()) - dt.timedelta(days=days)
    query = (Interaction.select().where(Interaction.contact == contact_id, reached_condition(),
                                        Interaction.logged_by.is_null(False), Interaction.happened_at >= since)
             .order_by(Interaction.happened_at.desc(), Interaction.id.desc()))
    if me is not None:
        query = query.where(Interaction.logged_by != me)
    rows = list(query)
    names = member_names() if rows else {}
    return [Touch(names.get(row.logged_by or 0, "another member"), row.kind, aware(row.happened_at, row.tz))
            for row in rows]


def touch_of(logged_by: int | None, kind: str, happened_at: dt.datetime, names: dict[int, str]) -> Touch | None:
    """The touch for a logged interaction, when a member logged it."""
    if logged_by is None:
        return None
    return Touch(names.get(logged_by, "another member"), kind, happened_at)
