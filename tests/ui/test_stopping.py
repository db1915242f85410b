"""Quitting or switching scenario while training stops the training within a second."""

from __future__ import annotations

import time

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.protocol import Ready, Report, Steps
from rnn_tui.ui.screens.confirm import ConfirmScreen

from .test_app_pilot import wait_for, wait_ready

STOP_SECONDS = 1.0
LONG_RUN = {"training.steps": 1_000_000}  # still training whenever the test acts


async def start_training(pilot, scenario: str):
    screen = await wait_ready(pilot)
    screen.request_changes(LONG_RUN)  # a budget change: same model, no question
    assert screen.scenario.training.steps == LONG_RUN["training.steps"] and screen.session.ready
    await pilot.press("space")
    await wait_for(pilot, lambda: screen.session.step >= 30, 60, "30 training steps")
    assert screen.session.running
    return screen


async def test_quitting_while_training_stops_the_training_process_within_a_second():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_training(pilot, "sine-waves")
        process = screen.session.process._process
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)  # training would be lost: asked first
        asked_at = time.monotonic()
        await pilot.press("y")
    # Under run_test the app shuts down as the block ends (in a terminal, at once).
    while process.is_alive() and time.monotonic() - asked_at < 5:
        time.sleep(0.01)
    stopped = time.monotonic() - asked_at
    assert not process.is_alive() and not app.is_running
    assert stopped < STOP_SECONDS, f"the training process took {stopped:.2f} s to stop"


async def test_switching_scenario_while_training_stops_the_old_training_within_a_second():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_training(pilot, "sine-waves")
        process = screen.session.process
        seen: list[tuple[float, Report]] = []
        original = process.drain

        def drain(limit: int = 1000) -> list[Report]:
            reports = original(limit)
            seen.extend((time.monotonic(), report) for report in reports)
            return reports

        process.drain = drain
        screen.open_scenario("stock-prices")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # training would be lost: asked first
        switched_at = time.monotonic()
        await pilot.press("y")
        assert screen.scenario.name == "stock-prices"
        await wait_for(pilot, lambda: screen.session.ready, 60, "the new scenario's model")
        ready_at, ready = next((t, r) for t, r in seen if isinstance(r, Ready))
        # From the switch to "ready" is: finishing the old step, building the new
        # Trainer (its own clock says how long), and the report's trip (<= 0.1 s).
        stop = ready_at - switched_at - ready.seconds
        assert stop < STOP_SECONDS, f"the old training took {stop:.2f} s to let go"
        assert screen.scenario.name == "stock-prices" and not screen.session.running
        assert screen.session.step == 0
        after = [r for t, r in seen if isinstance(r, Steps) and t >= ready_at]
        assert not after, "reports of the old training came after the new model's"
        assert process.alive  # the same process, ready for the new scenario
