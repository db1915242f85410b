"""Axes fitted to character cells: one mapping for ticks, markers and lines; even tick rows.

textual-plot 0.10.1 maps a value to a row two ways: markers and tick labels with `ceil`
onto a span that ends on the frame, braille lines onto the inside of the frame. It takes
the limits from the data and moves the lowest tick onto the frame. So a goal of 0.9 drew
on the 0.8 tick's row, an accuracy of 1.0 beside the 0.85 mark, and decades on a log axis
came out one and two rows apart. Here a `CellAxis` is the one mapping: the low limit sits
at the centre of the first cell inside the frame, the high limit at the centre of the
last, and a value is drawn in the cell it falls in, tick labels included. The fitting
functions widen the limits (never narrow them) so that ticks are a whole number of cells
apart, and label them so they fit the margin (scientific notation for absurd values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import ceil, floor, isfinite, log10

from rnn_tui.ui.widgets.log_axis import format_log_tick

NICE_MANTISSAS = (1.0, 2.0, 2.5, 5.0)
LOG_STRIDES = (1, 2, 3, 5, 10, 20, 50, 100)
"""Decades between ticks on a log axis."""
LABEL_WIDTH = 7
"""Characters a y label may use (the left margin is 8 cells, one for the gap)."""
FILL_SLACK = 0.8
"""A finer tick step is taken if the data fills at least this share of the best fill."""
SCIENTIFIC_FROM = 1e5
"""Labels at or beyond this size (a diverged loss of 9.8e33) use scientific notation."""


@dataclass(frozen=True)
class CellAxis:
    """Limits, ticks and labels of one axis spanning `cells` cells inside the frame."""

    lo: float
    hi: float
    cells: int
    ticks: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    def offset(self, value: float) -> float:
        """Distance in cells from the low end of the inside of the frame: `lo` maps to
        0.5 (the centre of the first cell), `hi` to cells - 0.5."""
        if self.cells <= 1 or self.hi <= self.lo:
            return 0.5
        return 0.5 + (value - self.lo) / (self.hi - self.lo) * (self.cells - 1)

    def affine(self) -> tuple[float, float]:
        """(scale, shift) with offset(value) == scale * value + shift."""
        if self.cells <= 1 or self.hi <= self.lo:
            return 0.0, 0.5
        scale = (self.cells - 1) / (self.hi - self.lo)
        return scale, 0.5 - self.lo * scale

    def cell(self, value: float) -> int:
        """The cell (0 = at the low end) a value is drawn in, clamped to the inside."""
        return min(max(floor(self.offset(value)), 0), max(self.cells - 1, 0))


def nice_steps(smallest: float) -> Iterator[float]:
    """1, 2, 2.5 and 5 times powers of ten, from the first at least `smallest` upwards."""
    power = floor(log10(smallest))
    while True:
        for mantissa in NICE_MANTISSAS:
            step = mantissa * 10.0**power
            if step >= smallest * (1 - 1e-9):
                yield step
        power += 1


def _widened(lo: float, hi: float) -> tuple[float, float]:
    """A usable range: one value becomes a small span around it."""
    if hi > lo:
        return lo, hi
    half = abs(lo) * 0.05 or 0.5
    return lo - half, hi + half


def fit_linear(lo: float, hi: float, cells: int, min_gap: int = 1) -> CellAxis:
    """Ticks at a nice step, a whole number of cells apart; `hi` widened to the last cell."""
    lo, hi = _widened(lo, hi)
    if cells < 2:
        return CellAxis(lo, hi, cells)
    step, start, per_tick = _best_grid(lo, hi, cells - 1, min_gap, nice_steps((hi - lo) / cells))
    return _grid_axis(start, step, per_tick, cells, linear_labels)


def _best_grid(
    lo: float, hi: float, gaps: int, min_gap: int, steps: Iterable[float]
) -> tuple[float, float, int]:
    """(step, start, cells per tick): ticks at multiples of a step, `per_tick` cells apart.

    The axis then spans gaps / per_tick steps from `start`, at least up to `hi`. Of the
    first dozen steps that give at least three ticks (two on a short axis, or if none
    does), the finest whose span the data fills nearly as well as the best (within
    FILL_SLACK) wins: every decade labelled beats a little less headroom.
    """
    min_gap = min(min_gap, gaps)
    grids: list[tuple[float, float, float, int]] = []  # (fill, step, start, per_tick)
    for tried, step in enumerate(steps):
        start = floor(lo / step + 1e-9) * step
        per_tick = min(floor(gaps * step / (hi - start) + 1e-9), gaps)
        if per_tick >= min_gap:
            grids.append(((hi - lo) / (gaps / per_tick * step), step, start, per_tick))
        if per_tick >= gaps or tried >= 12:
            break
    for want_ticks in (3 if gaps >= 2 * min_gap else 2, 2):
        usable = [grid for grid in grids if gaps // grid[3] + 1 >= want_ticks]
        if usable:
            best_fill = max(grid[0] for grid in usable)
            _, step, start, per_tick = next(g for g in usable if g[0] >= FILL_SLACK * best_fill)
            return step, start, per_tick
    return hi - lo, lo, gaps  # too few cells for a grid: one step over the whole range


def _grid_axis(
    start: float, step: float, per_tick: int, cells: int, label: Callable[..., list[str]]
) -> CellAxis:
    gaps = cells - 1
    ticks = [start + i * step for i in range(gaps // per_tick + 1)]
    return _axis(start, start + gaps / per_tick * step, cells, ticks, label(ticks, step))


def fit_fixed(lo: float, hi: float, cells: int, min_gap: int = 1) -> CellAxis:
    """Ticks on fixed limits (accuracy's 0..1): evenly spaced when the cells allow it,
    otherwise the nearest cells (a value and its tick label still share a cell)."""
    gaps = cells - 1
    if gaps < 1:
        return CellAxis(lo, hi, cells)
    min_gap = min(min_gap, gaps)
    fallback: list[float] | None = None
    fallback_step = hi - lo
    for step in nice_steps((hi - lo) / gaps):
        intervals = round((hi - lo) / step)
        if abs(intervals * step - (hi - lo)) > 1e-9 * (hi - lo) or intervals < 1:
            continue
        ticks = [lo + i * step for i in range(intervals + 1)]
        if gaps % intervals == 0 and gaps // intervals >= min_gap and len(ticks) >= 3:
            return _axis(lo, hi, cells, ticks, linear_labels(ticks, step))
        if fallback is None and gaps / intervals >= min_gap and len(ticks) >= 3:
            fallback, fallback_step = ticks, step
        if intervals == 1:
            break
    ticks = fallback or [lo, hi]
    return _axis(lo, hi, cells, ticks, linear_labels(ticks, fallback_step))


def fit_log(lo: float, hi: float, cells: int, min_gap: int = 1) -> CellAxis:
    """An axis of log10 values: ticks on whole decades (every 1, 2, 3, 5, 10... decades),
    the same number of cells apart; `hi` widened to the last cell."""
    lo, hi = _widened(lo, hi)
    if cells < 2:
        return CellAxis(lo, hi, cells)
    steps = (float(stride) for stride in LOG_STRIDES)
    step, start, per_tick = _best_grid(lo, hi, cells - 1, min_gap, steps)
    return _grid_axis(start, step, per_tick, cells, log_labels)


def log_labels(ticks: Sequence[float], step: float) -> list[str]:
    """ "10⁻³" on decades (the step is a whole number of decades)."""
    return [format_log_tick(t) for t in ticks]


def fit_steps(lo: float, hi: float, cells: int, integer: bool = True) -> CellAxis:
    """An x axis on the data's own limits: nice ticks far enough apart for their labels,
    whole numbers only on an axis of counts (training steps, timesteps)."""
    if integer and hi - lo < 1:
        hi = lo + 1
    lo, hi = _widened(lo, hi)
    if cells < 2:
        return CellAxis(lo, hi, cells)
    for step in nice_steps((hi - lo) / cells):
        if integer and step != round(step):
            continue
        ticks = _multiples(lo, hi, step)
        labels = linear_labels(ticks, step)
        width = max((len(label) for label in labels), default=1)
        if step / (hi - lo) * (cells - 1) >= width + 2 or len(ticks) <= 2:
            return _axis(lo, hi, cells, ticks, labels)
    raise AssertionError("unreachable: the steps grow until two ticks are left")


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    first = ceil(lo / step - 1e-9)
    last = floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def _axis(
    lo: float, hi: float, cells: int, ticks: Sequence[float], labels: Sequence[str]
) -> CellAxis:
    return CellAxis(lo, hi, cells, tuple(float(t) for t in ticks), tuple(labels))


def linear_labels(ticks: Sequence[float], step: float) -> list[str]:
    """Decimals from the step ("0.25", "1.5", "200"); scientific notation ("2e33", "1e-5")
    for values too large or too small to read in a margin of LABEL_WIDTH characters."""
    if not ticks:
        return []
    largest = max(abs(t) for t in ticks)
    if not isfinite(largest) or largest >= SCIENTIFIC_FROM or 0 < step < 1e-3:
        for digits in (2, 3, 4):
            labels = [_scientific(t, digits) for t in ticks]
            if len(set(labels)) == len(labels):
                return labels
        return labels
    power = floor(log10(step)) if step > 0 else 0
    mantissa = step / 10.0**power
    decimals = max(0, -power + (1 if abs(mantissa - 2.5) < 1e-9 else 0))
    return [_zero_safe(f"{t:.{decimals}f}") for t in ticks]


def _scientific(value: float, digits: int) -> str:
    """2e+33 -> "2e33", 1.5e-05 -> "1.5e-5", 0 -> "0"."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def _zero_safe(label: str) -> str:
    """ "-0.0" reads as a minus sign on nothing: show "0.0"."""
    return label[1:] if label.startswith("-") and float(label) == 0 else label
