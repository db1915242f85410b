"""Plausible fake data for the widget gallery: a numpy LSTM on random weights, curves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Written out as sentences; a word list literal would be harder to read.
SOURCE = "the film was not good at all , and i would not watch it again".split()  # noqa: SIM905
TARGET = "le film n' était pas bon du tout".split()  # noqa: SIM905
PREDICTION = "le film était pas bon du tout".split()  # noqa: SIM905


@dataclass
class LstmTrace:
    """Per-step LSTM values, each (hidden_size, T): gates i, f, g, o and states c, h."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def lstm_trace(
    seq_len: int, hidden_size: int, seed: int, h0: np.ndarray | None = None
) -> LstmTrace:
    """Run PyTorch's LSTM equations with random weights over random inputs."""
    rng = np.random.default_rng(seed)
    input_size = 16
    w_ih = rng.normal(0, 1.0 / np.sqrt(input_size), (4 * hidden_size, input_size))
    w_hh = rng.normal(0, 1.5 / np.sqrt(hidden_size), (4 * hidden_size, hidden_size))
    bias = np.zeros(4 * hidden_size)
    bias[hidden_size : 2 * hidden_size] = 1.0  # forget bias, as the scenarios start it
    h = np.zeros(hidden_size) if h0 is None else h0.copy()
    c = np.zeros(hidden_size)
    out = {k: np.zeros((hidden_size, seq_len)) for k in "ifgoch"}
    for t in range(seq_len):
        x = rng.normal(0, 1.5, input_size)
        i, f, g, o = np.split(w_ih @ x + w_hh @ h + bias, 4)
        i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
        c = f * c + i * g
        h = o * np.tanh(c)
        for key, value in zip("ifgoch", (i, f, g, o, c, h), strict=True):
            out[key][:, t] = value
    return LstmTrace(**out)


def training_curves(steps: int, seed: int) -> dict[str, np.ndarray]:
    """Loss, held-out loss and accuracy every 50 steps, gradient norms with spikes."""
    rng = np.random.default_rng(seed)
    step = np.arange(steps)
    loss = 0.62 * np.exp(-step / 350) + 0.08 + rng.normal(0, 0.04, steps) * np.exp(-step / 900)
    eval_step = np.arange(0, steps, 50)
    held_out = 0.62 * np.exp(-eval_step / 400) + 0.14 + rng.normal(0, 0.01, eval_step.size)
    accuracy = 0.5 + 0.42 * (1 - np.exp(-eval_step / 300)) + rng.normal(0, 0.01, eval_step.size)
    grad_norm = np.exp(rng.normal(np.log(0.6), 0.5, steps)) * (1 + 3 * np.exp(-step / 150))
    grad_norm[rng.choice(steps, 6, replace=False)] *= 30  # occasional explosions
    return {
        "step": step,
        "loss": np.maximum(loss, 0.01),
        "eval_step": eval_step,
        "held_out": held_out,
        "accuracy": np.clip(accuracy, 0, 1),
        "grad_norm": grad_norm,
    }


def grad_through_time(seq_len: int, decay: float, seed: int) -> np.ndarray:
    """‖dL/dh_t‖ falling by `decay` per step back from the end (vanishing if < 1)."""
    rng = np.random.default_rng(seed)
    back = seq_len - 1 - np.arange(seq_len)
    return decay**back * np.exp(rng.normal(0, 0.15, seq_len))


def compare_curves(steps: int, seed: int) -> dict[str, np.ndarray]:
    """Loss curves that resemble rnn / lstm / gru on a long-dependency task."""
    rng = np.random.default_rng(seed)
    step = np.arange(steps)
    noise = lambda: rng.normal(0, 0.02, steps)  # noqa: E731
    return {
        "rnn": 0.69 - 0.05 * (1 - np.exp(-step / 200)) + noise(),
        "lstm": 0.69 * np.exp(-step / 300) + 0.05 + noise(),
        "gru": 0.69 * np.exp(-step / 250) + 0.06 + noise(),
    }


def tiny_image(size: int = 16) -> np.ndarray:
    """A (size, size, 3) uint8 picture: a red disc on a blue-to-green gradient."""
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    image = np.stack([0.1 + 0 * xx, 0.3 + 0.5 * yy, 0.8 - 0.5 * yy], axis=2)
    disc = (xx - 0.55) ** 2 + (yy - 0.45) ** 2 < 0.09
    image[disc] = (0.9, 0.2, 0.15)
    return (image * 255).astype(np.uint8)
