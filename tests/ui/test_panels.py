"""Switching panels: fast presses settle on the right panel, and Setup shows as it should."""

from __future__ import annotations

import pytest

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.main import MainScreen

from .test_app_pilot import main_screen, wait_for


async def panels_up(pilot) -> MainScreen:
    app = pilot.app
    await wait_for(pilot, lambda: len(app.screen_stack) > 1, 30, "the main screen")
    screen = main_screen(app)
    await wait_for(pilot, lambda: screen.panels is not None, 30, "the panels")
    return screen


def visible(screen: MainScreen) -> list[str]:
    return [
        name
        for name in ("timestep", "training", "try", "compare")
        if screen.panels.by_name(name).styles.visibility == "visible"
    ]


async def test_presses_faster_than_the_app_settle_on_the_last_panel():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await panels_up(pilot)
        shown = []
        original = screen.show_panel
        screen.show_panel = lambda name: shown.append(name) or original(name)
        # Two presses handled before the app gets back to its queue (as when keys arrive
        # faster than it draws): each switch must not come back as a tab message that
        # switches again (that once flipped between two panels for ever).
        screen.action_next_panel()
        screen.action_next_panel()
        for _ in range(5):
            await pilot.pause()
        assert shown == ["training", "try"]
        assert screen.panel == "try" and visible(screen) == ["try"]
        assert screen.query_one("#panel-tabs").active == "tab-try", screen.query_one(
            "#panel-tabs"
        ).active


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_setup_replaces_the_panels_when_narrow_and_is_a_sidebar_when_wide():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await panels_up(pilot)
        setup, panels = screen.panels.setup, screen.query_one("#panels")
        assert not setup.display and panels.display
        screen.show_panel("setup")
        await pilot.pause()
        assert setup.display and not panels.display
        assert setup.region.width == 80
        screen.show_panel("training")
        await pilot.pause()
        assert not setup.display and visible(screen) == ["training"]
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert setup.display and panels.display and setup.region.width == 30
        screen.show_panel("setup")
        await pilot.pause()
        assert panels.display and visible(screen) == ["training"]  # beside the sidebar
        assert setup.styles.border_right[1].hex.upper() == app.get_css_variables()["accent"].upper()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert setup.styles.border_right[1].hex.upper() == app.get_css_variables()["accent"].upper()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert setup.display and not panels.display
