"""A log-log scatter plot as plain text lines, for the terminal (no plotting library)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

OVERLAP = "*"  # two series on one character cell
GUIDE = "."  # the slope-1 reference line


def loglog_plot(
    series: Mapping[str, tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray]],
    markers: Mapping[str, str],
    x_title: str,
    y_title: str,
    y_label: Callable[[float], str] = lambda v: f"{v:g}",
    width: int = 56,
    height: int = 14,
    guide_slope: float | None = 1.0,
) -> list[str]:
    """Points of each series (x, y > 0) on log axes, one marker character per series.

    With ``guide_slope``, a dotted line of that slope through the middle of the data
    shows what "proportional to x" would look like.
    """
    points = [(math.log10(x), math.log10(y), markers[name])
              for name, (xs, ys) in series.items() for x, y in zip(xs, ys, strict=True)
              if x > 0 and y > 0 and math.isfinite(x) and math.isfinite(y)]
    if not points:
        return [y_title, "(nothing to plot)", x_title]
    low, high = min(p[1] for p in points), max(p[1] for p in points)
    x0, x1 = _padded(min(p[0] for p in points), max(p[0] for p in points))
    y0, y1 = _padded(low, high)
    grid = [[" "] * width for _ in range(height)]

    def col(lx: float) -> int:
        return round((lx - x0) / (x1 - x0) * (width - 1))

    def row(ly: float) -> int:
        return height - 1 - round((ly - y0) / (y1 - y0) * (height - 1))

    if guide_slope is not None:
        mx = sum(p[0] for p in points) / len(points)
        my = sum(p[1] for p in points) / len(points)
        for c in range(width):
            r = row(my + guide_slope * (x0 + c / (width - 1) * (x1 - x0) - mx))
            if 0 <= r < height:
                grid[r][c] = GUIDE
    for lx, ly, marker in points:
        r, c = row(ly), col(lx)
        grid[r][c] = OVERLAP if grid[r][c] not in (" ", GUIDE, marker) else marker
    y_values = _ticks(y0, y1)
    if len(y_values) < 2:  # a narrow range: label the data's own ends instead
        y_values = [float(f"{10 ** low:.2g}"), float(f"{10 ** high:.2g}")]
    y_ticks = {row(math.log10(v)): y_label(v) for v in y_values}
    margin = max(len(label) for label in y_ticks.values()) if y_ticks else 0
    lines = [y_title]
    for r in range(height):
        lines.append(f"{y_ticks.get(r, ''):>{margin}} |" + "".join(grid[r]).rstrip())
    axis = ["-"] * width
    for value in _ticks(x0, x1):
        axis[col(math.log10(value))] = "+"
    lines.append(" " * margin + " +" + "".join(axis))
    lines.append(" " * (margin + 2) + _x_labels(x0, x1, width, col))
    lines.append(" " * (margin + 2) + x_title.center(width).rstrip())
    return lines


def _padded(low: float, high: float) -> tuple[float, float]:
    """A range a little wider than the data (a single value gets half a decade each side)."""
    if high - low < 1e-9:
        return low - 0.5, high + 0.5
    pad = 0.05 * (high - low)
    return low - pad, high + pad


def _ticks(low: float, high: float) -> list[float]:
    """1-2-5 values inside [10^low, 10^high]; only decades when that gives three or more."""
    decades = range(math.floor(low), math.ceil(high) + 1)
    inside = [m * 10.0**d for d in decades for m in (1, 2, 5) if low <= math.log10(m * 10.0**d) <= high]
    powers = [v for v in inside if math.isclose(math.log10(v) % 1, 0, abs_tol=1e-9)]
    return powers if len(powers) >= 3 else inside


def _x_labels(x0: float, x1: float, width: int, col: Callable[[float], int]) -> str:
    line = [" "] * (width + 8)
    last_end = -2
    for value in _ticks(x0, x1):
        text = f"{value:g}"
        start = max(0, col(math.log10(value)) - len(text) // 2)
        if start <= last_end + 1:  # labels would touch: skip this one
            continue
        line[start:start + len(text)] = text
        last_end = start + len(text)
    return "".join(line).rstrip()
