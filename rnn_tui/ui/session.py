"""What the app knows about training, apart from drawing: the scenario, the training process, the latest reports.

No textual import: the screens read this state and draw it; tests can drive it directly.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

from rnn_tui.core.reports import EvalResult, StepReport
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import Effect
from rnn_tui.ui.protocol import (
    Failed,
    Load,
    Pause,
    Ready,
    Report,
    Reset,
    Run,
    State,
    Step,
    Steps,
    Update,
    Weights,
    WeightsAt,
    Why,
)
from rnn_tui.ui.training_process import TrainingProcess

RATE_WINDOW_SECONDS = 3.0  # steps/s is measured over the last few seconds of reports
STOP_SECONDS = 1.0  # how long the training process gets to quit before it is terminated


class Session:
    """One scenario being trained in the training process; ``poll()`` turns reports into state."""

    def __init__(self, scenario: Scenario, process: TrainingProcess | None = None) -> None:
        self.scenario = scenario
        self.process = process or TrainingProcess()
        self.ready = False  # a Trainer exists in the training process
        self.awaiting_ready = True  # reports of a replaced trainer are dropped until "ready"
        self.previous: Scenario | None = None  # to go back to if the new one cannot be built
        self.error: str | None = None
        self.running = False
        self.why: Why = "loading"  # what the training process last said: running, paused, budget...
        self.step = 0
        self.diverged: str | None = None
        self.diverged_step: int | None = None
        self.latest: StepReport | None = None  # the newest step report that did not diverge
        self.last_eval: tuple[int, EvalResult] | None = None
        self.weights: tuple[int, Weights] | None = None  # newest (step, weights), for the mirror
        self.baselines: Mapping[str, float] = {}  # the data's, from the training process
        self.weights_version = 0  # counts weights received, so the mirror knows when it is behind
        self.kept_step = 0  # step of the last reset, save or load: training after it is at risk
        self.closed = False  # closed for good (the app is ending): no process starts again
        self._rate: deque[tuple[float, int]] = deque()

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the training process, unless closed or started early (it imports torch
        meanwhile: see launch.open_app)."""
        if not self.closed and not self.process.alive:
            self.process.start(self.scenario)

    def close(self, timeout: float = STOP_SECONDS) -> None:
        """Stop the training process for good; terminated if not gone ``timeout`` s after asked."""
        self.closed = True
        self.process.stop(timeout)
        self.running = False

    # -- state read by the screens ----------------------------------------------------
    @property
    def unsaved_steps(self) -> int:
        """Steps trained since the model was created, saved or loaded (lost on reset)."""
        return max(self.step - self.kept_step, 0)

    @property
    def steps_per_second(self) -> float | None:
        if len(self._rate) < 2:
            return None
        (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else None

    @property
    def budget(self) -> int:
        return self.scenario.training.steps

    def next_run_steps(self) -> int:
        """Steps to the next multiple of the scenario's budget (a full budget at one)."""
        budget = self.budget
        return budget * (self.step // budget + 1) - self.step

    # -- commands ---------------------------------------------------------------------
    def run(self, steps: int | None = None) -> str | None:
        """Start training (``steps`` more, else to the next budget); a sentence saying why
        not, if it cannot."""
        if not self.ready:
            return self.not_ready_reason()
        if self.running:
            return None
        self.running = True  # optimistic: the process confirms with a "state" report
        self._rate.clear()
        self.process.send(Run(self.next_run_steps() if steps is None else steps))
        return None

    def pause(self) -> None:
        if self.running:
            self.process.send(Pause())

    def step_once(self) -> str | None:
        if not self.ready:
            return self.not_ready_reason()
        if self.running:
            return "training is running; pause it (space) to take single steps"
        self.process.send(Step())
        return None

    def not_ready_reason(self) -> str:
        if self.error and not self.awaiting_ready:
            return f"training is unavailable: {self.error}"
        return "the model is still loading; training starts once it is ready"

    def apply(self, scenario: Scenario, effect: Effect) -> None:
        """Switch to ``scenario``; ``effect`` (``core.changes.effect_of``) says what must be rebuilt."""
        old, self.scenario = self.scenario, scenario
        if effect in ("live", "settings"):
            # The whole training spec at once: the trainer is its one owner.
            self.process.send(Update(scenario.training))
        else:
            self.reset(previous=old)

    def reset(self, previous: Scenario | None = None) -> None:
        """A fresh model (and data, if it changed) in the training process."""
        self.previous = previous or self.scenario
        self.ready = False
        self.awaiting_ready = True
        self.running = False
        self.why = "loading"
        self.error = None
        self.diverged = self.diverged_step = None
        self.latest = self.last_eval = self.weights = None
        self.step = self.kept_step = 0
        self._rate.clear()
        if not self.process.alive:
            self.start()
        else:
            self.process.send(Reset(self.scenario))

    def revert(self) -> Scenario | None:
        """Go back to the scenario before a change that could not be built; None if none."""
        previous = self.previous
        if previous is None or previous is self.scenario:
            return None
        self.scenario = previous
        self.reset()
        return previous

    def load_weights(self, state: Weights) -> None:
        """Weights from a file (already checked by the mirror) into the trainer."""
        self.process.send(Load(state))
        self.kept_step = self.step
        self.diverged = self.diverged_step = None

    def mark_saved(self) -> None:
        self.kept_step = self.step

    # -- reports ------------------------------------------------------------------------
    def poll(self) -> list[Report]:
        """Apply every waiting report to this state; returns the ones that count."""
        taken: list[Report] = []
        for report in self.process.drain():
            match report:
                case Failed(message):
                    self._on_error(message)
                case Ready():
                    self._on_ready(report)
                case _ if self.awaiting_ready:
                    continue  # from a trainer that was replaced
                case Steps(_, reports):
                    self._on_steps(reports)
                case WeightsAt(step, weights):
                    self.weights = (step, weights)
                    self.weights_version += 1
                case State(running, step, why):
                    self.running, self.step, self.why = running, step, why
                    if running:
                        self._rate.clear()
                case _:
                    continue  # CellDone: the compare process's, not ours
            taken.append(report)
        ended = self.process.exitcode  # None: running, or stopped from here
        if ended is not None and not self.error and not self.closed:
            # Ended by itself (killed, out of memory, torch failing to import): said, or
            # the status line would say "loading" (or "ready") for ever.
            when = "stopped unexpectedly" if self.ready else "ended before the model was ready"
            failure = Failed(
                f"the training process {when} (exit code {ended}); press r to start it again"
            )
            self._on_error(failure.message)
            taken.append(failure)
        return taken

    def _on_ready(self, report: Ready) -> None:
        self.ready, self.awaiting_ready, self.error = True, False, None
        self.previous = None
        self.step = self.kept_step = report.step
        self.baselines = report.baselines
        self.weights = (report.step, report.weights)
        self.weights_version += 1
        self.why = "ready"

    def _on_error(self, message: str) -> None:
        self.error = message
        self.running = False
        if self.awaiting_ready:
            self.why = "error"
        self.ready = self.ready and not self.awaiting_ready

    def _on_steps(self, reports: tuple[StepReport, ...]) -> None:
        for report in reports:
            self.step = report.step
            if report.diverged:
                self.diverged, self.diverged_step = report.diverged, report.step
            else:
                self.latest = report
                if self.diverged and math.isfinite(report.loss):
                    self.diverged = self.diverged_step = None
            if report.eval is not None:
                self.last_eval = (report.step, report.eval)
            self._rate.append((report.seconds, report.step))
        while len(self._rate) > 2 and self._rate[-1][0] - self._rate[0][0] > RATE_WINDOW_SECONDS:
            self._rate.popleft()
