"""One run of a sweep, inside a pool worker process: train, evaluate, time.

Timing uses ``time.process_time``: the CPU this process spent, which other jobs on a
shared machine inflate far less than wall time (with one torch thread it is the work).
A training step's time is the median over the run's steps after a warm-up (the first
steps allocate, and Adam builds its state), so the occasional step that also
evaluates or probes does not count; a forward pass is timed on a fixed held-out batch.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import threading
import time
from multiprocessing.queues import Queue

import torch

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.reports import StepReport
from rnn_tui.core.sweep import SweepPoint, SweepRun
from rnn_tui.core.training import Trainer, recurrent_steps

WARMUP_STEPS = 5  # training steps left out of the median (fewer in a very short run)
FORWARD_WARMUP, FORWARD_REPEATS = 3, 15
PROGRESS_SECONDS = 0.25  # how often a worker reports its step count
PARENT_POLL_SECONDS = 0.5  # how often a worker checks that its parent still runs

_progress: Queue[tuple[int, int]] | None = None  # the pool's queue of (run index, steps done)


def init_worker(progress: Queue[tuple[int, int]], quiet: bool = False) -> None:
    """Pool initializer: ctrl+c belongs to the parent; one torch thread per worker; the
    worker ends when its parent is gone; ``quiet``: prints go nowhere."""
    global _progress
    if quiet:  # a full-screen app owns the terminal: a warning here would scribble over it
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stderr = devnull
    _watch_parent(os.getppid())
    # Ignored first, then unblocked (the parent started this process with SIGINT blocked):
    # a ctrl+c that arrived while this process started is dropped, not raised here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # Two threads per worker on a shared 2-core machine fight for the cores (README).
    torch.set_num_threads(1)
    _progress = progress


def _watch_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed, or ended by a signal with no time
    to end the pool): an orphaned pool worker waits for tasks for ever otherwise."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_point(run: SweepRun) -> SweepPoint:
    """Train ``run`` for its steps and measure it; errors the user can fix stay RnnTuiError."""
    started = time.perf_counter()
    if run.scenario is None:
        raise RnnTuiError(f"the run {run.cell} {run.value} seed {run.seed} was read from a file; "
                          "plan the sweep again (plan_sweep) to train it.")
    try:
        trainer = Trainer(run.scenario)
        step_seconds = _train(trainer, run)
        summary = trainer.summary()
        forward = _time_forward(trainer)
    except (MemoryError, RuntimeError) as error:
        if isinstance(error, RuntimeError) and "can't allocate memory" not in str(error):
            raise
        raise RnnTuiError(
            f"ran out of memory in the run {run.cell} {run.value} seed {run.seed}; lower --workers, "
            "training.batch_size, model.hidden_size or the sequence length."
        ) from None
    return SweepPoint(
        value=run.value, cell=run.cell, seed=run.seed, timesteps=recurrent_steps(trainer.dataset),
        metric=summary.final.metric, reached=summary.reached, diverged=summary.diverged,
        steps=summary.steps, seconds_per_step=_median_after_warmup(step_seconds),
        seconds_per_forward=forward, held_out=summary.final.examples,
        seconds=time.perf_counter() - started, chance=chance_level(trainer),
    )


def _train(trainer: Trainer, run: SweepRun) -> list[float]:
    """Train, returning each step's CPU seconds and reporting progress now and then."""
    seconds: list[float] = []
    last = [time.process_time(), time.monotonic()]

    def on_step(report: StepReport) -> None:
        now = time.process_time()
        seconds.append(now - last[0])
        last[0] = now
        if _progress is not None and time.monotonic() - last[1] >= PROGRESS_SECONDS:
            last[1] = time.monotonic()
            _progress.put((run.index, report.step))

    trainer.run(on_step=on_step, steps=run.steps)
    return seconds


def _median_after_warmup(seconds: list[float]) -> float:
    if not seconds:
        return float("nan")
    skip = min(WARMUP_STEPS, len(seconds) // 2)
    return statistics.median(seconds[skip:])


@torch.no_grad()
def _time_forward(trainer: Trainer) -> float:
    """Median CPU seconds of one forward pass (loss, no gradient) on a fixed held-out batch."""
    test = trainer.dataset.test
    batch = test.select(range(min(trainer.scenario.training.batch_size, len(test))))
    trainer.model.eval()
    for _ in range(FORWARD_WARMUP):
        trainer.model.forward_loss(batch)
    times = []
    for _ in range(FORWARD_REPEATS):
        start = time.process_time()
        trainer.model.forward_loss(batch)
        times.append(time.process_time() - start)
    trainer.model.train()
    return statistics.median(times)


def chance_level(trainer: Trainer) -> float | None:
    """The metric with no skill (see sweep.CHANCE_LABEL), or None for metrics without one."""
    from rnn_tui.core.metrics import no_skill_level

    return no_skill_level(trainer.scenario.goal.metric, trainer.dataset)
