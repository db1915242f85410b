"""The charts' room in the real app at 80x24 and 120x40: Compare usable, Training as the chart tests assume."""

from __future__ import annotations

import pytest

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.widgets import CompareChart
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.widgets.test_chart_truth import PANEL_SIZES

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
FRAME_AND_MARGINS = 5
"""A chart's rows outside the data: title row, frame top and bottom, tick labels (x title
beside them on a short chart)."""


async def panels_mounted(pilot):
    """The main screen with its panels (the model need not be loaded for layout)."""
    await wait_for(pilot, lambda: getattr(main_screen(pilot.app), "panels", None) is not None)
    return main_screen(pilot.app)


@pytest.mark.parametrize("size", SIZES)
async def test_training_panel_has_the_size_the_chart_tests_use(size):
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=SIZES[size]) as pilot:
        screen = await panels_mounted(pilot)
        screen.show_panel("training")
        await pilot.pause()
        region = screen.panels.training.region
        assert (region.width, region.height) == PANEL_SIZES[size]


@pytest.mark.parametrize("size", SIZES)
async def test_compare_charts_have_room_for_data(size):
    # At 80x24 the loss chart was one row tall inside its frame (stacked under the text).
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=SIZES[size]) as pilot:
        screen = await panels_mounted(pilot)
        screen.show_panel("compare")
        await pilot.pause()
        await pilot.pause()
        charts = list(screen.panels.compare.query(CompareChart))
        assert len(charts) == 2
        for chart in charts:
            inside = chart.size.height - FRAME_AND_MARGINS - (chart.margin_bottom - 1)
            assert inside >= 8, (chart.id, chart.size)
            assert chart.size.width >= 36, (chart.id, chart.size)
        assert [chart.x_title for chart in charts] == ["training step", "timestep t"]
