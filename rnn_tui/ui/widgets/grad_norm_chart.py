"""GradNormChart: total gradient norm per step on a log axis, clipping marked."""

from __future__ import annotations

import numpy as np

from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart
from rnn_tui.ui.widgets.history import DEFAULT_MAX_POINTS, BoundedHistory


class GradNormChart(HistoryChart):
    """Total gradient norm (before clipping) per step, log10 scale with 10^k ticks.

    Steps where clipping fired are marked "x"; a dashed line shows max_norm when
    clipping is on. Old points merge by max, so a past spike stays visible.
    """

    def __init__(
        self,
        max_norm: float | None = None,
        *,
        max_points: int = DEFAULT_MAX_POINTS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(log_y=True, title="grad norm", name=name, id=id, classes=classes)
        self.max_norm = max_norm
        self.norms = BoundedHistory(max_points, reduce="max")
        self.clipped = BoundedHistory(max_points, reduce="max")
        self.steps_recorded = 0
        self.steps_clipped = 0

    def add(self, step: int, grad_norm: float, clipped: bool = False) -> None:
        """Record the total gradient norm at `step` and whether it was clipped."""
        self.norms.append(step, grad_norm)
        self.steps_recorded += 1
        self.steps_clipped += bool(clipped)
        if clipped:
            self.clipped.append(step, grad_norm)
        self.mark_dirty()

    def set_max_norm(self, max_norm: float | None) -> None:
        """The clipping threshold to draw, or None when clipping is off."""
        self.max_norm = max_norm
        self.mark_dirty()

    def reset(self) -> None:
        """Forget all points (a new model)."""
        self.norms.clear()
        self.clipped.clear()
        self.steps_recorded = self.steps_clipped = 0
        self.mark_dirty()

    @property
    def clip_fraction(self) -> float:
        """Share of recorded steps that were clipped (0 when nothing is recorded)."""
        return self.steps_clipped / self.steps_recorded if self.steps_recorded else 0.0

    def _draw(self) -> None:
        x, y = self.norms.x, self.norms.y
        if self.max_norm is not None and len(x):
            self.hline(
                self.max_norm, (x[0], x[-1]), SERIES_COLOURS[3], f"max norm {self.max_norm:g}"
            )
        self.line(x, y, SERIES_COLOURS[0], None)
        clipped_x, clipped_y = self.clipped.x, self.clipped.y
        if len(clipped_x):
            # One marker per cell is all that can be seen; keep the first of each.
            cells = np.floor(clipped_x / max(self._step_per_cell, 1e-9))
            keep = np.unique(cells, return_index=True)[1]
            self.markers(clipped_x[keep], clipped_y[keep], "x", SERIES_COLOURS[4], "clipped")

    @property
    def _step_per_cell(self) -> float:
        if self.x_span is not None:
            span = self.x_span[1] - self.x_span[0]
        else:
            x = self.norms.x
            span = float(x[-1] - x[0]) if len(x) > 1 else 1.0
        return span / self.plot_width
