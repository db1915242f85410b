"""Train vanilla RNN, LSTM and GRU one after another on the same data and seed, in a spawn process.

Started through ``training_process.TrainingProcess(compare_main)`` and speaking the same
protocol (``ui.protocol``): it takes Quit; it reports Steps (tagged with the cell), then
each cell's trained weights (WeightsAt) and its CellDone, State(running=False,
why="finished") at the end, or Failed.
No textual import.
"""

from __future__ import annotations

import os
import queue
import sys
import time
from typing import TYPE_CHECKING

from rnn_tui.core.vocabulary import CELLS, Cell
from rnn_tui.ui.protocol import CellDone, Command, Failed, Quit, Report, State, Steps, WeightsAt
from rnn_tui.ui.training_child import failure_message, weights_of
from rnn_tui.ui.training_process import ParentWatch

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    from rnn_tui.core.reports import StepReport
    from rnn_tui.core.scenario import Scenario
    from rnn_tui.core.training import Trainer

FLUSH_SECONDS = 0.2


def _train_cell(
    trainer: Trainer,
    cell: Cell,
    steps: int,
    commands: Queue[Command],
    reports: Queue[Report],
    parent: ParentWatch,
) -> bool:
    """Train one cell; False if told to quit (or orphaned)."""
    pending: list[StepReport] = []
    flushed = time.perf_counter()
    for _ in range(steps):
        report = trainer.train_step()
        pending.append(report)
        if time.perf_counter() - flushed > FLUSH_SECONDS or report.diverged:
            reports.put(Steps(cell, tuple(pending)))
            pending, flushed = [], time.perf_counter()
            if not parent.alive() or _quit_asked(commands):
                return False
        if report.diverged:
            break
    if pending:
        reports.put(Steps(cell, tuple(pending)))
    return True


def _quit_asked(commands: Queue[Command]) -> bool:
    try:
        return isinstance(commands.get_nowait(), Quit)
    except queue.Empty:
        return False


def compare_main(
    commands: Queue[Command],
    reports: Queue[Report],
    scenario: Scenario,
    steps: int,
    parent_pid: int,
) -> None:
    """Entry point: each cell trains ``steps`` steps from the same seed on the same data."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = devnull
    try:
        import torch

        from rnn_tui.core.training import Trainer

        torch.set_num_threads(1)
        dataset = None
        parent = ParentWatch(parent_pid)
        for cell in CELLS:
            trainer = Trainer(scenario.with_changes({"model.cell": cell}), dataset=dataset)
            dataset = trainer.dataset
            if not _train_cell(trainer, cell, steps, commands, reports, parent):
                reports.cancel_join_thread()  # quitting: do not wait for the app to read
                os._exit(0)
            final = None if trainer.diverged else trainer.evaluate()
            # The trained weights too (a lesson makes the current cell's its model).
            reports.put(WeightsAt(trainer.step, weights_of(trainer.model)))
            reports.put(CellDone(cell, final, trainer.diverged))
        reports.put(State(False, steps, "finished"))
    except Exception as error:  # noqa: BLE001 - report anything, then end cleanly
        reports.put(Failed(failure_message(error, "the comparison", "enter runs it again.")))
    reports.close()
    reports.join_thread()
    os._exit(0)  # skip the slow interpreter teardown with torch loaded
