"""MetricChart: the held-out metric over training steps, with the scenario's goal line."""

from __future__ import annotations

from rnn_tui.core.vocabulary import BOUNDED_METRICS
from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart
from rnn_tui.ui.widgets.history import DEFAULT_MAX_POINTS, BoundedHistory

# Metrics in [0, 1] (BOUNDED_METRICS) are drawn on a fixed 0..1 axis so progress is not
# exaggerated; the others (errors) on an axis from 0.


class MetricChart(HistoryChart):
    """The metric at each evaluation (a line, "o" markers while they fit), and a dashed
    goal line; accuracy and exact_match on a fixed 0..1 axis."""

    def __init__(
        self,
        metric: str = "accuracy",
        target: float | None = None,
        *,
        max_points: int = DEFAULT_MAX_POINTS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(title=f"held-out {metric}", name=name, id=id, classes=classes)
        self.values = BoundedHistory(max_points, reduce="mean")
        self.set_metric(metric, target)

    def set_metric(self, metric: str, target: float | None) -> None:
        """Change the metric's name and goal (None: no goal line)."""
        self.metric, self.target = metric, target
        self.chart_title = f"held-out {metric}"
        bounded = metric in BOUNDED_METRICS
        self.fixed_y = (0.0, 1.0) if bounded else None
        self.y_includes = None if bounded else 0.0
        self.mark_dirty()

    def add(self, step: int, value: float) -> None:
        """Record the metric at `step`."""
        self.values.append(step, value)
        self.mark_dirty()

    def reset(self) -> None:
        """Forget all points (a new model)."""
        self.values.clear()
        self.mark_dirty()

    def _draw(self) -> None:
        x, y = self.values.x, self.values.y
        if self.target is not None and len(x):
            self.hline(self.target, (x[0], x[-1]), SERIES_COLOURS[4], f"goal {self.target:g}")
        self.line(x, y, SERIES_COLOURS[2], None)
        self.sparse_markers(x, y, "o", SERIES_COLOURS[2], None)
