"""Keys pressed faster than the screen redraws: none is lost going into a panel's field, and
the Setup checkbox says clipping's state in its mark as well as its label.

The training process is a stand-in that never becomes ready and the UI's model copy is not
built: these need the panels, not torch.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Select

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.setup import RowCheckbox
from rnn_tui.ui.screens.main import MainScreen
from tests.ui.first_look_app import HeldProcess
from tests.ui.test_app_pilot import wait_for

WAIT = 30.0  # nothing here waits for torch: only for the screen's own messages


@pytest.fixture
def app(monkeypatch) -> RnnTuiApp:
    monkeypatch.setattr(MainScreen, "build_mirror", lambda self: None)  # no torch here
    return RnnTuiApp("sine-waves", process=HeldProcess())


async def mounted(pilot) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await wait_for(pilot, lambda: screen.panels is not None, WAIT, "the panels")
    return screen


def marked(box: RowCheckbox) -> tuple[str, str]:
    """(the mark inside the box's brackets, its label)."""
    button, label = box.render().plain.split("▌", 1)
    return button.strip("▐ "), label.strip()


def type_at_once(app: RnnTuiApp, *keys: str) -> None:
    """Queue key events as a terminal delivers them, all before the app handles the first
    (Pilot.press waits for the app to be idle after each key)."""
    for key in keys:
        event = events.Key(key, "\r" if key == "enter" else None)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


async def test_two_fast_enters_on_compare_start_the_comparison(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mounted(pilot)
        compare = screen.panels.compare
        compare.process = HeldProcess()  # started, never reporting: no torch
        screen.show_panel("compare")
        await pilot.pause()
        type_at_once(app, "enter", "enter")
        await wait_for(pilot, lambda: compare.running, WAIT, "the comparison to start")
        assert isinstance(screen.focused, Input) and screen.focused.id == "compare-steps"


async def test_two_fast_downs_on_setup_reach_the_second_row(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mounted(pilot)
        screen.show_panel("setup")
        await pilot.pause()
        type_at_once(app, "down", "down")
        await wait_for(pilot, lambda: screen.focused is not None, WAIT, "a row focused")
        await pilot.pause()
        assert isinstance(screen.focused, Select) and screen.focused.id == "setup-scenario"


async def test_clipping_checkbox_follows_g_at_120x40(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await mounted(pilot)
        box = screen.query_one("#setup-clip", RowCheckbox)
        assert screen.scenario.training.clip and box.value
        assert marked(box) == ("✓", "on")
        await pilot.press("g")
        await wait_for(pilot, lambda: not box.value, WAIT, "the box to follow g")
        assert not screen.scenario.training.clip
        assert marked(box) == ("", "off")  # no mark: off, in the mark too
        await pilot.press("g")
        await wait_for(pilot, lambda: box.value, WAIT, "the box to follow g again")
        assert marked(box) == ("✓", "on")
