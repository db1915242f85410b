"""Noisy sums of sine waves with random periods: next-value prediction an RNN can learn."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import Dataset, build_series
from rnn_tui.core.metrics import persistence_rmse

TOPOLOGIES = ("seq2seq",)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    n_train: int = Field(2000, ge=10, le=200_000)
    n_test: int = Field(300, ge=10, le=50_000)
    seq_len: int = Field(60, ge=2, le=10_000)
    waves: int = Field(2, ge=1, le=5)  # sines summed per sequence
    min_period: float = Field(6.0, ge=2.0, le=1000.0)  # in timesteps
    max_period: float = Field(30.0, ge=2.0, le=1000.0)
    noise: float = Field(0.05, ge=0.0, le=2.0)  # std of Gaussian noise added to every value


def _series(rng: np.random.Generator, count: int, p: Params) -> np.ndarray:
    """(count, seq_len + 1) values; each row has its own periods, phases and amplitudes."""
    t = np.arange(p.seq_len + 1)[None, None, :]
    periods = rng.uniform(p.min_period, max(p.max_period, p.min_period), (count, p.waves, 1))
    phases = rng.uniform(0, 2 * np.pi, (count, p.waves, 1))
    amplitudes = rng.uniform(0.3, 1.0, (count, p.waves, 1)) / p.waves
    clean = (amplitudes * np.sin(2 * np.pi * t / periods + phases)).sum(1)
    noisy: np.ndarray = clean + rng.normal(0, p.noise, clean.shape)
    return noisy


def generate(params: Params, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    train, test = _series(rng, params.n_train, params), _series(rng, params.n_test, params)
    dataset = build_series("sine", train[:, :-1], train[:, 1:], test[:, :-1], test[:, 1:])
    dataset.baselines["persistence_rmse"] = persistence_rmse(dataset.test)
    dataset.baselines["noise_floor_rmse"] = params.noise
    return dataset
