"""Held-out metrics: accuracy, exact-match sequences, RMSE in the data's own units."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from rnn_tui.core.data.base import EOS, PAD, Dataset, Split


def accuracy(predicted: Tensor, targets: Tensor) -> float:
    return float((predicted == targets).float().mean()) if len(targets) else math.nan


def sequences_until_eos(ids: Tensor) -> list[tuple[int, ...]]:
    """Each row's ids up to and including its first EOS (PAD dropped)."""
    rows = []
    for row in ids.tolist():
        out = []
        for i in row:
            if i == PAD:
                continue
            out.append(i)
            if i == EOS:
                break
        rows.append(tuple(out))
    return rows


def exact_match(predicted: Tensor, targets: Tensor) -> float:
    """Fraction of rows whose generated sequence equals the target word for word."""
    if not len(targets):
        return math.nan
    pairs = zip(sequences_until_eos(predicted), sequences_until_eos(targets), strict=True)
    return sum(p == t for p, t in pairs) / len(targets)


def root_mean_square(errors: Tensor) -> float:
    """sqrt(mean(e^2)) without overflow: errors are divided by the largest first.

    Squaring errors of 1e200 (finite doubles) would give infinity; a CSV in odd units
    must not turn into an infinite RMSE for that reason alone.
    """
    errors = errors.double().reshape(-1)
    if not errors.numel():
        return math.nan
    largest = errors.abs().max()
    if not bool(torch.isfinite(largest)) or float(largest) == 0.0:
        return float(largest)
    return float(largest * torch.sqrt(((errors / largest) ** 2).mean()))


def scored_errors(predicted: Tensor, split: Split, scale: float = 1.0) -> Tensor:
    """Prediction minus target in the data's own units, at the scored steps only."""
    error = (predicted - split.targets).double() * scale
    if split.scales is not None:
        error = error * split.scales.view(-1, *([1] * (error.dim() - 1)))
    return error if split.mask is None else error[split.mask]


def rmse(predicted: Tensor, split: Split, scale: float = 1.0) -> float:
    """Root mean squared error in the data's own units (e.g. index points)."""
    return root_mean_square(scored_errors(predicted, split, scale))


def persistence_rmse(split: Split, scale: float = 1.0) -> float:
    """RMSE of predicting 'the next value equals this one' (the first F_out input features)."""
    width = split.targets.shape[-1]
    return rmse(split.inputs[..., :width], split, scale)


def scored_targets(split: Split, output_kind: str) -> int:
    """How many held-out targets a score is over: series values, examples or sentences."""
    if output_kind != "series":
        return len(split)
    positions = int(split.mask.sum()) if split.mask is not None else len(split) * int(split.targets.shape[1])
    return positions * int(split.targets.shape[-1])


TARGET_NOUNS = {"series": "values", "class": "examples", "tokens": "sentences"}


def compute_metric(name: str, predicted: Tensor, split: Split, dataset: Dataset) -> float:
    if name == "accuracy":
        return accuracy(predicted, split.targets)
    if name == "exact_match":
        return exact_match(predicted, split.targets)
    if name == "rmse":
        return rmse(predicted, split, dataset.scale)
    if name == "rmse_ratio":
        baseline = persistence_rmse(split, dataset.scale)
        return rmse(predicted, split, dataset.scale) / baseline if baseline else math.inf
    raise ValueError(f"unknown metric {name!r}")


def no_skill_level(metric: str, dataset: Dataset) -> float | None:
    """The goal metric with no skill (the sweep's "chance" line, a lesson's chance), or
    None for metrics without one: chance accuracy for classes, 1 for an RMSE ratio
    (persistence)."""
    if metric == "accuracy" and dataset.output_kind == "class":
        return dataset.baselines.get("chance_accuracy", 1.0 / dataset.output_size)
    if metric == "rmse_ratio":
        return 1.0
    return None
