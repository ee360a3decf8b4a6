"""The words followup stores and reads back: interaction kinds and outcomes, and the one rule for
"we reached them" that every layer uses (the plan's cadence, history, the agenda)."""

from __future__ import annotations

from planner.core.errors import BadInput

KINDS = ("call", "email", "meeting", "message", "note")
OUTCOMES = ("spoke", "no-answer", "left-message")
MISSED_OUTCOMES = ("no-answer", "left-message")
REACHED_OUTCOMES = ("spoke",)  # and never a `note`: see is_reaching


def is_attempt(kind: str, outcome: str) -> bool:
    """A call, email, meeting or message that reached them or was missed: it fulfils a pinned call."""
    return is_reaching(kind, outcome) or is_missed(kind, outcome)


def is_reaching(kind: str, outcome: str) -> bool:
    """Did this interaction reach the person? A note never does; a missed call never does."""
    return kind != "note" and outcome == "spoke"


def is_missed(kind: str, outcome: str) -> bool:
    """An attempt that did not reach the person (it plans a retry)."""
    return kind != "note" and outcome in MISSED_OUTCOMES


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
