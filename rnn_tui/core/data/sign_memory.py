"""Sign memory: was the first number positive? A task one hidden unit can solve.

Each sequence opens with +1 or -1, followed by ``seq_len - 1`` random numbers between
``-noise`` and ``+noise`` that carry no information:

    -1  0.31  -0.12  0.44  0.05  -0.38  0.27  0.19   ->  minus

One tanh unit solves it with an input weight larger than its bias (h_1 = tanh(w_x x_1 + b)
then has opposite signs for plus and minus, though it need not be near +1 or -1 yet) and
a recurrent weight |w_h| well above 1 (each later step pushes h towards +1 or -1, keeping
or flipping its sign, which the small inputs cannot overturn): the smallest network that
remembers, so every number of h_t = tanh(W_x x_t + W_h h_{t-1} + b) can be read off the
screen. Labels are exactly balanced, so chance is 50%.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import Dataset, build_sequence_classification

TOPOLOGIES = ("seq2vec",)
CLASS_NAMES = ("minus", "plus")


class Params(BaseModel):
    """The ``[data.params]`` table of the sign-memory scenario."""

    model_config = ConfigDict(extra="forbid", strict=True)

    n_train: int = Field(2000, ge=20, le=100_000)
    n_test: int = Field(500, ge=20, le=10_000)
    seq_len: int = Field(8, ge=2, le=1000)  # numbers per sequence: the sign, then noise
    noise: float = Field(0.9, ge=0.0, le=1.0)  # later numbers are uniform in [-noise, noise]


def generate(params: Params, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    train_x, train_y = _rows(rng, params, params.n_train)
    test_x, test_y = _rows(rng, params, params.n_test)
    return build_sequence_classification(
        "sign-memory", train_x, train_y, test_x, test_y, CLASS_NAMES,
        baselines={"chance_accuracy": 0.5, "sum_sign_accuracy": _sum_sign_accuracy(test_x, test_y)},
        notes=(f"the answer is the sign of the first of {params.seq_len} numbers; the other "
               f"{params.seq_len - 1} are noise in [-{params.noise:g}, {params.noise:g}]",),
    )


def _rows(rng: np.random.Generator, params: Params, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Balanced labels, shuffled: favouring one sign cannot beat chance.
    labels = rng.permutation(np.resize(np.arange(2), n))
    inputs = rng.uniform(-params.noise, params.noise, size=(n, params.seq_len))
    inputs[:, 0] = np.where(labels == 1, 1.0, -1.0)
    return inputs.astype(np.float32), labels


def _sum_sign_accuracy(inputs: np.ndarray, labels: np.ndarray) -> float:
    """A rule with no memory of order: the sign of the sum of all the numbers."""
    return float(((inputs.sum(1) > 0).astype(int) == labels).mean())
