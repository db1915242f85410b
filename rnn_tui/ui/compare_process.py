"""Train vanilla RNN, LSTM and GRU one after another on the same data and seed, in a spawn process.

Started through ``training_process.TrainingProcess(compare_main)``; no textual import.

Reports (child -> UI), tuples:
    ("steps", cell, [{"step", "loss", "eval", "probe"}, ...])
    ("done", cell, {"loss", "metric", "examples"} | None, diverged or None)
    ("finished",)
    ("error", message)
"""

from __future__ import annotations

import dataclasses
import os
import queue
import sys
import time
import traceback
from typing import Any

CELLS = ("rnn", "lstm", "gru")
FLUSH_SECONDS = 0.2


def _record(report: Any) -> dict[str, Any]:
    return {
        "step": report.step,
        "loss": report.loss,
        "eval": None if report.eval is None else dataclasses.asdict(report.eval),
        "probe": report.probe,
        "diverged": report.diverged,
    }


def _train_cell(
    trainer: Any, cell: str, steps: int, commands: Any, reports: Any, parent_pid: int
) -> bool:
    """Train one cell; False if told to quit (or orphaned)."""
    pending: list[dict[str, Any]] = []
    flushed = time.perf_counter()
    for _ in range(steps):
        report = trainer.train_step()
        pending.append(_record(report))
        if time.perf_counter() - flushed > FLUSH_SECONDS or report.diverged:
            reports.put(("steps", cell, pending))
            pending, flushed = [], time.perf_counter()
            if os.getppid() != parent_pid:
                return False
            try:
                if commands.get_nowait()[0] == "quit":
                    return False
            except queue.Empty:
                pass
        if report.diverged:
            break
    if pending:
        reports.put(("steps", cell, pending))
    return True


def compare_main(commands: Any, reports: Any, scenario: Any, steps: int, parent_pid: int) -> None:
    """Entry point: each cell trains ``steps`` steps from the same seed on the same data."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = devnull
    try:
        import torch

        from rnn_tui.core.training import Trainer

        torch.set_num_threads(1)
        dataset = None
        for cell in CELLS:
            trainer = Trainer(scenario.with_changes({"model.cell": cell}), dataset=dataset)
            dataset = trainer.dataset
            if not _train_cell(trainer, cell, steps, commands, reports, parent_pid):
                reports.cancel_join_thread()  # quitting: do not wait for the app to read
                os._exit(0)
            final = None if trainer.diverged else dataclasses.asdict(trainer.evaluate())
            reports.put(("done", cell, final, trainer.diverged))
        else:
            reports.put(("finished",))
    except Exception:  # noqa: BLE001 - report anything, then end cleanly
        reports.put(("error", "the comparison failed:\n" + traceback.format_exc(limit=8)))
    reports.close()
    reports.join_thread()
    os._exit(0)  # skip the slow interpreter teardown with torch loaded
