"""What training reports: one step, one evaluation, one run. numpy/Python values only.

No torch import, so the app, the training process's reports and the tests use these
real types without loading torch; numpy only for type checking, so the app's first
screen (which imports the protocol) does not wait for numpy either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import numpy as np

# numpy arrays with their element type named (numpy.typing.NDArray hides an Any in the shape).
Float64Array: TypeAlias = "np.ndarray[tuple[int, ...], np.dtype[np.float64]]"
Float32Array: TypeAlias = "np.ndarray[tuple[int, ...], np.dtype[np.float32]]"

# Gradient through time on the probe batch: part ("rnn", "encoder", "decoder") ->
# (layers, T) norms of dL/dh_t.
Probe: TypeAlias = Mapping[str, "Float64Array"]


@dataclass(frozen=True)
class EvalResult:
    """Held-out loss and the scenario's goal metric over ``examples`` examples."""

    loss: float
    metric: float
    examples: int
    # How many held-out targets the metric is over: scored values of a series, else
    # examples (classes) or sentences; metrics.TARGET_NOUNS names them per output kind.
    targets: int = 0
    rmse: float | None = None  # series: RMSE in the data's own units, whatever the metric


def goal_baseline(
    metric: str, baselines: Mapping[str, float]
) -> tuple[str, float] | None:
    """The strongest baseline on the goal's own scale, as (name in words, value); None if none.

    Baselines are named ``<method>_<metric>`` by the datasets (``bag_of_words_accuracy``,
    ``persistence_rmse``). For ``rmse_ratio`` (RMSE / persistence RMSE) persistence is 1
    by definition, and a seasonal naive forecast is shown on the same scale.
    """
    if metric == "rmse_ratio":
        persistence = baselines.get("persistence_rmse")
        seasonal = baselines.get("seasonal_naive_rmse")
        if persistence and seasonal is not None:
            return min((("persistence", 1.0), ("seasonal naive", seasonal / persistence)), key=_value)
        return ("persistence", 1.0) if persistence else None
    scored = [
        (name.removesuffix("_" + metric).replace("_", " "), value)
        for name, value in baselines.items()
        if name.endswith("_" + metric)
    ]
    if not scored:
        return None
    return max(scored, key=_value) if metric in ("accuracy", "exact_match") else min(scored, key=_value)


def _value(item: tuple[str, float]) -> float:
    return item[1]


@dataclass(frozen=True)
class StepReport:
    """What one training step did."""

    step: int
    loss: float
    grad_norm: float  # total gradient norm before clipping
    grad_norm_clipped: float  # after clipping (equal when clipping did not fire)
    clipped: bool
    learning_rate: float
    param_grad_norms: Mapping[str, float]
    seconds: float  # since the trainer was created
    eval: EvalResult | None = None
    # Weights as before this step's update (see Trainer.train_step).
    probe: Probe | None = None
    diverged: str | None = None  # why training stopped here, if it diverged


@dataclass(frozen=True)
class RunSummary:
    """The end of a run: the final held-out result against the goal."""

    steps: int
    final: EvalResult
    metric: str
    target: float
    reached: bool
    diverged: str | None
    seconds: float
    baselines: Mapping[str, float] = field(default_factory=dict)
