"""SweepTimeChart: CPU seconds per training step against the sequence length T, log-log, a line per cell."""

from __future__ import annotations

from math import log10

import numpy as np

from rnn_tui.core.sweep import SweepResult
from rnn_tui.ui.widgets.axis_grid import CellAxis
from rnn_tui.ui.widgets.chart_base import HistoryChart
from rnn_tui.ui.widgets.sweep_chart import cell_colour, marker, padded

SLOPE_ONE_GLYPH = "·"
SLOPE_ONE_COLOUR = "grey50"
WHY_TIME_GROWS = (
    "Step t needs h_{t-1}: the T steps run one after another, never in parallel over time."
)
WHY_BELOW_ONE = (
    "Slope 1 is time in proportion to T; below 1, a cost paid once per training step (the "
    "optimizer, Python, the output layer) still weighs, less and less as T grows."
)


class SweepTimeChart(HistoryChart):
    """Median CPU seconds of a training step over seeds against T (both axes log10), the
    cell's letter on each point, and a dotted line of slope 1 (time in proportion to T)
    through the lowest T of the first cell, to hold each cell's slope against."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            log_y=True,
            title="CPU seconds per training step",
            x_title="sequence length T (log scale)",
            name=name,
            id=id,
            classes=classes,
        )
        self.integer_x = False  # x holds log10(T); the tick labels say T
        self.empty_text = (
            "The CPU time of one training step against the sequence length T appears here "
            "as the sweep's runs finish."
        )
        self.result: SweepResult | None = None
        self.timesteps: list[int] = []

    def show(self, result: SweepResult | None) -> None:
        """Chart ``result``'s timing (None: empty)."""
        self.result = result
        self.timesteps = sorted({p.timesteps for p in result.points}) if result else []
        self.mark_dirty()

    def reset(self) -> None:
        self.show(None)

    @property
    def has_slope(self) -> bool:
        """Whether the runs have two or more T (else there is no slope to draw)."""
        return len(self.timesteps) >= 2

    def _draw(self) -> None:
        result = self.result
        if result is None or not self.timesteps:
            return
        series = {cell: xy for cell, xy in result.timing_series("step").items() if len(xy[0])}
        for cell, (ts, seconds) in series.items():
            self.line(np.log10(ts), seconds, cell_colour(cell), None)
        first = next(iter(series.values()), None)
        if first is not None and self.has_slope:  # over the lines, under the letters
            t = np.geomspace(self.timesteps[0], self.timesteps[-1], self.plot_width)
            ts, seconds = first
            self.sparse_markers(np.log10(t), seconds[0] * t / ts[0], SLOPE_ONE_GLYPH,
                                SLOPE_ONE_COLOUR, "slope 1")
        # Letters a column apart (see SweepChart), so equal times read "rlg".
        lo, hi = self._x_limits()
        column = (hi - lo) / max(self.plot_width - 1, 1)
        for index, (cell, (ts, seconds)) in enumerate(series.items()):
            shift = (index - (len(series) - 1) / 2) * column
            self.markers(np.log10(ts) + shift, seconds, marker(cell), cell_colour(cell), cell)

    def _fit_axes(self) -> None:
        # The base fits y (log10 decades); x gets its ticks on the measured T, labelled as
        # T itself ("5 10 20 30"), at their log10 positions.
        super()._fit_axes()
        if not self.timesteps:
            return
        logs = tuple(log10(t) for t in self.timesteps)
        lo, hi = self._x_limits()
        cells = self._scale_rectangle.width
        self._x_axis = CellAxis(lo, hi, cells, logs, tuple(map(str, self.timesteps)))
        self._fit_mapping()
        self.set_xlimits(self._x_axis.lo, self._x_axis.hi)

    def _x_limits(self) -> tuple[float, float]:
        """log10 of the lowest and highest T, a little apart from the frame."""
        return padded(log10(self.timesteps[0]), log10(self.timesteps[-1]), self.plot_width)
