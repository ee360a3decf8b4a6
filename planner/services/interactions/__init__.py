"""Interactions: logging one, correcting or deleting it, reading history, and the pinned calls
and thank-you tasks a log fulfils."""
