"""Errors a person can read. The CLI prints their message on one line and exits with `exit_code`."""

from __future__ import annotations


class FollowupError(Exception):
    """A failure with a message meant for the user (exit code 1: runtime failure)."""

    exit_code = 1


class BadInput(FollowupError):
    """The user gave something we cannot use (exit code 2)."""

    exit_code = 2


class NotFound(BadInput):
    """A contact, log entry or favour named by the user does not exist."""


class Ambiguous(BadInput):
    """A name matched several contacts; the message lists them."""
