"""Radio buttons and checkboxes show their state without colour (NO_COLOR, monochrome terminals)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from screens.widgets.toggles import MarkedCheckbox, MarkedRadioButton


class _Toggles(App):
    def compose(self) -> ComposeResult:
        with RadioSet():
            yield MarkedRadioButton("iCalendar", value=True, id="on")
            yield MarkedRadioButton("Markdown", id="off")
        yield MarkedCheckbox("thanked them", id="box")


async def test_only_the_chosen_option_is_marked():
    app = _Toggles()
    async with app.run_test() as pilot:
        on, off, box = (app.query_one(f"#{i}") for i in ("on", "off", "box"))
        assert "●" in on.render().plain and "●" not in off.render().plain
        assert "X" not in box.render().plain
        box.value = True
        await pilot.pause()
        assert "X" in box.render().plain
        off.value = True
        await pilot.pause()
        assert "●" not in on.render().plain and "●" in off.render().plain
