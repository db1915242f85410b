"""CompareChart: several named series (e.g. rnn/lstm/gru loss curves) with a legend."""

from __future__ import annotations

import numpy as np

from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart
from rnn_tui.ui.widgets.history import DEFAULT_MAX_POINTS, BoundedHistory

MARKERS = "o+x*#%"
"""Drawn every few points so series stay apart without colour."""


class CompareChart(HistoryChart):
    """Overlaid named series; a series keeps its colour and marker for its lifetime."""

    def __init__(
        self,
        title: str = "loss",
        *,
        x_title: str = "training step",
        log_y: bool = False,
        max_points: int = DEFAULT_MAX_POINTS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            log_y=log_y, title=title, x_title=x_title, name=name, id=id, classes=classes
        )
        self.max_points = max_points
        self.series: dict[str, BoundedHistory] = {}

    def _history(self, name: str) -> BoundedHistory:
        if name not in self.series:
            self.series[name] = BoundedHistory(self.max_points)
        return self.series[name]

    def add_point(self, name: str, x: float, y: float) -> None:
        """Append one point to series `name` (created on first use)."""
        self._history(name).append(x, y)
        self.mark_dirty()

    def set_series(self, name: str, x: np.ndarray, y: np.ndarray) -> None:
        """Replace series `name` with these points."""
        history = self._history(name)
        history.clear()
        history.extend(x, y)
        self.mark_dirty()

    def remove_series(self, name: str) -> None:
        """Drop series `name` if present."""
        self.series.pop(name, None)
        self.mark_dirty()

    def reset(self) -> None:
        """Drop every series."""
        self.series.clear()
        self.mark_dirty()

    def _draw(self) -> None:
        for index, (name, history) in enumerate(self.series.items()):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            marker = MARKERS[index % len(MARKERS)]
            self.line(history.x, history.y, colour, None)
            # About eight markers per series, staggered so they do not sit on each other.
            x, y = history.x, history.y
            if len(x):
                stride = max(len(x) // 8, 1)
                start = (index * stride) // max(len(self.series), 1)
                self.markers(x[start::stride], y[start::stride], marker, colour, name)
