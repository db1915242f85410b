"""Long memory: name the first symbol of a sequence after ``seq_len - 1`` distractors.

Each sequence opens with one of ``n_symbols`` letters, then ``seq_len - 1`` random
digits that carry no information:

    c 4 0 7 1 1 5 ... 3 6    ->  c

The answer sits at step 1 and the model must answer after step ``seq_len``, so the
error signal has to travel back through every step in between. That is the task on
which vanilla RNNs meet vanishing gradients and gated cells (LSTM, GRU) do not.
Labels are exactly balanced in both splits, so chance is 1 / n_symbols.
"""

from __future__ import annotations

import string

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import Dataset, build_text_classification

TOPOLOGIES = ("seq2vec",)
SYMBOLS = tuple(string.ascii_lowercase)
DISTRACTORS = tuple(string.digits)


class Params(BaseModel):
    """The ``[data.params]`` table of the long-memory scenario."""

    model_config = ConfigDict(extra="forbid")

    n_train: int = Field(4000, ge=100, le=100_000)
    n_test: int = Field(500, ge=20, le=10_000)
    seq_len: int = Field(100, ge=2, le=1000)  # tokens per sequence: the symbol, then distractors
    n_symbols: int = Field(4, ge=2, le=len(SYMBOLS))  # classes: the first n letters
    n_distractors: int = Field(8, ge=1, le=len(DISTRACTORS))  # the first n digits


def generate(params: Params, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    symbols = SYMBOLS[: params.n_symbols]
    train = _rows(rng, params, params.n_train)
    test = _rows(rng, params, params.n_test)
    return build_text_classification(
        "long-memory",
        train,
        test,
        class_names=symbols,
        baselines={"chance_accuracy": 1.0 / params.n_symbols},
        notes=(
            f"the answer is the first of {params.seq_len} tokens; "
            f"the other {params.seq_len - 1} are random digits",
        ),
    )


def _rows(rng: np.random.Generator, params: Params, n: int) -> list[tuple[list[str], int]]:
    # Every class n // n_symbols times (the remainder spread over the first few),
    # shuffled: a model cannot beat chance by favouring one symbol.
    labels = rng.permutation(np.resize(np.arange(params.n_symbols), n))
    digits = rng.integers(params.n_distractors, size=(n, params.seq_len - 1))
    rows = []
    for label, row in zip(labels.tolist(), digits.tolist(), strict=True):
        words = [SYMBOLS[label], *(DISTRACTORS[d] for d in row)]
        rows.append((words, label))
    return rows
