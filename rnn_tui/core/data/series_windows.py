"""Cut a 1-D series into next-step-prediction windows, normalised by training data only."""

from __future__ import annotations

import numpy as np


def next_step_windows(values: np.ndarray, seq_len: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs values[s : s+T] and targets values[s+1 : s+T+1] for each start s."""
    starts = np.arange(0, len(values) - seq_len, stride)
    index = starts[:, None] + np.arange(seq_len)[None, :]
    return values[index], values[index + 1]


def chronological_split(values: np.ndarray, train_fraction: float, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """The earlier part for training, the later for testing, with no look-ahead.

    The test part starts ``seq_len`` values before the cut so its first window's target
    is the first value after the cut; no value after the cut is in a training window.
    """
    cut = int(len(values) * train_fraction)
    return values[:cut], values[cut - seq_len :]


def anchor_windows(inputs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each window as relative change from its first value (0.01 = 1% above it).

    Prices that doubled in the test years would otherwise sit far outside the range the
    model saw in training; relative changes look alike in every year.
    """
    anchors = inputs[:, :1]
    return inputs / anchors - 1, targets / anchors - 1, anchors[:, 0]
