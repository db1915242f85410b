"""The gallery composes every widget and survives stepping, toggles and tab switches."""

import pytest
from textual.widgets import TabbedContent

from rnn_tui.ui.widgets import HiddenHeatmap, VectorBars
from rnn_tui.ui.widgets.gallery import TABS, Gallery


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)])  # wide: slow suite
async def test_gallery_runs(size):
    app = Gallery()
    async with app.run_test(size=size) as pilot:
        heatmap = app.query_one(HiddenHeatmap)
        for _ in range(20):
            await pilot.press("right")
        assert heatmap.cursor[0] == 1  # stepped from the encoder into the decoder
        await pilot.press("s", "g", "b", "p")
        assert heatmap.glyphs is True and app.query_one(VectorBars).highlight is not None
        for tab in TABS:
            app.query_one(TabbedContent).active = tab
            await pilot.pause(0.15)


async def test_a_frame_while_shutting_down_is_skipped():
    """The replay timer is the app's: at exit it can fire once more after the widgets are
    gone (seen as NoMatches for LossChart on a loaded machine)."""
    app = Gallery()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")  # the training replay starts over
        assert app.replay_step < len(app.curves["step"])
    app._frame()
