"""Every enumeration the engine and the app share: cells, topologies, metrics, gates, effects.

One source: the scenario schema, the CLI's choices, the Setup panel's lists, the charts
and the help read these; nobody retypes them. No torch, pydantic or textual import.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Cell = Literal["rnn", "lstm", "gru"]
CELLS: Final[tuple[Cell, ...]] = get_args(Cell)
CELL_LABELS: Final[dict[Cell, str]] = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}

Nonlinearity = Literal["tanh", "relu"]
NONLINEARITIES: Final[tuple[Nonlinearity, ...]] = get_args(Nonlinearity)

# PyTorch's gate order and names (torch/nn/modules/rnn.py), so traces line up with it.
GATE_NAMES: Final[dict[Cell, tuple[str, ...]]] = {
    "rnn": (),
    "lstm": ("i", "f", "g", "o"),
    "gru": ("r", "z", "n"),
}
GATE_LABELS: Final[dict[str, str]] = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate cell",
    "o": "output gate",
    "r": "reset gate",
    "z": "update gate",
    "n": "candidate state",
}
# Weight blocks per cell in weight_ih/weight_hh (a vanilla RNN has one).
GATE_COUNT: Final[dict[Cell, int]] = {"rnn": 1, "lstm": 4, "gru": 3}

Topology = Literal["seq2seq", "seq2vec", "vec2seq", "encoder-decoder"]
TOPOLOGIES: Final[tuple[Topology, ...]] = get_args(Topology)
TOPOLOGY_LABELS: Final[dict[Topology, str]] = {
    "seq2seq": "sequence to sequence",
    "seq2vec": "sequence to vector",
    "vec2seq": "vector to sequence",
    "encoder-decoder": "encoder-decoder",
}

Metric = Literal["accuracy", "exact_match", "rmse", "rmse_ratio"]
METRICS: Final[tuple[Metric, ...]] = get_args(Metric)
HIGHER_IS_BETTER: Final[dict[Metric, bool]] = {
    "accuracy": True,
    "exact_match": True,
    "rmse": False,
    "rmse_ratio": False,
}
# Metrics that are fractions in [0, 1] (their charts and goals are bounded).
BOUNDED_METRICS: Final[tuple[Metric, ...]] = ("accuracy", "exact_match")
# Which metrics make sense for which topology's output.
METRICS_BY_TOPOLOGY: Final[dict[Topology, tuple[Metric, ...]]] = {
    "seq2seq": ("rmse", "rmse_ratio"),
    "seq2vec": ("accuracy",),
    "vec2seq": ("exact_match",),
    "encoder-decoder": ("exact_match",),
}

# What one held-out target of a metric is, to say what a score is over ("on 465 values").
METRIC_TARGETS: Final[dict[Metric, str]] = {
    "accuracy": "examples",
    "exact_match": "sequences",
    "rmse": "values",
    "rmse_ratio": "values",
}

Optimizer = Literal["adam", "sgd"]

# What a change of settings costs the running model, from cheapest to dearest:
# "live": applied to the optimizer at once; "settings": same weights, new batches or
# cadence; "model": new weights; "data": new data and new weights.
Effect = Literal["live", "settings", "model", "data"]
EFFECTS: Final[tuple[Effect, ...]] = get_args(Effect)
