"""Steps several UI tests take: letting the app settle, opening the quick-log for Maria, waiting
for what the app does on its own clock."""

from __future__ import annotations

import contextlib

from textual.worker import WorkerCancelled, WorkerFailed


async def settle(app, pilot) -> None:
    """Let every running worker finish (they may start more), then let the screen redraw. A worker
    that fails is waited for too: the app reports it (a notification, or in place), and the test
    asserts on what it shows. One cancelled by a newer worker of its group (the agenda read again
    after a write) has nothing more to do: the newer one is waited for."""
    for _ in range(20):
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause()


async def quick_log_for_maria(app, pilot):
    """From the contacts screen: filter to Maria (Hooli) and open the quick-log on her."""
    from screens.quick_log import QuickLogScreen

    await pilot.press("slash", *"hooli", "enter", "l")
    await pilot.pause()
    assert isinstance(app.screen, QuickLogScreen)
    return app.screen


async def until(pilot, check, seconds: float = 10.0):
    """Poll while the app keeps running (its heartbeat and workers act on their own clock) until
    `check()` is truthy, and return it."""
    for _ in range(int(seconds / 0.05)):
        value = check()
        if value:
            return value
        await pilot.pause(0.05)
    raise AssertionError("not there in time")
