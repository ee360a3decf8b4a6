"""The `followup` command, the composition root above both layers: it runs a command of
`planner.cli`, and hands it the way to open the full-screen app (with no command, and after
`followup demo`), so the domain never names the UI."""

from __future__ import annotations

from planner import cli


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, open_app=_open_app)


def _open_app() -> int:
    from screens.app import run_app  # Textual loads only when the app opens, not for a command

    return run_app()
