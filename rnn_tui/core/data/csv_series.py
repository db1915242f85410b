"""A numeric column of a CSV file as a time series for next-step prediction (seq2seq)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import Dataset, build_series
from rnn_tui.core.data.loading import check_timesteps, read_data_file
from rnn_tui.core.data.series_checks import (
    MAX_NORMALISED,
    check_length,
    check_season,
    check_varies,
    too_large,
)
from rnn_tui.core.data.series_windows import (
    anchor_windows,
    held_out_window_count,
    held_out_windows,
    next_step_windows,
)
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.metrics import root_mean_square

TOPOLOGIES = ("seq2seq",)
MAX_ROWS = 5_000_000


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    column: str | None = None  # which column to model; optional when only one is numeric
    seq_len: int = Field(50, ge=2, le=10_000)  # window length (timesteps)
    # Distance between training windows; held-out windows step by min(stride, seq_len),
    # so with stride s each held-out value has at least seq_len - s + 1 values before it.
    stride: int = Field(1, ge=1, le=10_000)
    train_fraction: float = Field(0.75, ge=0.1, le=0.95)  # earlier part trains, rest tests
    # "window": each window as relative change from its first value (not price levels);
    # "none": the raw level, z-scored with training statistics.
    anchor: Literal["window", "none"] = "window"
    # Seasonal naive baseline: predict the value one season back (12 for monthly data).
    season: int | None = Field(None, ge=2, le=1_000_000)


def read_columns(path: Path, where: str) -> dict[str, list[str]]:
    """Header -> column of raw strings; one clear error for each way a file can be wrong."""
    raw = read_data_file(path, where)
    if b"\0" in raw[:4096]:
        raise ScenarioError(f"{where}: is a binary file, not CSV text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: is not UTF-8 text; save it as UTF-8 CSV.") from None
    rows = _parse(text, where)
    if not rows:
        raise ScenarioError(f"{where}: is empty; expected a header row and numeric rows.")
    header = [h.strip() for h in rows[0]]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:  # two columns of one name would be silently interleaved
        names = ", ".join(map(repr, repeated))
        raise ScenarioError(f"{where}: the header names {names} more than once; column names must differ.")
    if len(rows) > MAX_ROWS:
        raise ScenarioError(f"{where}: has {len(rows) - 1} rows; at most {MAX_ROWS} are allowed.")
    columns: dict[str, list[str]] = {h: [] for h in header}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ScenarioError(
                f"{where}: line {number} has {len(row)} fields but the header has {len(header)} ({', '.join(header)})."
            )
        for name, cell in zip(header, row, strict=True):
            columns[name].append(cell.strip())
    return columns


def _parse(text: str, where: str) -> list[list[str]]:
    reader = csv.reader(text.splitlines())
    try:
        return [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:  # e.g. a field longer than csv's limit, a stray NUL
        raise ScenarioError(f"{where}: line {reader.line_num} is not valid CSV ({error}).") from None


def numeric(column: list[str], name: str, where: str) -> np.ndarray:
    values = np.empty(len(column))
    for i, cell in enumerate(column):
        try:
            values[i] = float(cell)
        except ValueError:
            raise ScenarioError(
                f"{where}: column {name!r}, line {i + 2}, holds {cell!r}, which is not a number; "
                "every value in the modelled column must be a finite number."
            ) from None
        if not math.isfinite(values[i]):
            raise ScenarioError(
                f"{where}: column {name!r}, line {i + 2}, holds {cell!r}; values must be finite numbers "
                "(no NaN or infinity: fill or drop such rows)."
            )
    return values


def _is_numeric(column: list[str]) -> bool:
    try:
        [float(c) for c in column[:50]]
    except ValueError:
        return False
    return bool(column)


def pick_column(columns: dict[str, list[str]], wanted: str | None, where: str) -> str:
    names = list(columns)
    if wanted is not None:
        if wanted not in columns:
            raise ScenarioError(f"{where}: data.params.column = {wanted!r} is not a column; columns: {', '.join(names)}.")
        return wanted
    numeric_names = [n for n in names if _is_numeric(columns[n])]
    if len(numeric_names) == 1:
        return numeric_names[0]
    raise ScenarioError(
        f"{where}: data.params.column is missing; name the column to model, one of: {', '.join(numeric_names or names)}."
    )


def load(path: Path, params: Params, topology: str, where: str) -> Dataset:
    columns = read_columns(path, where)
    name = pick_column(columns, params.column, where)
    values = numeric(columns[name], name, where)
    cut = check_series(values, params, name, where)
    if params.anchor == "window" and (values <= 0).any():
        raise ScenarioError(f"{where}: column {name!r} has zero or negative values; relative changes need "
                            "positive values (set data.params.anchor = \"none\").")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # overflow is refused below, not warned
        series = normalise(values, cut, params)
    check_finite_scaling(series, values, columns[name], params, name, where)
    dataset = build_series(
        f"{path.stem}:{name}", *series.arrays, scale=series.scale, offset=series.offset,
        train_anchors=series.anchors[0], test_anchors=series.anchors[1], test_mask=series.mask,
    )
    dataset.baselines.update(naive_baselines(values, cut, params.season))
    dataset.notes = (
        f"column {name}: {len(values)} values; the first {cut} train, the last {len(values) - cut} are held "
        "out and each is scored once (no look-ahead); scaled with training statistics only"
        + ("; each window as relative change from its first value." if params.anchor == "window" else "."),
    )
    return dataset


@dataclass
class NormalisedSeries:
    """Training and held-out windows, scaled, with the row each entry came from."""

    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # train x, y, test x, y
    mask: np.ndarray  # held-out steps that are scored
    scale: float
    offset: float
    anchors: tuple[np.ndarray | None, np.ndarray | None]  # train, test


def normalise(values: np.ndarray, cut: int, params: Params) -> NormalisedSeries:
    """Windows before and after the cut, scaled with training statistics only."""
    T, stride = params.seq_len, params.stride
    train_x, train_y = next_step_windows(values[:cut], T, stride)
    test_x, test_y, mask = held_out_windows(values, cut, T, stride)
    anchors: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    offset = 0.0
    if params.anchor == "window":
        train_x, train_y, train_anchor = anchor_windows(train_x, train_y)
        test_x, test_y, test_anchor = anchor_windows(test_x, test_y)
        anchors = (train_anchor, test_anchor)
    else:
        offset = float(values[:cut].mean())
        train_x, train_y, test_x, test_y = (a - offset for a in (train_x, train_y, test_x, test_y))
    scale = float(train_x.std()) or 1.0  # training statistics only
    arrays = tuple(a / scale for a in (train_x, train_y, test_x, test_y))
    if not math.isfinite(scale):  # keep the unscaled training inputs to find the culprit
        arrays = (train_x, *arrays[1:])
    return NormalisedSeries(arrays, mask, scale, offset, anchors)  # type: ignore[arg-type]


def entry_rows(length: int, cut: int, params: Params) -> tuple[np.ndarray, ...]:
    """The row each entry of the four window arrays came from (same windowing of 0..n-1)."""
    rows = np.arange(length)
    T, stride = params.seq_len, params.stride
    return (*next_step_windows(rows[:cut], T, stride), *held_out_windows(rows, cut, T, stride)[:2])


def check_series(values: np.ndarray, params: Params, name: str, where: str) -> int:
    """The train/test cut, once the column is long enough, varies and fits in memory."""
    check_length(len(values), params.seq_len, params.train_fraction, name, where)
    cut = int(len(values) * params.train_fraction)
    check_varies(values, cut, name, where)
    check_season(params.season, cut, name, where)
    T, stride = params.seq_len, params.stride
    windows = len(range(0, cut - T, stride)) + held_out_window_count(len(values), cut, T, stride)
    check_timesteps(windows, T, where, "raise data.params.stride or lower seq_len")
    return cut


def check_finite_scaling(
    series: NormalisedSeries, values: np.ndarray, cells: list[str], params: Params, name: str, where: str
) -> None:
    """Refuse a value so large that scaling overflows, naming its row (e.g. 1e308)."""
    cut = int(len(cells) * params.train_fraction)
    if not math.isfinite(series.offset):  # the training values' sum overflowed
        row = int(np.argmax(np.abs(values[:cut])))
        raise too_large(where, name, row, cells[row], "the training values' mean overflows 64-bit floats")
    if not math.isfinite(series.scale):  # the spread overflowed: blame the widest unscaled input
        inputs, rows = series.arrays[0], entry_rows(len(cells), cut, params)[0]
        row = int(rows.reshape(-1)[np.nanargmax(np.abs(inputs).reshape(-1))])
        raise too_large(where, name, row, cells[row], "the spread of the training values overflows 64-bit floats")
    for i, array in enumerate(series.arrays):
        bad = ~(np.abs(array) <= MAX_NORMALISED)  # also catches NaN
        if bad.any():
            rows = entry_rows(len(cells), cut, params)[i]
            row = int(rows[bad].min())
            value = float(np.abs(array[rows == row]).max())
            raise too_large(where, name, row, cells[row], f"scaled by the training values it becomes {value:.3g}, and "
                            f"squared errors would overflow 32-bit floats (at most {MAX_NORMALISED:.0e} is allowed)")


def naive_baselines(values: np.ndarray, cut: int, season: int | None) -> dict[str, float]:
    """Persistence and seasonal naive RMSE over exactly the scored values (all after the cut)."""
    baselines = {"persistence_rmse": root_mean_square(torch.from_numpy(values[cut:] - values[cut - 1 : -1]))}
    if season is not None:
        lagged = values[cut - season : len(values) - season]
        baselines["seasonal_naive_rmse"] = root_mean_square(torch.from_numpy(values[cut:] - lagged))
    return baselines
