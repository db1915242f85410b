"""A short Training panel (80x24 with the lesson pane open) shows two charts side by side,
the pair its scenario is about, and says which two are hidden; tall enough, all four."""

from __future__ import annotations

import pytest

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.training import SHORT_ROWS
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.test_lesson_mode import IdleProcess

CHARTS = ("chart-loss", "chart-metric", "chart-grad-norm", "chart-grad-time")


def idle(scenario: str) -> RnnTuiApp:
    app = RnnTuiApp(scenario)
    app.process = IdleProcess()
    return app


def shown_charts(panel) -> list[str]:
    return [name for name in CHARTS if panel.query_one(f"#{name}").display]


@pytest.mark.parametrize(
    ("scenario", "pair", "note"),
    [
        ("long-memory", ["chart-grad-norm", "chart-grad-time"], "loss, held-out hidden"),
        ("sign-memory", ["chart-loss", "chart-metric"], "grad norm, ‖dL/dh_t‖ hidden"),
    ],
)
async def test_short_shows_the_scenarios_pair_and_says_so_then_four_when_tall(scenario, pair, note):
    app = idle(scenario)
    async with app.run_test(size=(80, 14)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).panels is not None, what="the panels")
        screen = main_screen(app)
        screen.show_panel("training")
        panel = screen.panels.by_name("training")
        await wait_for(pilot, lambda: 0 < panel.size.height < SHORT_ROWS, what="a short panel")
        await wait_for(pilot, lambda: shown_charts(panel) == pair, what="the pair")
        for name in pair:  # side by side, each the panel's height less the note's row
            assert panel.query_one(f"#{name}").size.height == panel.size.height - 1
        assert note in str(panel.query_one("#training-short-note").render())
        await pilot.resize_terminal(80, 30)
        await wait_for(pilot, lambda: panel.size.height >= SHORT_ROWS, what="a tall panel")
        await wait_for(pilot, lambda: shown_charts(panel) == list(CHARTS), what="all four")
        assert not panel.query_one("#training-short-note").display
