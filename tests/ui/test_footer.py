"""The footer: the main keys at 80 columns, every key of the main screen from 120."""

from __future__ import annotations

import gc

import pytest
from textual.widgets._footer import FooterKey

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.main import FOOTER_WHEN_WIDE, MainScreen

from .test_app_pilot import wait_ready
from .test_panels import panels_up

IN_AND_OUT = {"enter_panel", "leave_field"}  # shown where they apply


def footer_line(app: RnnTuiApp) -> str:
    return app.screen._compositor.render_strips()[-1].text


def footer_actions(screen: MainScreen) -> set[str]:
    return {key.action for key in screen.query(FooterKey)}


@pytest.mark.parametrize("width", [80, 100, 120, 160])
async def test_footer_fits_and_shows_every_key_when_wide(width):
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await panels_up(pilot)
        await pilot.pause()
        line = footer_line(app)
        assert line.rstrip().endswith("^p cmds"), line  # nothing pushed off the edge
        # On the Timestep panel, with nothing focused: no field to go into or to leave.
        every = {binding.action for binding in MainScreen.BINDINGS} - IN_AND_OUT
        shown = footer_actions(screen) - {"command_palette"}  # the app's own, at the right
        if width >= 120:
            assert shown == every, every - shown
        else:
            assert shown == every - FOOTER_WHEN_WIDE, every - FOOTER_WHEN_WIDE - shown
        for part in ("space train", "←→⇱⇲ t", "g clip", "[] lr", "? help", "q quit"):
            assert part in line, (part, line)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
@pytest.mark.parametrize("width", [120, 160])
async def test_wide_footer_says_how_to_go_into_a_field_and_out(width):
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await panels_up(pilot)
        await pilot.press("tab", "tab")  # Try it
        await pilot.pause()
        line = footer_line(app)
        assert "⏎ fields" in line and "q quit" in line and "esc leave" not in line, line
        assert line.rstrip().endswith("^p cmds"), line
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "down")  # a Setup row
        assert screen.focused is not None
        await pilot.pause()
        line = footer_line(app)
        assert "esc leave" in line and "⏎ fields" not in line and "q quit" in line, line
        assert line.rstrip().endswith("^p cmds"), line


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_narrow_footer_says_escape_while_typing():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await panels_up(pilot)
        await pilot.press("shift+tab", "down")  # Setup's first row: a list, not typing
        await pilot.pause()
        assert "esc leave" not in footer_line(app) and "q quit" in footer_line(app)
        for _ in range(4):
            await pilot.press("down")  # to hidden size: a number field, typed into
        assert screen.typing
        await pilot.pause()
        line = footer_line(app)
        assert "esc leave" in line and "space train" not in line, line
        await pilot.press("escape")
        await pilot.pause()
        assert "esc leave" not in footer_line(app) and "space train" in footer_line(app)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_footer_follows_a_resize_across_the_width():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await panels_up(pilot)
        assert "next_panel" not in footer_actions(screen)
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert "⇥⇤ panel" in footer_line(app) and "next_panel" in footer_actions(screen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "next_panel" not in footer_actions(screen)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_switching_panels_does_not_keep_old_footer_keys_alive():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        # The model loaded first: "ready" changes the keys shown, and a recompose for it
        # still under way at the count would hold old and new keys at once.
        screen = await wait_ready(pilot)
        for _ in range(3):  # each leaked ~30 keys a switch: 3 show it as well as 10 did
            await pilot.press("tab", "shift+tab", "g")  # focus and bindings change each time
            for width in (100, 130):  # the footer shows other keys: it recomposes
                await pilot.resize_terminal(width, 40)
                await pilot.pause()
        gc.collect()
        alive = [key for key in gc.get_objects() if isinstance(key, FooterKey)]
        shown = list(screen.query(FooterKey))
        # Textual 8.2.8 kept every recomposed footer's keys (about 30 a switch) alive.
        assert len(alive) <= 2 * len(shown), (len(alive), len(shown))
