"""The command palette: every action reachable by its plain name.

Rather than a second list to keep in step, the provider reads the bindings that apply on the
screen the palette was opened from (its keys, the app's keys) and offers each by description,
plus the four screens and the repeat-business report by name. Titles are our own words, never user text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

SCREEN_COMMANDS = (
    ("Go to Agenda", "agenda", "calls due, thank-yous and the week"),
    ("Go to Contacts", "contacts", "everyone: filter, add, edit, archive, import"),
    ("Go to Ledger", "ledger", "favours given and received, thanks owed"),
    ("Go to Plan", "plan", "load per working day, blocked days, rebalance"),
)


# Screens pushed over the current one (not modes): title, help, and the screen to build.
REPORT_TITLE = "Repeat business report"
REPORT_HELP = "repeat clients, clients quiet since a placement, placements per month"


def _open_report(app) -> None:
    from screens.report import ReportScreen

    app.push_screen(ReportScreen())


class FollowupCommands(Provider):
    """Screens, then every described binding of the current screen and the app."""

    def _commands(self) -> list[tuple[str, str, Callable]]:
        app = self.app
        commands: list[tuple[str, str, Callable]] = [
            (title, help_text, partial(app.switch_mode, mode)) for title, mode, help_text in SCREEN_COMMANDS
        ]
        commands.append((REPORT_TITLE, REPORT_HELP, partial(_open_report, app)))
        seen = {title for title, _, _ in commands} | {"Agenda", "Contacts", "Ledger", "Plan"}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            title = binding.description
            if not title or title in seen or not active.enabled:
                continue
            seen.add(title)
            key_name = app.get_key_display(binding)
            help_text = f"key {key_name}" + (f": {binding.tooltip}" if binding.tooltip else "")
            commands.append((title, help_text, partial(app.run_action, binding.action, active.node)))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
