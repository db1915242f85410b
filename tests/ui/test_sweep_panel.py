"""The Sweep panel in the app, by keyboard: a tiny sweep runs and is charted, escape stops
one, a saved sweep opens, and no worker process outlives the app."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from rnn_tui.core.sweep import SweepResult
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.sweep import SweepPanel
from rnn_tui.ui.screens.confirm import ConfirmScreen
from rnn_tui.ui.widgets.sweep_chart import SweepChart
from tests.ui.pty_app import alive
from tests.ui.test_app_pilot import main_screen, wait_for
from tests.ui.widgets.chart_picture import ChartPicture, screen_lines
from tests.ui.widgets.test_chart_truth import PANEL_SIZES

TINY = ["model.hidden_size=4", "data.params.n_train=100", "data.params.n_test=20", "training.eval_size=20"]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sweeps"
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


async def open_sweep_panel(pilot, processes: int = 0) -> SweepPanel:
    """Tab to the Sweep panel (the model need not be loaded) and go into its fields."""
    await wait_for(pilot, lambda: getattr(main_screen(pilot.app), "panels", None) is not None)
    screen = main_screen(pilot.app)
    while screen.panel != "sweep":
        await pilot.press("shift+tab")
    panel = screen.panels.sweep
    panel.processes = processes  # 0: the runs train in the panel's thread, no process to spawn
    await pilot.press("enter")
    assert panel.query_one("#sweep-key").has_focus
    return panel


async def type_sweep(pilot, values: str, cells: str, steps: str) -> None:
    """From the first field: values, cells and steps typed over, then enter starts."""
    for text in (values, cells):
        await pilot.press("down", "ctrl+u", *text)
    await pilot.press("down", "down", "ctrl+u", *steps, "enter")


@pytest.mark.parametrize("size", [
    "80x24", pytest.param("120x40", marks=pytest.mark.slow),  # the chart tests cover both sizes
])
@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_a_tiny_sweep_typed_by_keyboard_runs_and_is_charted(size):
    app = RnnTuiApp("long-memory", settings=TINY)
    async with app.run_test(size=SIZES[size]) as pilot:
        panel = await open_sweep_panel(pilot)
        assert (panel.region.width, panel.region.height) == PANEL_SIZES[size]  # as the chart tests host it
        await type_sweep(pilot, "3,6", "gru", "4")
        await wait_for(pilot, lambda: panel.result is not None and not panel.running
                       and len(panel.result.points) == 2, 120, "the sweep")
        result = panel.result
        assert [(p.value, p.cell, p.seed, p.steps) for p in result.points] == [(3, "gru", 0, 4), (6, "gru", 0, 4)]
        assert not result.interrupted and result.plan.key == "data.params.seq_len"
        status = str(panel.query_one("#sweep-status").render())
        assert "Done: 2 / 2 runs" in status
        chart = panel.query_one(SweepChart)
        await wait_for(pilot, lambda: not chart.dirty, 10, "the chart drawn")
        await pilot.pause()
        picture = ChartPicture(screen_lines(app, chart))
        assert "g gru" in picture.title_row and "goal 0.95" in picture.title_row, picture.lines
        assert sum(picture.inside(row).count("g") for row in range(picture.top + 1, picture.bottom)) == 2
        # The time view: T is 3 and 6, and the slope is written out.
        await pilot.press("ctrl+t")
        caption = str(panel.query_one("#sweep-caption").render())
        assert "log-log slope: gru " in caption and "Step t needs h_{t-1}" in caption


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_escape_stops_a_running_sweep_and_keeps_what_finished(monkeypatch):
    from rnn_tui.core import sweep_worker

    first_done, release = threading.Event(), threading.Event()
    real = sweep_worker.run_point

    def held(run):
        point = real(run)
        if run.index == 0:  # hold the sweep after its first run until escape was pressed
            first_done.set()
            release.wait(timeout=300)
        return point

    monkeypatch.setattr(sweep_worker, "run_point", held)
    app = RnnTuiApp("long-memory", settings=TINY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            panel = await open_sweep_panel(pilot)
            await type_sweep(pilot, "3,6,9", "rnn", "3")
            await wait_for(pilot, first_done.is_set, 120, "the first run")
            assert panel.running
            await pilot.press("escape")
            assert "Stopping" in str(panel.query_one("#sweep-status").render())
            release.set()
            await wait_for(pilot, lambda: not panel.running and panel.result is not None
                           and panel.result.interrupted, 60, "the stopped sweep")
            assert len(panel.result.points) == 1
            assert "Stopped: 1 / 3 runs finished" in str(panel.query_one("#sweep-status").render())
            await pilot.press("escape")  # not running: escape leaves the field
            assert app.screen.focused is None
    finally:
        release.set()


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_a_saved_sweep_opens_from_the_prompt_and_a_bad_file_says_why(tmp_path):
    app = RnnTuiApp("long-memory", settings=TINY)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_sweep_panel(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is not main_screen(app), 10, "the prompt")
        prompt = app.screen.query_one("#dialog-input")
        assert prompt.value.endswith("long-memory-ladder.json")
        prompt.value = str(DOCS / "long-memory-ladder.json")
        await pilot.press("enter")
        await wait_for(pilot, lambda: panel.result is not None, 10, "the opened sweep")
        expected = SweepResult.from_json(DOCS / "long-memory-ladder.json")
        assert panel.result.points == expected.points
        assert panel.query_one("#sweep-values").value == "5,10,20,50,100"  # enter would run it again
        bad = tmp_path / "bad.json"
        bad.write_text('{"scenario": "x"}')
        panel.open_file(str(bad))
        status = str(panel.query_one("#sweep-status").render())
        assert f"✖ {bad}: field 'key' is missing" in status
        assert panel.result.points == expected.points  # the shown sweep stays
        # The palette offers the panel's commands; one switches the chart to timing.
        from rnn_tui.ui.commands import main_commands

        commands = {name: run for name, _, run in main_commands(main_screen(app))}
        assert {"Sweep: run…", "Sweep: open a file…", "Sweep: save as JSON…"} <= set(commands)
        commands["Sweep: metric / time per step"]()
        assert panel.view == "time" and main_screen(app).panel == "sweep"
        assert "log-log slope: rnn 0.53, lstm 0.51, gru 0.71" in str(panel.query_one("#sweep-caption").render())
        panel.save_file(str(tmp_path / "again.json"))
        assert SweepResult.from_json(tmp_path / "again.json").points == expected.points


def pool_workers() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if "PoolWorker" in p.name]


@pytest.mark.slow  # a spawned pool worker imports torch: seconds on a busy machine
async def test_quitting_while_a_sweep_runs_ends_its_worker_processes():
    app = RnnTuiApp("long-memory", settings=TINY)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_sweep_panel(pilot, processes=1)
        await type_sweep(pilot, "3,6,9,12,15,18", "rnn,gru", "2000")
        await wait_for(pilot, lambda: panel.steps_done > 0, 180, "training in the worker process")
        pids = [p.pid for p in pool_workers()]
        assert pids and panel.running
        await pilot.press("ctrl+q")  # quitting asks first: the sweep's runs would be lost
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 30, "the question")
        question = str(app.screen.query_one("#dialog-text").render())
        assert "A sweep is running (" in question and "Quit?" in question
        await pilot.press("n")  # no: the sweep goes on
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), 30, "no")
        assert panel.running
        await pilot.press("ctrl+q", "y")
    assert not panel.running  # the app waited for the pool to end
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids), pids
