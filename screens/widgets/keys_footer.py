"""The footer of every screen: the keys it offers where the cursor is, on one line.

Textual's own Footer makes a widget of every key (and of a key group and of its label), each
composed, mounted and styled, and builds them all again whenever the screen says its bindings
may have changed. On the agenda's keys that was about 30 ms of the app's start-up, before the
first rows could be drawn, and as much at each screen's first visit. This footer is one widget
that draws the same line: the screen's shown bindings in the order and groups Textual's footer
uses ("1234 Screens" is one group), in the footer's theme colours. A key that would do nothing
now (the screen's `check_action` says so) is dim; a click on a key presses it (a dim one rings
the bell); the pointer over a key lights it and shows its tooltip. A key that does not fit the
width is left out whole, never cut. The command palette's key is not drawn: over SSH the footer
has 80 columns, and `?` lists ctrl+p with every other key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

# The style meta naming the key drawn there: a click or the pointer finds its key by it.
KEY_META = "keys_footer_key"


class ShownKey(NamedTuple):
    """One key as the footer draws it."""

    key: str  # what a click presses
    display: str  # how it is written ("^q", or the user's own key)
    description: str  # "" for a key in a group: the group's label says it
    action: str
    enabled: bool  # False: dim, a click rings the bell
    tooltip: str


class KeyGroupShown(NamedTuple):
    """Bindings sharing a `Binding.Group`: their keys side by side, then the group's label."""

    keys: tuple[ShownKey, ...]
    label: str
    compact: bool


Part = ShownKey | KeyGroupShown


def footer_parts(active: Iterable[tuple[Binding, bool, str]], display: Callable[[Binding], str]) -> tuple[Part, ...]:
    """What the footer shows for a screen's active bindings ((binding, enabled, tooltip) in the
    screen's order): shown bindings only, one key per action (its first), the bindings of a
    group together when there are several; as Textual's footer lays them out."""
    first_of: dict[str, tuple[Binding, bool, str]] = {}  # by action
    for binding, enabled, tooltip in active:
        if binding.show:
            first_of.setdefault(binding.action, (binding, enabled, tooltip))
    parts: list[Part] = []
    for group, same_group in groupby(first_of.values(), lambda first: first[0].group):
        firsts = list(same_group)
        if group is not None and len(firsts) > 1:
            keys = tuple(ShownKey(binding.key, display(binding), "", binding.action, enabled,
                                  tooltip or binding.description) for binding, enabled, tooltip in firsts)
            parts.append(KeyGroupShown(keys, group.description, group.compact))
        else:
            parts.extend(ShownKey(binding.key, display(binding), binding.description, binding.action, enabled,
                                  tooltip) for binding, enabled, tooltip in firsts)
    return tuple(parts)


class KeysFooter(Widget):
    """The keys of the screen it is on, drawn as one line; redrawn only when they change."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--hover",
        "keys-footer--disabled",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--hover {
            background: $block-hover-background;
        }
        & > .keys-footer--disabled {
            text-style: dim;
        }
        &:hover {
            pointer: pointer;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.parts: tuple[Part, ...] = ()  # what the line shows
        self._hovered: str | None = None  # the key under the pointer

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        active = ((binding, enabled, tooltip) for _node, binding, enabled, tooltip in screen.active_bindings.values())
        parts = footer_parts(active, self.app.get_key_display)
        if parts != self.parts:
            self.parts = parts
            if self._hovered is not None:  # the keys moved: what is under the pointer is not known
                self._hovered = None
                self.tooltip = None
            self.refresh()

    def shown(self) -> dict[str, ShownKey]:
        """Every key drawn (or left out for want of width), by action."""
        keys: dict[str, ShownKey] = {}
        for part in self.parts:
            for key in part.keys if isinstance(part, KeyGroupShown) else (part,):
                keys[key.action] = key
        return keys

    # ----------------------------------------------------------------- drawing
    def render(self) -> Text:
        key_style = self.get_component_rich_style("keys-footer--key", partial=True)
        words_style = self.get_component_rich_style("keys-footer--description", partial=True)
        # the hover colour is translucent: its colour over the footer's background, as drawn
        hover_style = Style(bgcolor=self.get_component_rich_style("keys-footer--hover").bgcolor)
        dim_style = self.get_component_rich_style("keys-footer--disabled", partial=True)

        def styled(key: ShownKey, style: Style) -> Style:
            if not key.enabled:
                style += dim_style
            if key.key == self._hovered:
                style += hover_style
            return style + Style(meta={KEY_META: key.key})

        line = Text(no_wrap=True, overflow="crop")
        room = self.size.width
        for part in self.parts:
            piece = Text()
            if isinstance(part, ShownKey):
                if part.description:
                    piece.append(f" {part.display} ", styled(part, key_style))
                    piece.append(f"{part.description} ", styled(part, words_style))
                else:
                    piece.append(part.display, styled(part, key_style))
            else:  # a group's keys side by side, then its label: " 1234 Screens " when compact
                gap = "" if part.compact else " "
                for n, key in enumerate(part.keys):
                    piece.append(" " if n == 0 else gap)
                    piece.append(key.display, styled(key, key_style))
                piece.append(" ")
                piece.append(f"{part.label} ", words_style)
            if piece.cell_len <= room:  # a key that does not fit is left out whole
                line.append_text(piece)
                room -= piece.cell_len
        return line

    # ----------------------------------------------------------------- pointer
    def _key_at(self, event: events.MouseEvent) -> ShownKey | None:
        key = event.style.meta.get(KEY_META)
        return next((shown for shown in self.shown().values() if shown.key == key), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        shown = self._key_at(event)
        key = shown.key if shown is not None else None
        if key != self._hovered:
            self._hovered = key
            self.tooltip = (shown.tooltip or None) if shown is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        shown = self._key_at(event)
        if shown is None:
            return
        event.stop()
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()
