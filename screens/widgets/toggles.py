"""Radio buttons and checkboxes whose state shows without colour.

Textual draws the same "●" / "X" for on and off and tells them apart by colour only, so with
`NO_COLOR=1` (or a monochrome terminal) every export format looked chosen. These draw a blank
when off.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox, RadioButton


class _ShowsOff:
    BUTTON_LEFT: str
    BUTTON_INNER: str
    BUTTON_RIGHT: str
    value: bool

    @property
    def _button(self) -> Content:
        # Textual's ToggleButton._button, with a blank inside when off.
        button_style = self.get_visual_style("toggle--button")  # type: ignore[attr-defined]
        side_style = Style(foreground=button_style.background,
                           background=self.background_colors[1])  # type: ignore[attr-defined]
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (self.BUTTON_INNER if self.value else " ", button_style),
            (self.BUTTON_RIGHT, side_style),
        )


class MarkedRadioButton(_ShowsOff, RadioButton):
    """A `RadioButton` that is visibly empty when not chosen."""


class MarkedCheckbox(_ShowsOff, Checkbox):
    """A `Checkbox` that is visibly empty when not ticked."""
