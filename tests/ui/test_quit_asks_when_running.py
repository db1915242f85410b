"""q asks before ending a comparison that is still running (its minutes of training would
be lost); with nothing running and nothing unsaved it quits at once."""

from __future__ import annotations

from rnn_tui.ui.screens.confirm import ConfirmScreen
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.test_lesson_mode import idle_app


async def test_q_asks_while_a_comparison_runs_and_quits_at_once_when_nothing_runs():
    app = idle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: main_screen(app).panels is not None, what="the panels")
        screen = main_screen(app)
        screen.panels.compare.running = True  # as while its process trains the three cells
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert "comparison of RNN, LSTM and GRU is running" in str(
            app.screen.query_one("#dialog-text").render()
        )
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen, what="back to the main screen")
        assert app.is_running
        screen.panels.compare.running = False
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
