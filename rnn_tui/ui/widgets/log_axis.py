"""Log-scale axis for textual-plot, which has none: data is plotted as log10(y)."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil, floor, isclose, log10

import numpy as np
from textual_plot import AxisFormatter, NumericAxisFormatter

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def to_log10(values: np.ndarray) -> np.ndarray:
    """log10 for plotting; zero and negative values become -inf, which the plot drops."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            values > 0,
            np.log10(np.where(values > 0, values, 1.0)),
            np.where(np.isnan(values), np.nan, -np.inf),
        )


def format_power_of_ten(exponent: int) -> str:
    """10 to the exponent with superscript digits: 3 -> "10³", -2 -> "10⁻²"."""
    return "10" + str(exponent).translate(SUPERSCRIPT)


def format_log_tick(log_value: float) -> str:
    """Label for a tick at log10(y) = log_value: "10⁻³" on decades, "2·10⁻³" between."""
    exponent = floor(log_value + 1e-9)
    if isclose(log_value, round(log_value), abs_tol=1e-9):
        return format_power_of_ten(round(log_value))
    mantissa = 10 ** (log_value - exponent)
    return f"{mantissa:.0f}·{format_power_of_ten(exponent)}"


class LogTickFormatter(AxisFormatter):
    """Ticks on an axis whose data is log10(y): at decades, or 1-2-5 within one decade."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        low, high = ceil(min_ - 1e-9), floor(max_ + 1e-9)
        if high - low + 1 >= 2:
            stride = max(1, ceil((high - low + 1) / max(max_ticks, 1)))
            return [float(k) for k in range(low, high + 1, stride)]
        grid = [
            e + log10(m)
            for e in range(floor(min_) - 1, ceil(max_) + 1)
            for m in (1, 2, 5)
            if min_ - 1e-9 <= e + log10(m) <= max_ + 1e-9
        ]
        if len(grid) >= 3:
            return grid
        # Less than a decade: nice ticks in the values themselves read best.
        values = NumericAxisFormatter().get_ticks(10**min_, 10**max_, max_ticks)
        return [log10(v) for v in values if 10**min_ <= v <= 10**max_]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        if all(_on_grid(t) for t in ticks):
            return [format_log_tick(t) for t in ticks]
        return [f"{10**t:.3g}" for t in ticks]


def _on_grid(log_value: float) -> bool:
    """Whether 10**log_value is 1, 2 or 5 times a power of ten."""
    mantissa = 10 ** (log_value - floor(log_value + 1e-9))
    return any(isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5))
