"""The Trainer in a separate `spawn` process: commands in through one queue, reports out through another.

Measured on this machine (../shared/STYLE.md): a thread worker loses 40-50% of the
training speed to the UI's rendering (the GIL); a spawn process with one torch thread
keeps about 94%. No textual import here: the child process imports this module.

What crosses is ``ui.protocol``: commands Run, Pause, Step, Update, Reset, Load,
SendWeights, Quit go down; reports Ready, Steps, WeightsAt, State, Failed come up.
``TrainingProcess`` is also the handle of the compare process (``compare_process``),
which speaks the same protocol.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import sys
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from rnn_tui.ui.protocol import (
    Command,
    Failed,
    Load,
    Pause,
    Quit,
    Ready,
    Report,
    Reset,
    Run,
    SendWeights,
    State,
    Step,
    Steps,
    Update,
    Weights,
    WeightsAt,
    Why,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue

    import torch

    from rnn_tui.core.reports import StepReport
    from rnn_tui.core.scenario import Scenario
    from rnn_tui.core.training import Trainer

FLUSH_SECONDS = 0.1  # reports cross at most ~10 times a second, in batches
WEIGHTS_SECONDS = 2.0  # while running, weights for the timestep view this often
IDLE_POLL_SECONDS = 0.5  # paused: how often to check that the parent is still alive
# How the child starts. The app spawns: a fresh interpreter shares nothing with the UI's
# threads. The test suite, which starts ~100 apps per worker, sets "forkserver" with torch
# preloaded (tests/ui/conftest.py) so each child is forked ready instead of importing
# torch anew (~3 s of CPU each).
START_METHOD = "spawn"


def weights_of(model: torch.nn.Module) -> Weights:
    """The model's state_dict as numpy arrays (copies, safe to send)."""
    return {
        name: tensor.detach().cpu().numpy().copy() for name, tensor in model.state_dict().items()
    }


class ParentWatch:
    """Whether the app that started this process is still there (else the child ends).

    Spawned, the app is the parent, and a new parent means it is gone (even a zombie app
    that no one has reaped yet). Forked from a server (the test suite), the parent is the
    server, so ask whether the app's process still exists.
    """

    def __init__(self, parent_pid: int) -> None:
        self.pid = parent_pid
        self.direct = os.getppid() == parent_pid

    def alive(self) -> bool:
        if self.direct:
            return os.getppid() == self.pid
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # exists, owned by someone else: pid reused, not ours
            return False
        return True


class _Child:
    """The loop inside the child process: one Trainer, driven by commands."""

    def __init__(
        self, commands: Queue[Command], reports: Queue[Report], parent_pid: int
    ) -> None:
        self.commands, self.reports, self.parent = commands, reports, ParentWatch(parent_pid)
        self.trainer: Trainer | None = None
        self.remaining = 0  # steps left in the current run; 0 = paused
        self.pending: list[StepReport] = []
        self.last_flush = self.last_weights = time.perf_counter()

    # -- building ------------------------------------------------------------------
    def build(self, scenario: Scenario) -> None:
        from rnn_tui.core.errors import RnnTuiError
        from rnn_tui.core.training import Trainer

        started = time.perf_counter()
        dataset = None
        old = self.trainer
        if (
            old is not None
            and old.scenario.data == scenario.data
            and old.scenario.training.seed == scenario.training.seed
        ):
            dataset = old.dataset  # same data: skip regenerating it
        self.trainer = None
        self.remaining = 0
        # Reports of the replaced trainer not yet sent would arrive after Ready and be
        # taken for the new one's (its step count, its chart points).
        self.pending = []
        try:
            self.trainer = Trainer(scenario, dataset=dataset)
        except RnnTuiError as error:
            self.reports.put(Failed(str(error)))
            return
        seconds = time.perf_counter() - started
        baselines = dict(self.trainer.dataset.baselines)
        self.reports.put(Ready(self.trainer.step, weights_of(self.trainer.model), seconds, baselines))

    # -- commands ------------------------------------------------------------------
    def handle(self, command: Command) -> bool:
        """Apply one command; False means quit."""
        match command:
            case Quit():
                return False
            case Reset(scenario):
                self.build(scenario)
                return True
        trainer = self.trainer
        if trainer is None:
            return True  # nothing to drive until a Reset builds a trainer
        match command:
            case Run(steps):
                self.remaining = max(steps, 0)
                self._state(self.remaining > 0, "running" if self.remaining else "budget")
            case Pause():
                if self.remaining:
                    self.remaining = 0
                    self._stopped("paused")
            case Step():
                if not self.remaining:
                    self._train_one()
                    self._stopped("stepped")
            case Update(training):
                trainer.update(training)
            case Load(weights):
                self._load(trainer, weights)
            case SendWeights():
                self._send_weights()
        return True

    def _load(self, trainer: Trainer, weights: Weights) -> None:
        import torch

        tensors = {name: torch.from_numpy(value) for name, value in weights.items()}
        trainer.load_state(tensors)  # also what a divergence now falls back to
        self._send_weights()

    # -- training ------------------------------------------------------------------
    @property
    def _trainer(self) -> Trainer:
        assert self.trainer is not None, "commands that train need a trainer"
        return self.trainer

    def _train_one(self) -> None:
        report = self._trainer.train_step()
        self.pending.append(report)
        if report.diverged:
            self.remaining = 0
            self._stopped("diverged")

    def _state(self, running: bool, why: Why) -> None:
        self._flush()
        self.reports.put(State(running, self._trainer.step, why))

    def _stopped(self, why: Why) -> None:
        self._state(False, why)
        self._send_weights()

    def _flush(self) -> None:
        if self.pending and self.trainer is not None:
            self.reports.put(Steps(self.trainer.scenario.model.cell, tuple(self.pending)))
        self.pending = []
        self.last_flush = time.perf_counter()

    def _send_weights(self) -> None:
        self._flush()
        trainer = self._trainer
        self.reports.put(WeightsAt(trainer.step, weights_of(trainer.model)))
        self.last_weights = time.perf_counter()

    def loop(self) -> None:
        while True:
            command: Command | None
            if self.remaining:
                try:
                    command = self.commands.get_nowait()
                except queue.Empty:
                    command = None
            else:
                self._flush()
                try:
                    command = self.commands.get(timeout=IDLE_POLL_SECONDS)
                except queue.Empty:
                    command = None
                    if not self.parent.alive():
                        return  # orphaned: the app is gone
            if command is not None:
                if not self.handle(command):
                    return
                continue  # drain every waiting command before the next step
            if self.remaining:
                self._run_one()

    def _run_one(self) -> None:
        self._train_one()
        if self.remaining:
            self.remaining -= 1
            if not self.remaining:
                self._stopped("budget")
                return
        now = time.perf_counter()
        if now - self.last_flush >= FLUSH_SECONDS:
            self._flush()
            if not self.parent.alive():
                self.remaining = 0
        if self.remaining and now - self.last_weights >= WEIGHTS_SECONDS:
            self._send_weights()


def child_main(
    commands: Queue[Command], reports: Queue[Report], scenario: Scenario, parent_pid: int
) -> None:
    """Entry point of the training process (runs under `spawn`)."""
    # The app owns the terminal: anything printed here would scribble over it.
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = devnull
    import torch

    # One thread: the machine has 2 cores and the UI needs the other one.
    torch.set_num_threads(1)
    child = _Child(commands, reports, parent_pid)
    try:
        child.build(scenario)
        child.loop()
    except Exception:  # noqa: BLE001 - report anything, then end cleanly
        reports.put(Failed("the training process failed:\n" + traceback.format_exc(limit=8)))
        reports.close()
        reports.join_thread()  # the app is reading: make sure the message gets out
    else:
        # Quitting must not wait for the app to read what is still queued.
        reports.cancel_join_thread()
    # Skip the interpreter's teardown: with torch loaded it takes ~2 s, and nothing is
    # left to save. The app waits for this exit when it quits or switches scenario.
    os._exit(0)


_TRACKER_QUIETED = False


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null, once.

    The tracker is a process of its own that inherits stderr, which is the terminal the app
    draws on; when the app ends at once on a signal (os._exit, no finalizers), it prints
    "There appear to be 1 leaked semaphore objects" over the restored terminal. The first
    start comes before Textual draws (run_app), so pointing fd 2 elsewhere for that instant
    loses nothing; later starts find the tracker running and leave fd 2 alone. Called
    with sys.stderr back on the real stream (under Textual its fileno() is -1, which the
    tracker's spawn cannot pass on).
    """
    global _TRACKER_QUIETED
    if _TRACKER_QUIETED:
        return
    _TRACKER_QUIETED = True
    from multiprocessing import resource_tracker

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(2)
    except OSError:
        return
    try:
        os.dup2(devnull, 2)
        # A failure here only means the queues start the tracker as usual (noisy on exit).
        with contextlib.suppress(Exception):
            resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class TrainingProcess:
    """The UI's handle on the training process: start, send commands, drain reports, stop."""

    def __init__(self, target: Callable[..., None] = child_main) -> None:
        self._target = target
        self._process: BaseProcess | None = None
        self._commands: Queue[Command] | None = None
        self._reports: Queue[Report] | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self, *args: object) -> None:
        """Spawn the child with ``args`` after the queues (stops a running one first)."""
        self.stop()
        context = mp.get_context("forkserver") if START_METHOD == "forkserver" else mp.get_context("spawn")
        # Textual replaces sys.stdout/stderr with objects whose fileno() is -1, and
        # spawning then fails with "bad value(s) in fds_to_keep": use the real streams.
        with contextlib.redirect_stdout(sys.__stdout__), contextlib.redirect_stderr(sys.__stderr__):
            quiet_resource_tracker()
            self._commands = context.Queue()
            self._reports = context.Queue()
            self._process = context.Process(
                target=self._target,
                args=(self._commands, self._reports, *args, os.getpid()),
                daemon=True,
                name="rnn-tui-training",
            )
            self._process.start()

    def send(self, command: Command) -> None:
        if self._commands is not None:
            self._commands.put(command)

    def drain(self, limit: int = 1000) -> list[Report]:
        """Every report waiting now (at most ``limit``), without blocking."""
        out: list[Report] = []
        if self._reports is None:
            return out
        while len(out) < limit:
            try:
                out.append(self._reports.get_nowait())
            except (queue.Empty, OSError, EOFError, ValueError):
                break
        return out

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the child to quit; terminate it if it does not within ``timeout`` seconds."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(Exception):
            if self._commands is not None:
                self._commands.put(Quit())
        if process.pid is not None:  # None: start() failed, nothing to wait for
            process.join(timeout)
        if process.pid is not None and process.is_alive():
            process.terminate()
            process.join(0.5)
        if process.pid is not None and process.is_alive():
            process.kill()
            process.join(0.5)
        for channel in (self._commands, self._reports):
            if channel is None:
                continue
            with contextlib.suppress(Exception):
                channel.cancel_join_thread()  # never block exit on unsent data
                channel.close()
        self._commands = self._reports = None
