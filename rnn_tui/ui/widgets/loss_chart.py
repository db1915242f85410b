"""LossChart: train loss every step and held-out loss every eval, over training steps."""

from __future__ import annotations

from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart
from rnn_tui.ui.widgets.history import DEFAULT_MAX_POINTS, BoundedHistory


class LossChart(HistoryChart):
    """Train loss (a thin braille line) and held-out loss (a thick half-block line, "o" at
    each evaluation while they fit).

    `add_train` / `add_eval` only record (bounded to `max_points` each); `redraw()` draws.
    """

    def __init__(
        self,
        *,
        log_y: bool = False,
        max_points: int = DEFAULT_MAX_POINTS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(log_y=log_y, title="loss", name=name, id=id, classes=classes)
        self.train = BoundedHistory(max_points, reduce="mean")
        self.held_out = BoundedHistory(max_points, reduce="mean")

    def add_train(self, step: int, loss: float) -> None:
        """Record the training loss at `step`."""
        self.train.append(step, loss)
        self.mark_dirty()

    def add_eval(self, step: int, loss: float) -> None:
        """Record the held-out loss at `step`."""
        self.held_out.append(step, loss)
        self.mark_dirty()

    def reset(self) -> None:
        """Forget all points (a new model)."""
        self.train.clear()
        self.held_out.clear()
        self.mark_dirty()

    def _draw(self) -> None:
        self.line(self.train.x, self.train.y, SERIES_COLOURS[0], "train")
        x, y = self.held_out.x, self.held_out.y
        self.line(x, y, SERIES_COLOURS[1], None)
        self.sparse_markers(x, y, "o", SERIES_COLOURS[1], "held-out")
