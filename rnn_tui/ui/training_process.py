"""The Trainer in a separate `spawn` process: commands in through one queue, reports out through another.

Measured on this machine (../shared/STYLE.md): a thread worker loses 40-50% of the
training speed to the UI's rendering (the GIL); a spawn process with one torch thread
keeps about 94%. No textual import here: the child process imports this module.

Commands (UI -> child), tuples:
    ("run", steps)          train up to ``steps`` more steps, until paused
    ("pause",)              stop after the current step
    ("step",)               one training step (when not running)
    ("set_lr", value)       learning rate, applied to the optimizer at once
    ("set_clip", on, norm)  gradient clipping on/off and its max norm
    ("settings", scenario)  same model, new batch size / eval cadence / budget
    ("reset", scenario)     a fresh Trainer (new weights; new data if the data changed)
    ("load", state)         load weights ({name: numpy}) into the model
    ("weights",)            send the current weights
    ("quit",)

Reports (child -> UI), tuples:
    ("ready", step, weights, info)   a Trainer exists; info: {"seconds": build time}
    ("steps", [report, ...])         StepReports as dicts (see ``report_dict``)
    ("weights", step, weights)       {name: numpy} after a run stops, a step, or every few seconds
    ("state", running, step, why)    training started or stopped, and why
    ("error", message)               the scenario could not be built, or a step failed
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import queue
import sys
import time
import traceback
from typing import Any

FLUSH_SECONDS = 0.1  # reports cross at most ~10 times a second, in batches
WEIGHTS_SECONDS = 2.0  # while running, weights for the timestep view this often
IDLE_POLL_SECONDS = 0.5  # paused: how often to check that the parent is still alive


def report_dict(report: Any) -> dict[str, Any]:
    """A StepReport as plain Python/numpy values, so the UI unpickles it without torch."""
    return dataclasses.asdict(report)


def weights_of(model: Any) -> dict[str, Any]:
    """The model's state_dict as numpy arrays (copies, safe to send)."""
    return {
        name: tensor.detach().cpu().numpy().copy() for name, tensor in model.state_dict().items()
    }


class _Child:
    """The loop inside the child process: one Trainer, driven by commands."""

    def __init__(self, commands: Any, reports: Any, parent_pid: int) -> None:
        self.commands, self.reports, self.parent_pid = commands, reports, parent_pid
        self.trainer: Any = None
        self.remaining = 0  # steps left in the current run; 0 = paused
        self.pending: list[dict[str, Any]] = []
        self.last_flush = self.last_weights = time.perf_counter()

    # -- building ------------------------------------------------------------------
    def build(self, scenario: Any) -> None:
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
        # Reports of the replaced trainer not yet sent would arrive after "ready" and be
        # taken for the new one's (its step count, its chart points).
        self.pending = []
        try:
            self.trainer = Trainer(scenario, dataset=dataset)
        except RnnTuiError as error:
            self.reports.put(("error", str(error)))
            return
        info = {"seconds": time.perf_counter() - started}
        self.reports.put(("ready", self.trainer.step, weights_of(self.trainer.model), info))

    # -- commands ------------------------------------------------------------------
    def handle(self, command: tuple) -> bool:
        """Apply one command; False means quit."""
        name, *args = command
        trainer = self.trainer
        if name == "quit":
            return False
        if name == "reset":
            self.build(args[0])
            return True
        if trainer is None:
            return True  # nothing to drive until a reset builds a trainer
        if name == "run":
            self.remaining = max(int(args[0]), 0)
            self._state(self.remaining > 0, "running" if self.remaining else "budget")
        elif name == "pause":
            if self.remaining:
                self.remaining = 0
                self._stopped("paused")
        elif name == "step":
            if not self.remaining:
                self._train_one()
                self._stopped("stepped")
        elif name == "set_lr":
            trainer.set_learning_rate(float(args[0]))
        elif name == "set_clip":
            trainer.set_clipping(bool(args[0]), float(args[1]))
        elif name == "settings":
            trainer.scenario = args[0]  # batch size and cadences are read from it every step
        elif name == "load":
            self._load(args[0])
        elif name == "weights":
            self._send_weights()
        return True

    def _load(self, state: dict[str, Any]) -> None:
        import torch

        tensors = {name: torch.from_numpy(value) for name, value in state.items()}
        self.trainer.load_state(tensors)  # also what a divergence now falls back to
        self._send_weights()

    # -- training ------------------------------------------------------------------
    def _train_one(self) -> None:
        report = self.trainer.train_step()
        self.pending.append(report_dict(report))
        if report.diverged:
            self.remaining = 0
            self._stopped("diverged")

    def _state(self, running: bool, why: str) -> None:
        self._flush()
        self.reports.put(("state", running, self.trainer.step, why))

    def _stopped(self, why: str) -> None:
        self._state(False, why)
        self._send_weights()

    def _flush(self) -> None:
        if self.pending:
            self.reports.put(("steps", self.pending))
            self.pending = []
        self.last_flush = time.perf_counter()

    def _send_weights(self) -> None:
        self._flush()
        self.reports.put(("weights", self.trainer.step, weights_of(self.trainer.model)))
        self.last_weights = time.perf_counter()

    def loop(self) -> None:
        while True:
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
                    if os.getppid() != self.parent_pid:
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
            if os.getppid() != self.parent_pid:
                self.remaining = 0
        if self.remaining and now - self.last_weights >= WEIGHTS_SECONDS:
            self._send_weights()


def child_main(commands: Any, reports: Any, scenario: Any, parent_pid: int) -> None:
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
        reports.put(("error", "the training process failed:\n" + traceback.format_exc(limit=8)))
        reports.close()
        reports.join_thread()  # the app is reading: make sure the message gets out
    else:
        # Quitting must not wait for the app to read what is still queued.
        reports.cancel_join_thread()
    # Skip the interpreter's teardown: with torch loaded it takes ~2 s, and nothing is
    # left to save. The app waits for this exit when it quits or switches scenario.
    os._exit(0)


class TrainingProcess:
    """The UI's handle on the training process: start, send commands, drain reports, stop."""

    def __init__(self, target: Any = child_main) -> None:
        self._target = target
        self._process: Any = None
        self._commands: Any = None
        self._reports: Any = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self, *args: Any) -> None:
        """Spawn the child with ``args`` after the queues (stops a running one first)."""
        self.stop()
        context = mp.get_context("spawn")
        # Textual replaces sys.stdout/stderr with objects whose fileno() is -1, and
        # spawning then fails with "bad value(s) in fds_to_keep": use the real streams.
        with contextlib.redirect_stdout(sys.__stdout__), contextlib.redirect_stderr(sys.__stderr__):
            self._commands = context.Queue()
            self._reports = context.Queue()
            self._process = context.Process(
                target=self._target,
                args=(self._commands, self._reports, *args, os.getpid()),
                daemon=True,
                name="rnn-tui-training",
            )
            self._process.start()

    def send(self, *command: Any) -> None:
        if self._commands is not None:
            self._commands.put(command)

    def drain(self, limit: int = 1000) -> list[tuple]:
        """Every report waiting now (at most ``limit``), without blocking."""
        out: list[tuple] = []
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
            self._commands.put(("quit",))
        if process.pid is not None:  # None: start() failed, nothing to wait for
            process.join(timeout)
        if process.pid is not None and process.is_alive():
            process.terminate()
            process.join(0.5)
        if process.pid is not None and process.is_alive():
            process.kill()
            process.join(0.5)
        for channel in (self._commands, self._reports):
            with contextlib.suppress(Exception):
                channel.cancel_join_thread()  # never block exit on unsent data
                channel.close()
        self._commands = self._reports = None
