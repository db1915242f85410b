"""The training process's side: one Trainer, driven by commands, reporting back.

Runs in the child that ``training_process.TrainingProcess`` starts (its entry point
``training_process.run_training_child`` imports this module there, so the app itself
need not import it before Textual). No textual import.

What crosses is ``ui.protocol``: commands Run, Pause, Step, Update, Reset, Load,
SendWeights, Quit come in; reports Ready, Steps, WeightsAt, State, Failed go out.
"""

from __future__ import annotations

import os
import queue
import sys
import time
import traceback
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
from rnn_tui.ui.training_process import OpenRequest, ParentWatch

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    import torch

    from rnn_tui.core.reports import StepReport
    from rnn_tui.core.scenario import Scenario
    from rnn_tui.core.training import Trainer

FLUSH_SECONDS = 0.1  # reports cross at most ~10 times a second, in batches
WEIGHTS_SECONDS = 2.0  # while running, weights for the timestep view this often
IDLE_POLL_SECONDS = 0.5  # paused: how often to check that the parent is still alive


def weights_of(model: torch.nn.Module) -> Weights:
    """The model's state_dict as numpy arrays (copies, safe to send)."""
    return {
        name: tensor.detach().cpu().numpy().copy() for name, tensor in model.state_dict().items()
    }


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
    def build(self, scenario: Scenario | OpenRequest) -> None:
        """A Trainer on ``scenario`` (resolved here first when the app sent the command
        line's request), then Ready; or Failed with the reason."""
        from rnn_tui.core.errors import RnnTuiError
        from rnn_tui.core.training import Trainer
        from rnn_tui.ui.opening import open_scenarios

        started = time.perf_counter()
        if isinstance(scenario, OpenRequest):
            try:
                scenario = open_scenarios(scenario.name_or_path, scenario.settings).initial
            except RnnTuiError as error:
                self.reports.put(Failed(str(error)))
                return
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


def failure_message(
    error: BaseException, what: str = "the training process", again: str = "r starts it again."
) -> str:
    """One paragraph for the app's banner: what failed, where, and the key that tries
    again; never a traceback."""
    if isinstance(error, ImportError):
        return (
            f"{what} could not import {error.name or 'a module'}: {error}. "
            f"Check the install (pip install -e . in the project; torch==2.13.0 on CPU); {again}"
        )
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (in {os.path.basename(last.filename)}:{last.lineno}, {last.name})"
    return (
        f"{what} failed: {type(error).__name__}: {error}{where}; {again}"
    )


def child_main(
    commands: Queue[Command],
    reports: Queue[Report],
    scenario: Scenario | OpenRequest,
    parent_pid: int,
) -> None:
    """Entry point of the training process (runs under `spawn`)."""
    # The app owns the terminal: anything printed here would scribble over it.
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = devnull
    child = _Child(commands, reports, parent_pid)
    try:
        import torch  # in the try: a broken install is reported, not a silent exit

        # One thread: the machine has 2 cores and the UI needs the other one.
        torch.set_num_threads(1)
        child.build(scenario)
        child.loop()
    except Exception as error:  # noqa: BLE001 - report anything, then end cleanly
        reports.put(Failed(failure_message(error)))
        reports.close()
        reports.join_thread()  # the app is reading: make sure the message gets out
    else:
        # Quitting must not wait for the app to read what is still queued.
        reports.cancel_join_thread()
    # Skip the interpreter's teardown: with torch loaded it takes ~2 s, and nothing is
    # left to save. The app waits for this exit when it quits or switches scenario.
    os._exit(0)


