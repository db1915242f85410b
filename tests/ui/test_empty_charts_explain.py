"""Before the first step, each chart of Training and Compare says what will appear in it
and which key brings it, in its frame, at 80x24 (issue 11: Compare showed empty boxes)."""

from __future__ import annotations

import pytest

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.widgets import CompareChart
from rnn_tui.ui.widgets.chart_base import HistoryChart
from tests.ui.widgets.chart_picture import ChartPicture, screen_lines

from .test_panels import panels_up


def said_in(app, chart: HistoryChart) -> str:
    """The words written inside the chart's frame, as on the screen."""
    picture = ChartPicture(screen_lines(app, chart))
    rows = range(picture.top + 1, picture.bottom)
    return " ".join(picture.inside(row).strip() for row in rows if picture.inside(row).strip())


async def shown(pilot, screen, panel: str) -> None:
    screen.show_panel(panel)
    for _ in range(4):
        await pilot.pause()
    screen.frame()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_empty_training_and_compare_charts_say_what_comes(size):
    app = RnnTuiApp("sign-memory")
    async with app.run_test(size=size) as pilot:
        screen = await panels_up(pilot)
        await shown(pilot, screen, "training")
        training = screen.panels.by_name("training")
        said = {chart.id: said_in(app, chart) for chart in training.query(HistoryChart)}
        assert "space trains" in said["chart-loss"]
        eval_every = screen.session.scenario.training.eval_every
        assert f"measured every {eval_every} steps" in said["chart-metric"]
        assert "clipping scales a step above 1 down to it" in said["chart-grad-norm"]
        assert "vanishing gradient" in said["chart-grad-time"]

        await pilot.press("g")  # clipping off: the grad-norm chart says so
        await shown(pilot, screen, "training")
        assert "clipping is off (g turns it on)" in said_in(app, training.grad_norm)

        await shown(pilot, screen, "compare")
        compare = screen.panels.by_name("compare")
        loss, grad = compare.query(CompareChart)
        assert "trains vanilla RNN, LSTM and GRU one after another" in said_in(app, loss)
        assert "reaching each timestep t" in said_in(app, grad)
        assert "seed" in str(compare.query_one("#compare-status").render())

        await shown(pilot, screen, "sweep")
        from rnn_tui.ui.widgets.sweep_chart import SweepChart

        sweep_chart = screen.panels.by_name("sweep").query_one(SweepChart)
        assert "enter runs the sweep in the fields above" in said_in(app, sweep_chart)
