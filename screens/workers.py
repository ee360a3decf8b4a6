"""The one way the screens run database and file work off the event loop, and report its failures.

Reading or writing the database, a file or the time-zone list never runs on the event loop: a
keystroke would wait for another SSH session's write. Such work is a method decorated with
`thread_worker`: Textual runs it in a thread with `exit_on_error=False`, so an exception never
takes the app down. What it found or did reaches the screen as a typed message it posts
(`post_message` is safe from any thread), or, for a dialog that closes with what it stored, as the
worker's result, read when its state turns SUCCESS.

What makes a dialog close (or a screen leave) is never posted from inside the worker: a screen's
workers are cancelled when it is removed, so closing while the worker is still on its way out
cancels it, and whoever waits for it sees it cancelled although its write is stored. Such a
worker returns its message instead; `deliver_result` posts it once the worker has finished.

When it raises, the node that ran it turns the worker's ERROR state into one `WorkerFailed`
message (`report_failure`, called from each base's `on_worker_state_changed`), worded the one way
(`failure_text`): a FollowupError says its own message, anything else "ClassName: message". The
message bubbles to the app, which shows it as an error notification after the worker's `failure`
words ("Could not read the agenda: database is locked"). A dialog that shows errors in place
handles `WorkerFailed` for its own workers and stops it there.

Textual calls the message handlers of every class along a node's MRO: a screen's own
`on_worker_state_changed` (reading a result) runs as well as its base's, not instead of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from planner.core.errors import FollowupError

ResultT = TypeVar("ResultT")


def failure_text(error: BaseException) -> str:
    """The words for a failure, the same everywhere: ours say what went wrong in the user's terms;
    anything else (a locked database, a bug) is named by its class."""
    return str(error) if isinstance(error, FollowupError) else f"{error.__class__.__name__}: {error}"


def thread_worker(
    *, group: str, failure: str | None, exclusive: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Worker[Any]]]:
    """Decorate a method that does blocking work. `failure` is what its failing means to the user
    ("Could not read the agenda"); None for optional work whose failure shows nothing (the form
    works without the list it fills). It becomes the worker's description, in the log too."""
    return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False, description=failure or "")


class WorkerFailed(Message):
    """A thread worker raised. `text` is `failure_text` of its error; bubbles up to the app."""

    def __init__(self, worker: Worker, text: str) -> None:
        super().__init__()
        self.worker = worker
        self.text = text

    @property
    def group(self) -> str:
        return self.worker.group

    @property
    def notice(self) -> str:
        """What the notification says: the worker's failure words, then why."""
        return f"{self.worker.description}: {self.text}" if self.worker.description else self.text

    @property
    def quiet(self) -> bool:
        """Optional work (no failure words): nothing is shown."""
        return not self.worker.description


def deliver_result(node: DOMNode, event: Worker.StateChanged) -> None:
    """A worker that returned a message has it posted on its node once it has finished: its handler
    may close the screen without cancelling the worker that sent it."""
    if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Message):
        node.post_message(event.worker.result)


def report_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    """The one handler of a worker's end: a failure becomes `WorkerFailed`, posted on the node that
    ran the worker (a dialog may show it in place) and bubbling from there to the app."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        node.post_message(WorkerFailed(event.worker, failure_text(event.worker.error)))


class WorkerScreen(Screen[ResultT]):
    """A screen whose thread workers report failures the one way (`report_failure`) and deliver
    a returned message once finished (`deliver_result`)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        deliver_result(self, event)
        report_failure(self, event)


class WorkerDialog(ModalScreen[ResultT]):
    """A modal screen whose thread workers report failures the one way (`report_failure`) and
    deliver a returned message once finished (`deliver_result`)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        deliver_result(self, event)
        report_failure(self, event)
