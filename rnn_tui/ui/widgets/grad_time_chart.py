"""GradThroughTimeChart: ‖dL/dh_t‖ for each t, earliest and latest probe overlaid."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnn_tui.ui.widgets.chart_base import SERIES_COLOURS, HistoryChart

Probe = tuple[int, list[tuple[str, np.ndarray]]]


class GradThroughTimeChart(HistoryChart):
    """Gradient norm reaching each timestep, log10 scale, one curve per recurrent part.

    Parts share one time axis laid end to end (encoder steps t = 1..T, then decoder
    steps, split by a vertical line), the path the gradient travels backwards. The first probe after
    a reset is kept as "earliest" ("o" markers) under the latest probe (a line), so
    vanishing (a steep fall towards t=0) or exploding shows at a glance.
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            log_y=True, title="‖dL/dh_t‖", x_title="timestep t", name=name, id=id, classes=classes
        )
        self.earliest: Probe | None = None
        self.latest: Probe | None = None

    def set_probe(self, step: int, parts: Sequence[tuple[str, np.ndarray]]) -> None:
        """A probe at training `step`: (part name, norms of shape (T,)) for each part."""
        probe = (int(step), [(str(n), np.ravel(np.asarray(v, float))) for n, v in parts])
        if self.earliest is None:
            self.earliest = probe
        self.latest = probe
        self.mark_dirty()

    def reset(self) -> None:
        """Forget both probes (a new model)."""
        self.earliest = self.latest = None
        self.mark_dirty()

    def _draw(self) -> None:
        latest, earliest = self.latest, self.earliest
        if latest is None:
            return
        show_earliest = earliest is not None and earliest[0] != latest[0]
        for index, (_, norms) in enumerate(latest[1]):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            x = self._offset(latest, index) + np.arange(1, norms.size + 1)
            self.line(x, norms, colour, None)
            if show_earliest and earliest is not None and index < len(earliest[1]):
                early = earliest[1][index][1]
                early_x = self._offset(earliest, index) + np.arange(1, early.size + 1)
                self.sparse_markers(early_x, early, "o", colour, None)
        for index in range(1, len(latest[1])):
            self.add_v_line(self._offset(latest, index) + 0.5, "grey50")
        # Legend: line vs markers tell the probes apart; each part is named in its colour
        # on the frame above its steps (a legend entry each would not fit at 80x24).
        self.add_legend("⠒⠒", "default", f"step {latest[0]}")
        if show_earliest and earliest is not None:
            self.add_legend("o", "default", f"step {earliest[0]}")
        if len(latest[1]) > 1:
            for index, (name, _) in enumerate(latest[1]):
                colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
                self.add_frame_label(self._offset(latest, index) + 1, name, colour)

    @staticmethod
    def _offset(probe: Probe, index: int) -> int:
        return sum(norms.size for _, norms in probe[1][:index])
