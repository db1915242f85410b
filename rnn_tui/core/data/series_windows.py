"""Cut a 1-D series into next-step-prediction windows, before and after a train/test cut.

Training windows lie wholly before the cut. Held-out windows score each value after
the cut exactly once, each from the ``seq_len`` values just before it where the stride
allows (see ``held_out_windows``), so no training value is ever scored as held out.
"""

from __future__ import annotations

import math

import numpy as np


def next_step_windows(values: np.ndarray, seq_len: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs values[s : s+T] and targets values[s+1 : s+T+1] for each start s."""
    starts = np.arange(0, len(values) - seq_len, stride)
    index = starts[:, None] + np.arange(seq_len)[None, :]
    return values[index], values[index + 1]


def held_out_step(seq_len: int, stride: int) -> int:
    """How far apart held-out windows lie: the stride, at most one window."""
    return min(stride, seq_len)


def held_out_window_count(length: int, cut: int, seq_len: int, stride: int) -> int:
    """Held-out windows for a series of ``length`` values cut at ``cut``."""
    return math.ceil((length - cut) / held_out_step(seq_len, stride))


def held_out_windows(
    values: np.ndarray, cut: int, seq_len: int, stride: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows whose scored steps are exactly the values after the cut, each once.

    A window ending at value e reads values[e-T : e] and targets values[e-T+1 : e+1];
    its last ``min(stride, T)`` steps are scored (the mask), the earlier ones are only
    context. With stride 1 every held-out value is predicted from the T values just
    before it, like the last step of a training window; with stride s, from at least
    T - s + 1. The last window ends at the last value and scores only what no earlier
    window did. Needs ``cut >= seq_len``.
    """
    step = held_out_step(seq_len, stride)
    ends = np.arange(cut + step - 1, len(values) - 1, step)
    if not len(ends) or ends[-1] != len(values) - 1:
        ends = np.append(ends, len(values) - 1)
    target_index = ends[:, None] - seq_len + 1 + np.arange(seq_len)[None, :]
    scored_after = np.concatenate([[cut - 1], ends[:-1]])  # the last value an earlier window scored
    mask = target_index > scored_after[:, None]
    return values[target_index - 1], values[target_index], mask


def anchor_windows(inputs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each window as relative change from its first value (0.01 = 1% above it).

    Prices that doubled in the test years would otherwise sit far outside the range the
    model saw in training; relative changes look alike in every year.
    """
    anchors = inputs[:, :1]
    return inputs / anchors - 1, targets / anchors - 1, anchors[:, 0]
