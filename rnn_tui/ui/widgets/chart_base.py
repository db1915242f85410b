"""HistoryChart: a textual-plot PlotWidget that redraws only when the app asks it to."""

from __future__ import annotations

from contextlib import ExitStack

import numpy as np
from rich.markup import escape
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Grid
from textual.css.query import NoMatches
from textual.geometry import Size
from textual_hires_canvas import Canvas, TextAlign
from textual_plot import HiResMode, PlotWidget
from textual_plot.plot_widget import Legend

from rnn_tui.ui.widgets.history import thin
from rnn_tui.ui.widgets.log_axis import LogTickFormatter, to_log10
from rnn_tui.ui.widgets.plot_parts import SpacedTicks, StyledCanvas

SERIES_COLOURS = ("#4aa3ff", "#ff9f1c", "#3ddc84", "#e056fd", "#ff5e5b", "#f9f871")
"""Distinct on dark and light themes; without colour the legend's glyphs tell series apart."""
POINTS_PER_CELL = 2
"""Braille gives 2 dots per cell across; more points than that cannot be seen."""
LEGEND_GLYPH = {HiResMode.BRAILLE: "⠒⠒", HiResMode.HALFBLOCK: "▀▀"}


class HistoryChart(PlotWidget, can_focus=False):
    """Base for the training charts: data calls only record; `redraw()` draws.

    Subclasses keep their data and implement `_draw()` with `line`, `markers` and
    `hline`. The app calls `redraw()` on its frame timer (5-15 fps); it does nothing
    when no data changed since the last draw. The top row holds the title and a legend
    (a legend box over the data would hide it in an 80x24 layout). Not focusable, so
    textual-plot's zoom/pan keys never take the app's arrow keys.
    """

    DEFAULT_CSS = """
    HistoryChart { height: 1fr; min-height: 6; }
    """

    def __init__(
        self,
        *,
        log_y: bool = False,
        title: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, allow_pan_and_zoom=False)
        self.log_y = log_y
        self.chart_title = title
        self._legend: list[tuple[str, str, str]] = []  # (glyph, colour, label)
        self._dirty = True
        self._resized_to = Size(0, 0)
        self._x_ticks_formatter = SpacedTicks()

    def reset(self) -> None:
        """Forget every point (a new model); each chart clears its own data."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        # PlotWidget.compose with canvases that survive NO_COLOR (see StyledCanvas).
        with Grid():
            for canvas_id in ("margin-top", "margin-left", "plot", "margin-bottom"):
                yield StyledCanvas(1, 1, id=canvas_id)
        yield Legend(id="legend")

    def render(self) -> RenderResult:
        # textual-plot draws onto its canvases here; one refresh each, not one per pixel.
        with ExitStack() as stack:
            for canvas in self.query(StyledCanvas):
                stack.enter_context(canvas.held_refresh())
            return super().render()

    def on_mount(self) -> None:
        # PlotWidget.on_mount runs after this one (Textual calls each class's handler)
        # and resets the axis limits, so configure once the mount handlers are done.
        self.call_later(self._configure)

    def on_resize(self, event: events.Resize) -> None:
        # Thinning and marker spacing depend on the width: a chart drawn while hidden
        # (zero size, e.g. in a tab not yet shown) must draw again once it has a size.
        # Textual also sends Resize when a hidden widget is shown at its old size: a full
        # redraw then (tens of ms per chart) would only slow down switching panels.
        if event.size == self._resized_to:
            return
        self._resized_to = event.size
        self._dirty = True
        self.call_after_refresh(self.redraw)

    def _configure(self) -> None:
        """Set margins, formatters and limits; subclasses extend it."""
        self.margin_top = 1
        self.margin_bottom = 2
        self.margin_left = 8
        self.set_x_formatter(self._x_ticks_formatter)
        if self.log_y:
            self.set_y_formatter(LogTickFormatter())
        self._dirty = True
        self.redraw()

    def mark_dirty(self) -> None:
        """Note that data changed; the next `redraw()` will draw."""
        self._dirty = True

    @property
    def dirty(self) -> bool:
        """Whether data changed since the last draw."""
        return self._dirty

    def redraw(self) -> bool:
        """Draw if data changed since the last draw; returns whether it drew."""
        if not self._dirty or not self.is_mounted:
            return False
        try:
            self.query_one("#legend")
        except NoMatches:
            return False  # children not composed yet, or already removed at shutdown
        self.clear()
        self._legend = []
        self._x_ticks_formatter.cells = self.plot_width
        self._draw()
        self._pad_x_range()
        self._dirty = False
        return True

    def _draw(self) -> None:
        raise NotImplementedError

    def _pad_x_range(self) -> None:
        # textual-plot maps the largest x onto the axis line itself; one spare cell
        # on the right keeps the newest point inside the frame.
        xs = [d.x for d in self._datasets if len(d.x)]
        if xs:
            lo = float(min(x.min() for x in xs))
            hi = float(max(x.max() for x in xs))
            span = hi - lo if hi > lo else 1.0
            self.set_xlimits(lo, hi + span / self.plot_width)

    # -- helpers for subclasses --------------------------------------------------
    @property
    def plot_width(self) -> int:
        """Cells across the data area."""
        return max(self.size.width - self.margin_left - 2, 2)

    def _y(self, y: np.ndarray) -> np.ndarray:
        return to_log10(y) if self.log_y else np.asarray(y, dtype=np.float64)

    def line(
        self,
        x: np.ndarray,
        y: np.ndarray,
        colour: str,
        label: str | None,
        mode: HiResMode = HiResMode.BRAILLE,
    ) -> None:
        """A line through (x, y), thinned to what the width can show; y in data units."""
        if len(x) == 0:
            return
        target = self.plot_width * POINTS_PER_CELL
        x, y = thin(x, y, target)
        self.plot(x, self._y(y), line_style=colour, hires_mode=mode)
        self.add_legend(LEGEND_GLYPH.get(mode, "──"), colour, label)

    def markers(
        self, x: np.ndarray, y: np.ndarray, marker: str, colour: str, label: str | None
    ) -> None:
        """One character per point (readable without colour); y in data units."""
        if len(x) == 0:
            return
        self.scatter(np.asarray(x, float), self._y(y), marker=marker, marker_style=colour)
        self.add_legend(marker, colour, label)

    def hline(self, y: float, x_range: tuple[float, float], colour: str, label: str | None) -> None:
        """A dashed horizontal line (e.g. max_norm, a goal); draw it before the data so
        a curve running along it stays visible."""
        x = np.linspace(x_range[0], x_range[1], self.plot_width)
        self.scatter(x, self._y(np.full_like(x, y)), marker="╌", marker_style=colour)
        self.add_legend("╌╌", colour, label)

    def sparse_markers(
        self, x: np.ndarray, y: np.ndarray, marker: str, colour: str, label: str | None
    ) -> None:
        """Markers on a subset of the points, a few cells apart, so they stay legible."""
        if len(x) == 0:
            return
        # Keep markers at least three cells apart; always mark the newest point.
        stride = max(1, int(np.ceil(3 * len(x) / self.plot_width)))
        keep = np.unique(np.append(np.arange(len(x) - 1, -1, -stride), len(x) - 1))
        self.markers(np.asarray(x)[keep], np.asarray(y)[keep], marker, colour, label)

    def add_legend(self, glyph: str, colour: str, label: str | None) -> None:
        """An entry in the title row (call from `_draw`); None is ignored."""
        if label is not None:
            self._legend.append((glyph, colour, label))

    def _legend_parts(self, markup: bool) -> list[str]:
        label_style = self.get_component_rich_style("plot--label") if markup else ""
        title = escape(self.chart_title) if markup else self.chart_title
        parts = [f"[{label_style}]{title}[/]" if markup else title] if title else []
        for glyph, colour, label in self._legend:
            label = escape(label) if markup else label
            parts.append(f"[{colour}]{glyph}[/] {label}" if markup else f"{glyph} {label}")
        return parts

    @property
    def legend_text(self) -> str:
        """The title row as plain text, e.g. "loss  ⠒⠒ train  o held-out"."""
        return self._fit_legend(self._legend_parts(markup=False), self._legend_parts(False))

    def _fit_legend(self, plain: list[str], styled: list[str]) -> str:
        """Join with two spaces, or one when narrow; drop the title if still too wide."""
        width = self.size.width
        for separator in ("  ", " "):
            if len(separator.join(plain)) <= width:
                return separator.join(styled)
        if self.chart_title and len(" ".join(plain[1:])) <= width:
            return " ".join(styled[1:])
        return " ".join(styled)  # cropped at the edge: the first entries matter most

    def _render_y_label(self) -> None:
        # Replaces textual-plot's centred y label (private API, pinned at 0.10.1): the
        # top row becomes a left-aligned title followed by the legend.
        text = self._fit_legend(self._legend_parts(False), self._legend_parts(True))
        if text:
            self.query_one("#margin-top", Canvas).write_text(0, 0, text, TextAlign.LEFT)
