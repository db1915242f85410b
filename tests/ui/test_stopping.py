"""Quitting or switching scenario while training stops the training within a second.

Measured in events and CPU time, not on the wall clock (a shared machine stretches
that): quitting, the training process obeys the quit command (exit code 0) rather than
being terminated after `TrainingProcess.stop`'s one-second wait; switching, the training
process spends under a second of its own CPU between the switch and the new model's
"ready" (one step of the old training, then the new Trainer).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.protocol import Ready, Report, Steps
from rnn_tui.ui.screens.confirm import ConfirmScreen

from .test_app_pilot import wait_for, wait_ready

STOP_SECONDS = 1.0
LONG_RUN = {"training.steps": 1_000_000}  # still training whenever the test acts
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc (10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


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
        await pilot.press("y")
    # Under run_test the app shuts down as the block ends (in a terminal, at once); its
    # shutdown joins the training process, terminating it if it has not quit in a second.
    assert not process.is_alive() and not app.is_running
    assert process.exitcode == 0, (
        f"the training process did not quit by itself within {STOP_SECONDS:.0f} s "
        f"(exit code {process.exitcode}: terminated or killed)"
    )


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_switching_scenario_while_training_stops_the_old_training_within_a_second():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_training(pilot, "sine-waves")
        process = screen.session.process
        pid = process.pid
        seen: list[tuple[float, Report]] = []  # (the training process's CPU seconds when drained, report)
        original = process.drain

        def drain(limit: int = 1000) -> list[Report]:
            reports = original(limit)
            if reports:
                cpu = cpu_seconds(pid)
                seen.extend((cpu, report) for report in reports)
            return reports

        process.drain = drain
        reset_at: list[float] = []  # the training process's CPU seconds when told to reset
        reset = screen.session.reset

        def timed_reset(*args, **kwargs) -> None:
            reset_at.append(cpu_seconds(pid))
            reset(*args, **kwargs)

        screen.session.reset = timed_reset
        screen.open_scenario("stock-prices")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # training would be lost: asked first
        await pilot.press("y")
        assert screen.scenario.name == "stock-prices"
        await wait_for(pilot, lambda: screen.session.ready, 60, "the new scenario's model")
        at = next(i for i, (_, r) in enumerate(seen) if isinstance(r, Ready))
        # From the switch to "ready" the training process finishes the old step and builds
        # the new Trainer (about 0.03 s of CPU); a loop that went on training first would
        # spend ~0.01 s a step.
        assert len(reset_at) == 1, reset_at
        stop = seen[at][0] - reset_at[0]
        assert stop < STOP_SECONDS, f"the old training took {stop:.2f} s of CPU to let go"
        assert screen.scenario.name == "stock-prices" and not screen.session.running
        assert screen.session.step == 0
        after = [r for _, r in seen[at + 1 :] if isinstance(r, Steps)]
        assert not after, "reports of the old training came after the new model's"
        assert process.alive  # the same process, ready for the new scenario
