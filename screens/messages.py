"""Messages the screens exchange ("attributes down, messages up").

`DataChanged` is posted to the app after any write (a logged call, an edit, a favour, a snooze);
the app forwards it to every installed screen, and each one reloads in a thread worker. It does
not bubble: the app re-posts it to the screens, and a bubbling copy would come straight back.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode
from textual.message import Message


class DataChanged(Message, bubble=False):
    """The database changed; `contact_ids` are the contacts touched (None: anything may have)."""

    def __init__(self, contact_ids: list[int] | None = None) -> None:
        super().__init__()
        self.contact_ids = None if contact_ids is None else list(contact_ids)


class Announce(Message):
    """A worker finished a write (or an export): the app says `text` and, when `changed`, sends
    `DataChanged(contact_ids)` to every screen. Posted from the worker thread; bubbles to the app."""

    def __init__(self, text: str, *, changed: bool = True, contact_ids: list[int] | None = None,
                 undoable: bool = True) -> None:
        super().__init__()
        self.text = text
        self.changed = changed
        self.undoable = undoable  # a change `u` can put back: the app says so after `text`
        self.contact_ids = None if contact_ids is None else list(contact_ids)


class FirstFrame(Message):
    """A main screen drew its first rows: work that may wait (a stale plan's re-plan) starts now."""


def after_first_frame(node: DOMNode, callback: Callable[[], object]) -> None:
    """Run `callback` once the app has drawn its first rows (`FirstFrame`), at once if it has, or in
    an app that does not say. For a widget's own first read, which the first frame does not need:
    it then does not compete with the agenda's read for the interpreter. Skipped if `node` has
    left the screen by then."""
    wait = getattr(node.app, "after_first_frame", None)
    if wait is None:
        callback()
        return
    wait(lambda: callback() if node.is_attached else None)
