"""A numeric column of a CSV file as a time series for next-step prediction (seq2seq)."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import Dataset, build_series
from rnn_tui.core.data.loading import check_timesteps, read_data_file
from rnn_tui.core.data.series_windows import anchor_windows, chronological_split, next_step_windows
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.metrics import persistence_rmse

TOPOLOGIES = ("seq2seq",)
MAX_ROWS = 5_000_000


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    column: str | None = None  # which column to model; optional when only one is numeric
    seq_len: int = Field(50, ge=2, le=10_000)  # window length (timesteps)
    stride: int = Field(1, ge=1, le=10_000)  # distance between training windows
    train_fraction: float = Field(0.75, ge=0.1, le=0.95)  # earlier part trains, rest tests
    # "window": each window as relative change from its first value (not price levels);
    # "none": the raw level, z-scored with training statistics.
    anchor: Literal["window", "none"] = "window"


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
    needed = int(math.ceil((params.seq_len + 1) / (1 - params.train_fraction))) + params.seq_len
    if len(values) < needed:
        raise ScenarioError(
            f"{where}: has {len(values)} values in column {name!r}; with data.params.seq_len = {params.seq_len} "
            f"and train_fraction = {params.train_fraction} at least {needed} are needed (shorten seq_len)."
        )
    train, test = chronological_split(values, params.train_fraction, params.seq_len)
    windows = len(range(0, len(train) - params.seq_len, params.stride))
    windows += len(range(0, len(test) - params.seq_len, params.seq_len))
    check_timesteps(windows, params.seq_len, where, "raise data.params.stride or lower seq_len")
    train_x, train_y = next_step_windows(train, params.seq_len, params.stride)
    test_x, test_y = next_step_windows(test, params.seq_len, params.seq_len)
    train_anchor = test_anchor = None
    offset = 0.0
    if params.anchor == "window":
        if (values <= 0).any():
            raise ScenarioError(f"{where}: column {name!r} has zero or negative values; relative changes need "
                                "positive values (set data.params.anchor = \"none\").")
        train_x, train_y, train_anchor = anchor_windows(train_x, train_y)
        test_x, test_y, test_anchor = anchor_windows(test_x, test_y)
    else:
        offset = float(train.mean())
        train_x, train_y, test_x, test_y = (a - offset for a in (train_x, train_y, test_x, test_y))
    scale = float(train_x.std()) or 1.0  # training statistics only
    dataset = build_series(
        f"{path.stem}:{name}", train_x / scale, train_y / scale, test_x / scale, test_y / scale,
        scale=scale, offset=offset, train_anchors=train_anchor, test_anchors=test_anchor,
    )
    dataset.baselines["persistence_rmse"] = persistence_rmse(dataset.test, scale)
    dataset.notes = (
        f"column {name}: {len(values)} values; the first {len(train)} train, the last "
        f"{len(values) - len(train)} test (no look-ahead); scaled with training statistics only"
        + ("; each window as relative change from its first value." if params.anchor == "window" else "."),
    )
    return dataset
