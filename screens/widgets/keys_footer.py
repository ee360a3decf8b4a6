"""The footer of every screen: Textual's, drawn again only when the keys it shows change.

Textual's Footer rebuilds all its key widgets whenever the screen says its bindings may have
changed: at every focus change and every `refresh_bindings()`, most of which change nothing it
shows (the agenda's screen start alone rebuilt it three times with the same twelve keys, each
rebuild a dozen widgets mounted and styled on the event loop). This one compares what it would
show with what it shows, and rebuilds only when they differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that skips rebuilds which would draw the same keys."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # what the last rebuild asked for drew

    @staticmethod
    def _keys(screen: Screen) -> tuple:
        """Everything of the screen's active bindings that the footer's compose reads."""
        return tuple((key, binding.key, binding.action, binding.description, binding.show, binding.group,
                      binding.key_display, enabled, tooltip)
                     for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items())

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
