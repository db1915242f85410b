"""Bag-of-words baseline: L2-regularised logistic regression on word counts, fitted by Newton's method."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from rnn_tui.core.data.base import PAD, Dataset, Split

# Ridge strength; word counts are small integers, so 1.0 keeps weights finite on
# words that separate the training set perfectly without washing out real signal.
L2 = 1.0
# Newton converges in about five steps here; the cap only guards against a stall.
MAX_NEWTON_STEPS = 25
TOLERANCE = 1e-6  # largest gradient component at which the fit counts as converged


def word_counts(split: Split, vocab_size: int) -> Tensor:
    """(N, vocab_size + 1) float64 counts of each word id per example, then a constant 1."""
    ids = split.inputs
    n, width = ids.shape[0], vocab_size + 1
    flat = (torch.arange(n).unsqueeze(1) * width + ids).reshape(-1)
    counts = torch.bincount(flat, minlength=n * width).reshape(n, width).double()
    counts[:, PAD] = 0.0  # padding is not a word
    counts[:, -1] = 1.0  # intercept
    return counts


def fit_logistic(x: Tensor, y: Tensor, l2: float = L2) -> Tensor:
    """Weights minimising log-loss + l2/2 |w|^2 (intercept unpenalised); deterministic.

    Torch rather than numpy: numpy's BLAS threads thrash on a busy 2-core machine
    (10x slower measured), while torch follows the process's thread setting.
    """
    y = y.double()
    # The curvature only steers the step, so float32 (twice as fast) is plenty for it;
    # the gradient that decides convergence stays float64.
    x32 = x.float()
    w = torch.zeros(x.shape[1], dtype=torch.float64)
    penalty = torch.full_like(w, l2)
    penalty[-1] = 0.0
    for _ in range(MAX_NEWTON_STEPS):
        p = torch.sigmoid(x @ w)
        gradient = x.T @ (p - y) + penalty * w
        if float(gradient.abs().max()) < TOLERANCE:
            break
        curvature = ((x32.T * (p * (1.0 - p)).float()) @ x32).double()
        hessian = curvature + torch.diag(penalty + 1e-9)
        w -= torch.linalg.solve(hessian, gradient)
    return w


def bag_of_words_predictions(dataset: Dataset) -> np.ndarray:
    """Class ids predicted for the test split by a model that ignores word order."""
    size = dataset.input_size
    weights = fit_logistic(word_counts(dataset.train, size), dataset.train.targets)
    return (word_counts(dataset.test, size) @ weights > 0).long().numpy()
