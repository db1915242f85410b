"""Refusals for a CSV series: too short, constant, a season too long, a value too large.

Each names the file, the column and, where one row is to blame, its line.
"""

from __future__ import annotations

import math

import numpy as np

from rnn_tui.core.errors import ScenarioError

# Held-out values a CSV must leave after the cut: fewer make a score of little worth.
MIN_HELD_OUT = 10
# Largest normalised magnitude allowed: squared errors of up to 10^7 timesteps must sum
# below float32's 3.4e38 (10^15 squared is 10^30), or the loss overflows to infinity.
MAX_NORMALISED = 1e15


def rows_needed(seq_len: int, train_fraction: float) -> int:
    """The fewest rows that leave seq_len + 1 before the cut and MIN_HELD_OUT after it."""
    rows = max(math.ceil((seq_len + 1) / train_fraction), math.ceil(MIN_HELD_OUT / (1 - train_fraction)))
    while int(rows * train_fraction) < seq_len + 1 or rows - int(rows * train_fraction) < MIN_HELD_OUT:
        rows += 1  # float rounding of the cut
    return rows


def check_length(length: int, seq_len: int, train_fraction: float, name: str, where: str) -> None:
    needed = rows_needed(seq_len, train_fraction)
    if length < needed:
        raise ScenarioError(
            f"{where}: has {length} values in column {name!r}; with data.params.seq_len = {seq_len} "
            f"and train_fraction = {train_fraction} at least {needed} are needed ({seq_len + 1} "
            f"before the cut for one training window, {MIN_HELD_OUT} after it to score; shorten seq_len)."
        )


def check_varies(values: np.ndarray, cut: int, name: str, where: str) -> None:
    """Refuse a series that is constant where it trains or where it is scored.

    Constant training values leave nothing to learn and no spread to scale by; constant
    held-out values make persistence exact, so an RMSE ratio to it would be infinite.
    """
    if values.min() == values.max():
        raise ScenarioError(f"{where}: column {name!r} is constant (every value is {values[0]:g}); there is "
                            "nothing to learn or predict: choose a column that varies.")
    if values[:cut].min() == values[:cut].max():
        raise ScenarioError(f"{where}: column {name!r} is constant over the {cut} training rows (lines 2 to "
                            f"{cut + 1}, every value {values[0]:g}); there is nothing to learn: raise "
                            "data.params.train_fraction or choose a column that varies.")
    scored = values[cut - 1 :]  # the held-out values and the one before the first
    if scored.min() == scored.max():
        raise ScenarioError(f"{where}: column {name!r} is constant over the {len(values) - cut} held-out rows "
                            f"(lines {cut + 2} to {len(values) + 1}, every value {scored[0]:g}); persistence "
                            "predicts them exactly, so no score means anything: lower data.params.train_fraction.")


def check_season(season: int | None, cut: int, name: str, where: str) -> None:
    if season is not None and season > cut:
        raise ScenarioError(f"{where}: data.params.season = {season} is longer than the {cut} training rows of "
                            f"column {name!r}; the seasonal baseline needs a whole season before the cut.")


def too_large(where: str, name: str, row: int, cell: str, why: str) -> ScenarioError:
    shown = cell if len(cell) <= 40 else cell[:37] + "..."
    return ScenarioError(
        f"{where}: column {name!r}, line {row + 2}, holds {shown!r}, too large to compute with: {why}; "
        "check the value, or drop the row."
    )
