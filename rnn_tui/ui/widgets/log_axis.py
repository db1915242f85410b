"""Log-scale axis for textual-plot, which has none: data is plotted as log10(y), labelled 10ⁿ."""

from __future__ import annotations

from math import floor, isclose

import numpy as np

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
