"""What crosses between the app and its engine processes (training, compare): typed messages.

Commands go down (app -> process), reports come up (process -> app). Every one is a
frozen dataclass, pickled through a multiprocessing queue and handled with ``match``
on its class. No torch and no textual import: both sides load this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from rnn_tui.core.reports import EvalResult, Float32Array, StepReport
from rnn_tui.core.scenario import Scenario, TrainingSpec
from rnn_tui.core.vocabulary import Cell

# A model's state_dict as numpy copies: safe to pickle, loaded without torch on the app side.
Weights: TypeAlias = Mapping[str, "Float32Array"]

# Why training is (not) running, as the training process last said.
Why = Literal[
    "loading", "ready", "running", "paused", "stepped", "budget", "diverged", "error", "finished"
]


# -- commands (app -> process) ------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """Train up to ``steps`` more steps, until paused."""

    steps: int


@dataclass(frozen=True)
class Pause:
    """Stop after the current step."""


@dataclass(frozen=True)
class Step:
    """One training step (when not running)."""


@dataclass(frozen=True)
class Update:
    """New training settings for the same model: learning rate, clipping, batch, cadences."""

    training: TrainingSpec


@dataclass(frozen=True)
class Reset:
    """A fresh trainer for ``scenario`` (new weights; new data if the data changed)."""

    scenario: Scenario


@dataclass(frozen=True)
class Load:
    """Weights (already checked to fit) into the trainer's model."""

    weights: Weights


@dataclass(frozen=True)
class SendWeights:
    """Send the current weights now."""


@dataclass(frozen=True)
class Quit:
    """End the process."""


Command: TypeAlias = Run | Pause | Step | Update | Reset | Load | SendWeights | Quit


# -- reports (process -> app) ---------------------------------------------------------
@dataclass(frozen=True)
class Ready:
    """A trainer exists, at ``step`` with ``weights``; building it took ``seconds``."""

    step: int
    weights: Weights
    seconds: float
    # The data's baselines on the held-out set ({"bag_of_words_accuracy": 0.68}).
    baselines: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Steps:
    """Training steps of ``cell``, in order, batched (a few times a second)."""

    cell: Cell
    reports: tuple[StepReport, ...]


@dataclass(frozen=True)
class WeightsAt:
    """The weights after training step ``step`` (after a run stops, a step, or every few seconds)."""

    step: int
    weights: Weights


@dataclass(frozen=True)
class State:
    """Training started or stopped at ``step``, and why."""

    running: bool
    step: int
    why: Why


@dataclass(frozen=True)
class CellDone:
    """Compare: one cell finished its steps; its held-out result, or why it diverged."""

    cell: Cell
    final: EvalResult | None
    diverged: str | None


@dataclass(frozen=True)
class Failed:
    """The scenario could not be built, or the process failed; a sentence for the user."""

    message: str


Report: TypeAlias = Ready | Steps | WeightsAt | State | CellDone | Failed
