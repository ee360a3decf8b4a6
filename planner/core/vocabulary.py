"""The words followup stores and reads back: interaction kinds and outcomes, why a call is on the
plan, what an agenda item is, favour kinds and directions; and the one rule for "we reached them"
that every layer uses (the plan's cadence, history, the agenda).

Each word is a StrEnum member: it compares equal to, hashes like and prints as its string, so the
database, JSON and CSV hold exactly the plain words they always did. The tuples of plain strings
(`KINDS`, `OUTCOMES`, `FAVOR_KINDS`) are for argparse choices and pickers, which show what they hold.
"""

from __future__ import annotations

from enum import StrEnum

from planner.core.errors import BadInput


class InteractionKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    MESSAGE = "message"
    NOTE = "note"


class Outcome(StrEnum):
    SPOKE = "spoke"
    NO_ANSWER = "no-answer"
    LEFT_MESSAGE = "left-message"


# A note stores no outcome (logging and editing both see to it), so no outcome filter counts one.
NOTE_OUTCOME = ""

KINDS = tuple(kind.value for kind in InteractionKind)
OUTCOMES = tuple(outcome.value for outcome in Outcome)
MISSED_OUTCOMES = (Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE)
REACHED_OUTCOMES = (Outcome.SPOKE,)  # and never a `note`: see is_reaching


class PlanReason(StrEnum):
    """Why a call (or a thank-you task) is on the plan: `PlannedCall.reason`; and why an agenda item
    is there (a date that matters is on the agenda only)."""

    CADENCE = "cadence"  # the next one cadence after the last
    NEW = "new"  # a first call, anywhere in the first cadence
    CATCH_UP = "catch-up"  # overdue: as soon as there is room
    PINNED = "pinned"  # put on its day by hand (pin, snooze, skip a cycle)
    FOLLOW_UP = "follow-up"  # a log's `--next`: the person said when
    RETRY = "retry"  # a missed attempt, tried again
    THANK_YOU = "thank-you"  # a received favour's thank-you task
    SEQUENCE = "sequence"  # a follow-up sequence's step, pinned on its day, its purpose as the note
    DATE = "date"  # a date that matters to them, coming up: an agenda item, never a PlannedCall row


# Pinned rows that ARE the contact's next call (a thank-you task is pinned but is not a call).
NEXT_CALL_REASONS = (PlanReason.PINNED, PlanReason.FOLLOW_UP, PlanReason.RETRY)
# What a log fulfils and remembers; the retry is derived from history instead.
FULFILLED_REASONS = (PlanReason.PINNED, PlanReason.FOLLOW_UP)
# What the solver places freely (within the call's window).
FREE_REASONS = (PlanReason.CADENCE, PlanReason.NEW, PlanReason.CATCH_UP)


class AgendaKind(StrEnum):
    """What an agenda item asks of the user."""

    CALL = "call"
    THANK_YOU = "thank-you"
    DATE = "date"  # remember a birthday or anniversary coming up (services/important_dates.py)


class FavorDirection(StrEnum):
    GAVE = "gave"
    RECEIVED = "received"


class FavorKind(StrEnum):
    REFERRAL = "referral"
    INTRODUCTION = "introduction"
    RECOMMENDATION = "recommendation"
    CANDIDATE_LEAD = "candidate-lead"
    ADVICE = "advice"
    ENDORSEMENT = "endorsement"
    GIFT = "gift"
    OTHER = "other"


FAVOR_KINDS = tuple(kind.value for kind in FavorKind)
REFERRAL_KINDS = (FavorKind.REFERRAL, FavorKind.INTRODUCTION)  # the favours that name who was referred
DIRECTION_ALIASES = {"gave": FavorDirection.GAVE, "give": FavorDirection.GAVE, "given": FavorDirection.GAVE,
                     "received": FavorDirection.RECEIVED, "got": FavorDirection.RECEIVED,
                     "receive": FavorDirection.RECEIVED, "get": FavorDirection.RECEIVED}
FAVOR_KIND_ALIASES = {"intro": FavorKind.INTRODUCTION, "lead": FavorKind.CANDIDATE_LEAD,
                      "candidate lead": FavorKind.CANDIDATE_LEAD, "rec": FavorKind.RECOMMENDATION,
                      "ref": FavorKind.REFERRAL, "reference": FavorKind.RECOMMENDATION}


def is_attempt(kind: str, outcome: str) -> bool:
    """A call, email, meeting or message that reached them or was missed: it fulfils a pinned call."""
    return is_reaching(kind, outcome) or is_missed(kind, outcome)


def is_reaching(kind: str, outcome: str) -> bool:
    """Did this interaction reach the person? A note never does; a missed call never does.
    (store/queries.py `reached_condition` is the same rule in SQL.)"""
    return kind != InteractionKind.NOTE and outcome in REACHED_OUTCOMES


def is_missed(kind: str, outcome: str) -> bool:
    """An attempt that did not reach the person (it plans a retry)."""
    return kind != InteractionKind.NOTE and outcome in MISSED_OUTCOMES


def normalize_kind(kind: str) -> str:
    value = (kind or "").strip().lower()
    if value not in KINDS:
        raise BadInput(f"kind {kind!r}: use one of {', '.join(KINDS)}")
    return value


def normalize_outcome(outcome: str) -> str:
    value = (outcome or "").strip().lower().replace("_", "-").replace(" ", "-")
    value = {"answered": "spoke", "noanswer": "no-answer", "voicemail": "left-message",
             "message-left": "left-message", "missed": "no-answer"}.get(value, value)
    if value not in OUTCOMES:
        raise BadInput(f"outcome {outcome!r}: use one of {', '.join(OUTCOMES)}")
    return value


def normalize_direction(direction: str) -> str:
    value = DIRECTION_ALIASES.get((direction or "").strip().lower())
    if value is None:
        raise BadInput(f"direction {direction!r}: use gave or received (got)")
    return value


def normalize_favor_kind(kind: str) -> str:
    raw = " ".join((kind or "").strip().lower().replace("_", "-").split())
    value = FAVOR_KIND_ALIASES.get(raw, raw.replace(" ", "-"))
    if value not in FAVOR_KINDS:
        raise BadInput(f"favour kind {kind!r}: use one of {', '.join(FAVOR_KINDS)}")
    return value
