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


def rmse(predicted: Tensor, split: Split, scale: float = 1.0) -> float:
    """Root mean squared error in the data's own units (e.g. index points)."""
    error = (predicted - split.targets).double() * scale
    if split.scales is not None:
        error = error * split.scales.view(-1, *([1] * (error.dim() - 1)))
    return float(torch.sqrt((error**2).mean()))


def persistence_rmse(split: Split, scale: float = 1.0) -> float:
    """RMSE of predicting 'the next value equals this one' (the first F_out input features)."""
    width = split.targets.shape[-1]
    return rmse(split.inputs[..., :width], split, scale)


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
