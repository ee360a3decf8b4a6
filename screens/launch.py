"""The `followup` command, the composition root above both layers: it runs a command of
`planner.cli`, and hands it the way to open the full-screen app (with no command, and after
`followup demo`), so the domain never names the UI."""

from __future__ import annotations

import os

from planner import cli


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, open_app=_open_app, app_unavailable=_without_terminal())


def _open_app() -> int:
    from screens.app import run_app  # Textual loads only when the app opens, not for a command

    return run_app()


def _without_terminal() -> str | None:
    """Why the app cannot open in this process, or None when it can. Textual reads keys from stdin
    and draws on stderr (on stdout under Windows). Without a terminal there, as from a script, cron,
    a pipe or `ssh host followup` without -t, it never ends: its input thread spins at full CPU on a
    stdin that is a file or at its end, and what it draws goes to a file or pipe nobody looks at.
    Stdout too: sent to a file or a pipe, it says followup runs in a script, which a full-screen
    app waiting for keys would hold up."""
    missing = [name for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")) if not os.isatty(fd)]
    if not missing:
        return None
    if len(missing) == 1:
        return f"the app needs a terminal, and {missing[0]} is not one"
    return f"the app needs a terminal, and {', '.join(missing[:-1])} and {missing[-1]} are not terminals"
