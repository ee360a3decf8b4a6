"""Keeps the stored plan in step with contacts (being written by the planner issue)."""

from __future__ import annotations


def update_plan(contact_ids: list[int] | None) -> None:
    """Re-plan the given contacts, or everyone when None."""
    return None
