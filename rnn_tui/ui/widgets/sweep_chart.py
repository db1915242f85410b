"""SweepChart: a sweep's goal metric against the varied value, a line per cell, seeds' range, chance and goal."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnn_tui.core.sweep import SweepResult, Value, value_key, value_text
from rnn_tui.core.vocabulary import BOUNDED_METRICS, CELLS
from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart

CELL_MARKERS: dict[str, str] = {cell: cell[0] for cell in CELLS}
"""r, l, g: the letters `rnn-tui sweep --timing` plots with; readable without colour."""
RANGE_GLYPH = "│"
"""The seeds' range (lowest to highest) at a value, beside the cell's mean."""
GOAL_COLOUR = SERIES_COLOURS[4]
CHANCE_COLOUR = "grey50"
RANGE_SAMPLES = 64  # points along a range bar: enough to mark every row it spans
PAD_CELLS = 2  # cells between the frame and the first and last values


def cell_colour(cell: str) -> str:
    """A cell's colour, the same in every chart (the order of CELLS)."""
    return SERIES_COLOURS[CELLS.index(cell) % len(SERIES_COLOURS)] if cell in CELLS else "default"


def marker(cell: str) -> str:
    """A cell's letter on its points (``*`` for a name not in CELLS)."""
    return CELL_MARKERS.get(cell, "*")


def numeric(values: Sequence[Value]) -> bool:
    """Whether the values can stand on a number line (bools and text cannot)."""
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def padded(lo: float, hi: float, cells: int) -> tuple[float, float]:
    """x limits that put ``lo`` and ``hi`` PAD_CELLS cells inside the frame, at the centres
    of their cells (a value on a cell boundary could round to either neighbour); one value
    goes in the middle."""
    if cells < 2 * PAD_CELLS + 3:
        return lo - 0.5, hi + 0.5
    if hi <= lo:
        width = 1.0 / (cells - 1)
        return lo - (cells - 1) // 2 * width, lo + (cells - 1 - (cells - 1) // 2) * width
    width = (hi - lo) / (cells - 1 - 2 * PAD_CELLS)
    return lo - PAD_CELLS * width, hi + PAD_CELLS * width


def x_positions(values: Sequence[Value]) -> list[float]:
    """Where each value is drawn: the value itself, or 1, 2, 3... for bools and text."""
    if numeric(values):
        return [float(v) for v in values]  # type: ignore[arg-type]
    return [float(i + 1) for i in range(len(values))]


class SweepChart(HistoryChart):
    """The held-out goal metric (mean over seeds, the cell's letter on each point) against
    the varied value; a bar per point from the lowest to the highest seed; the goal and
    the no-skill level (chance, or persistence for an RMSE ratio) as labelled lines."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(title="", x_title="", name=name, id=id, classes=classes)
        self.result: SweepResult | None = None
        self.empty_text = (
            "Each cell's held-out goal metric against the varied value appears here as "
            "its runs finish: enter runs the sweep in the fields above."
        )

    def show(self, result: SweepResult | None) -> None:
        """Chart ``result`` (None: empty). Call again as runs finish."""
        self.result = result
        if result is not None:
            plan = result.plan
            self.chart_title = f"held-out {plan.metric}"
            self.x_title = self._x_title(plan.key, plan.values)
            self.integer_x = all(isinstance(v, int) for v in plan.values)
            bounded = plan.metric in BOUNDED_METRICS
            self.fixed_y = (0.0, 1.0) if bounded else None
            self.y_includes = None if bounded else 0.0
        self.mark_dirty()

    def reset(self) -> None:
        self.show(None)

    @staticmethod
    def _x_title(key: str, values: Sequence[Value]) -> str:
        if numeric(values):
            return key
        return f"{key}: " + ", ".join(f"{i + 1} = {value_text(v)}" for i, v in enumerate(values))

    def _draw(self) -> None:
        result = self.result
        if result is None or not result.points:
            return
        plan = result.plan
        # Keyed by type and text: as dict keys 1, 1.0 and True are one key, as swept values three.
        place = dict(zip(map(value_key, plan.values), x_positions(plan.values), strict=True))
        span = (min(place.values()), max(place.values()))
        self.x_span = padded(*span, self.plot_width)
        self.hline(plan.target, span, GOAL_COLOUR, f"goal {plan.target:g}")
        if result.chance is not None and result.chance_label:
            self.hline(result.chance, span, CHANCE_COLOUR, f"{result.chance_label} {result.chance:g}")
        aggregates = result.aggregates()
        cells = [c for c in plan.cells if any(a.cell == c for a in aggregates)]
        # One cell's width in x: each cell's bars and letters sit a column apart.
        column = (self.x_span[1] - self.x_span[0]) / max(self.plot_width - 1, 1)
        for cell in cells:
            mine = [a for a in aggregates if a.cell == cell and np.isfinite(a.metric_mean)]
            x = np.array([place[value_key(a.value)] for a in mine])
            y = np.array([a.metric_mean for a in mine])
            self.line(x, y, cell_colour(cell), None)
        for index, cell in enumerate(cells):  # range bars over the lines, so they show whole
            shift = (index - (len(cells) - 1) / 2) * column
            for a in aggregates:
                if a.cell == cell and a.seeds > 1 and np.isfinite([a.metric_min, a.metric_max]).all():
                    ys = np.linspace(a.metric_min, a.metric_max, RANGE_SAMPLES)
                    self.markers(np.full_like(ys, place[value_key(a.value)] + shift), ys, RANGE_GLYPH,
                                 cell_colour(cell), None)
        for index, cell in enumerate(cells):
            # Last, so a letter is never under another cell's line; a column apart, so
            # cells with the same score read "rlg" rather than one letter hiding two.
            shift = (index - (len(cells) - 1) / 2) * column
            mine = [a for a in aggregates if a.cell == cell and np.isfinite(a.metric_mean)]
            x = np.array([place[value_key(a.value)] + shift for a in mine])
            y = np.array([a.metric_mean for a in mine])
            self.markers(x, y, marker(cell), cell_colour(cell), cell)

