"""HistoryChart: a textual-plot PlotWidget that redraws only when asked, on axes fitted to cells."""

from __future__ import annotations

import textwrap
from contextlib import ExitStack
from math import floor

import numpy as np
from rich.markup import escape
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Grid
from textual.css.query import NoMatches
from textual.geometry import Size
from textual_hires_canvas import Canvas, TextAlign
from textual_plot import HiResMode, PlotWidget
from textual_plot.plot_widget import DataSet, Legend

from rnn_tui.ui.widgets.axis_grid import CellAxis, fit_fixed, fit_linear, fit_log, fit_steps
from rnn_tui.ui.widgets.history import thin
from rnn_tui.ui.widgets.log_axis import to_log10
from rnn_tui.ui.widgets.plot_parts import StyledCanvas

SERIES_COLOURS = ("#4aa3ff", "#ff9f1c", "#3ddc84", "#e056fd", "#ff5e5b", "#f9f871")
"""Distinct on dark and light themes; without colour the legend's glyphs tell series apart."""
POINTS_PER_CELL = 2
"""Braille gives 2 dots per cell across; more points than that cannot be seen."""
LEGEND_GLYPH = {HiResMode.BRAILLE: "⠒⠒", HiResMode.HALFBLOCK: "▀▀"}
MARGIN_LEFT = 8
"""Cells for the y labels: 7 characters ("2.5e33", "2·10⁻¹⁰") and a gap."""
LEVEL_GLYPHS = ("▔", "╌", "▁")
"""A threshold line in the top, middle or bottom third of its row: at 80x24 a row of the
accuracy axis spans 0.2, and a goal of 0.9 lies between the 1.0 and 0.8 rows; drawn as
"▁" on the 1.0 row it reads as just below 1.0."""
BOUNDARY_NUDGE = 1e-9
"""Rows; see `HistoryChart._from_top`."""
TALL_ENOUGH = 13
"""From this height the x-axis title gets its own row; below it, it ends the tick row."""


class HistoryChart(PlotWidget, can_focus=False):
    """Base for the training charts: data calls only record; `redraw()` draws.

    Subclasses keep their data and implement `_draw()` with `line`, `markers` and
    `hline`. The app calls `redraw()` on its frame timer (5-15 fps); it does nothing
    when no data changed since the last draw. The top row holds the y-axis title and a
    legend (a legend box over the data would hide it in an 80x24 layout); the x-axis
    title is under the tick labels, or at the end of their row on a short chart. Not
    focusable, so textual-plot's zoom/pan keys never take the app's arrow keys.

    Axes: see `axis_grid`. Every value (tick label, marker, braille line) is placed by
    one mapping, so a point is drawn in the row of the tick label with its value.
    """

    DEFAULT_CSS = """
    HistoryChart { height: 1fr; min-height: 6; }
    """

    def __init__(
        self,
        *,
        log_y: bool = False,
        title: str = "",
        x_title: str = "training step",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, allow_pan_and_zoom=False)
        self.log_y = log_y
        self.chart_title = title
        """The y-axis title, first in the top row."""
        self.x_title = x_title
        self.fixed_y: tuple[float, float] | None = None
        """Limits that never move (accuracy's 0..1), in data units; None: from the data."""
        self.y_includes: float | None = None
        """A value the y axis always shows (0 for an error metric), or None."""
        self.x_span: tuple[float, float] | None = None
        """x limits set by the owner (the steps trained so far); None: the data's."""
        self.integer_x = True
        """x counts something (steps, timesteps): ticks on whole numbers only."""
        self.empty_text = ""
        """Said inside the frame while there is nothing to plot: what will appear here and
        what brings it (an empty box teaches nothing)."""
        self._legend: list[tuple[str, str, str]] = []  # (glyph, colour, label)
        self._frame_labels: list[tuple[float, str, str]] = []  # (x, text, colour)
        self._levels: list[tuple[DataSet, int | None, float]] = []  # hlines: see hline()
        self._dirty = True
        self._resized_to = Size(0, 0)
        self._x_axis = CellAxis(0.0, 1.0, 0)
        self._y_axis = CellAxis(0.0, 1.0, 0)
        self._map_x = self._map_y = (0.0, 1.0)  # (scale, shift): see _fit_mapping

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
        # Thinning, marker spacing and the axes depend on the size: a chart drawn while
        # hidden (zero size, e.g. in a tab not yet shown) must draw again once it has one.
        # Textual also sends Resize when a hidden widget is shown at its old size: a full
        # redraw then (tens of ms per chart) would only slow down switching panels.
        if event.size == self._resized_to:
            return
        self._resized_to = event.size
        self._fit_margins()
        self._dirty = True
        self.call_after_refresh(self.redraw)

    def _configure(self) -> None:
        """Set the margins; subclasses extend it."""
        self.margin_top = 1
        self.margin_left = MARGIN_LEFT
        self._fit_margins()
        self._dirty = True
        self.redraw()

    def _fit_margins(self) -> None:
        self.margin_bottom = 2 if self.size.height >= TALL_ENOUGH else 1

    def mark_dirty(self) -> None:
        """Note that data changed; the next `redraw()` will draw."""
        self._dirty = True

    @property
    def dirty(self) -> bool:
        """Whether data changed since the last draw."""
        return self._dirty

    def set_x_span(self, span: tuple[float, float] | None) -> None:
        """Fix the x limits (e.g. 0 to the newest step, shared by the training charts)."""
        if span != self.x_span:
            self.x_span = span
            self.mark_dirty()

    def redraw(self) -> bool:
        """Draw if data changed since the last draw; returns whether it drew."""
        if not self._dirty or not self.is_mounted:
            return False
        try:
            self.query_one("#legend")
        except NoMatches:
            return False  # children not composed yet, or already removed at shutdown
        # The canvases may have changed size with the margins, which textual-plot only
        # notices on a resize of the whole widget: measure them again on this draw.
        self._needs_canvas_resize = True
        self.clear()
        self._legend = []
        self._frame_labels = []
        self._levels = []
        self._draw()
        self._dirty = False
        return True

    def _draw(self) -> None:
        raise NotImplementedError

    # -- axes fitted to the cells --------------------------------------------------
    def _render_plot(self) -> None:
        # Limits and ticks for the data now held and the size now drawn at, before
        # textual-plot draws (it would otherwise take its limits from the data).
        self._fit_axes()
        self._place_levels()
        super()._render_plot()

    def _fit_axes(self) -> None:
        cells_x, cells_y = self._scale_rectangle.width, self._scale_rectangle.height
        ys = [d.y for d in self._datasets if len(d.y)]
        x_lo, x_hi = self.x_span or self._data_x_range()
        self._x_axis = fit_steps(x_lo, x_hi, cells_x, integer=self.integer_x)
        self._y_axis = self._fit_y(ys, cells_y)
        if not ys:  # nothing to show yet: no made-up numbers (a fixed 0..1 axis is real)
            self._x_axis = CellAxis(self._x_axis.lo, self._x_axis.hi, cells_x)
            if self.fixed_y is None:
                self._y_axis = CellAxis(self._y_axis.lo, self._y_axis.hi, cells_y)
        self._fit_mapping()
        self.set_xlimits(self._x_axis.lo, self._x_axis.hi)
        self.set_ylimits(self._y_axis.lo, self._y_axis.hi)

    def _fit_y(self, ys: list[np.ndarray], cells: int) -> CellAxis:
        min_gap = 2 if cells >= 7 else 1  # a label on every row only when rows are few
        if self.fixed_y is not None:
            lo, hi = (float(v) for v in self._y(np.array(self.fixed_y)))
            return fit_fixed(lo, hi, cells, min_gap)
        values = [float(v) for y in ys for v in (y.min(), y.max())]
        if self.y_includes is not None:
            values.append(float(self._y(np.array([self.y_includes]))[0]))
        finite = [v for v in values if np.isfinite(v)]
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        return (fit_log if self.log_y else fit_linear)(lo, hi, cells, min_gap)

    def _from_top(self, y: float) -> float:
        """Distance of value y (log10 already taken on a log axis) from the top of the
        inside of the frame, in rows. A value exactly between two rows (0.9 between the
        1.0 and 0.8 rows) goes up, so a goal is never drawn on the lower tick's row."""
        return self.get_hires_pixel_from_coordinate(self._x_axis.lo, y)[1] - 1

    def _row(self, y: float) -> int:
        """Canvas row of value y; row 1 is the top row inside the frame."""
        return self.get_pixel_from_coordinate(self._x_axis.lo, y)[1]

    def _fit_mapping(self) -> None:
        # get_hires_pixel_from_coordinate runs once per point (thousands per draw): the
        # axes' offsets as precomputed straight lines, canvas cells from the top left.
        x_scale, x_shift = self._x_axis.affine()
        y_scale, y_shift = self._y_axis.affine()
        self._map_x = (x_scale, 1.0 + x_shift)
        self._map_y = (-y_scale, 1.0 + self._y_axis.cells - y_shift - BOUNDARY_NUDGE)

    def get_pixel_from_coordinate(self, x: float, y: float) -> tuple[int, int]:  # type: ignore[override]
        """The cell a value is drawn in (markers, threshold lines, tick labels): the floor
        of its braille position, kept inside the frame."""
        hx, hy = self.get_hires_pixel_from_coordinate(x, y)
        right, bottom = max(self._x_axis.cells, 1), max(self._y_axis.cells, 1)
        return min(max(floor(hx), 1), right), min(max(floor(hy), 1), bottom)

    def get_hires_pixel_from_coordinate(self, x: float, y: float) -> tuple[float, float]:  # type: ignore[override]
        """Braille lines: `CellAxis.offset` in canvas cells, at sub-cell precision."""
        (x_scale, x_shift), (y_scale, y_shift) = self._map_x, self._map_y
        return x_shift + x_scale * x, y_shift + y_scale * y

    def _render_y_ticks(self) -> None:
        # Replaces textual-plot's (private API, pinned at 0.10.1): it placed labels with
        # another rounding than the data and moved the lowest onto the frame.
        canvas = self.query_one("#plot", Canvas)
        margin = self.query_one("#margin-left", Canvas)
        margin.reset()
        axis_style = str(self.get_component_rich_style("plot--axis"))
        tick_style = self.get_component_rich_style("plot--tick")
        right = self._scale_rectangle.right
        for tick, label in zip(self._y_axis.ticks, self._y_axis.labels, strict=True):
            row = self._row(tick)
            for x, quad in ((0, (0, 0, 0, 2)), (right, (0, 2, 0, 0))):
                glyph = self.combine_quad_with_pixel(quad, canvas, x, row)
                canvas.set_pixel(x, row, glyph, style=axis_style)
            margin.write_text(self.margin_left - 2, row, f"[{tick_style}]{label}", TextAlign.RIGHT)

    def _render_x_ticks(self) -> None:
        # Replaces textual-plot's: labels centred on their cell, none over another or
        # over the x-axis title when that shares the row.
        canvas = self.query_one("#plot", Canvas)
        margin = self.query_one("#margin-bottom", Canvas)
        margin.reset()
        axis_style = str(self.get_component_rich_style("plot--axis"))
        tick_style = self.get_component_rich_style("plot--tick")
        bottom = self._scale_rectangle.bottom
        width = self.size.width
        limit = width - len(self.x_title) - 1 if self.margin_bottom < 2 else width
        free_from = 0  # first column not yet taken by a label
        for tick, label in zip(self._x_axis.ticks, self._x_axis.labels, strict=True):
            column = 1 + self._x_axis.cell(tick)
            for y, quad in ((0, (2, 0, 0, 0)), (bottom, (0, 0, 2, 0))):
                glyph = self.combine_quad_with_pixel(quad, canvas, column, y)
                canvas.set_pixel(column, y, glyph, style=axis_style)
            start = self.margin_left + column - (len(label) - 1) // 2
            start = min(start, width - len(label))
            if start >= free_from and start + len(label) <= limit:
                margin.write_text(start, 0, f"[{tick_style}]{label}", TextAlign.LEFT)
                free_from = start + len(label) + 1

    def _render_x_label(self) -> None:
        self._render_frame_labels()
        self._render_empty_text()
        if not self.x_title:
            return
        margin = self.query_one("#margin-bottom", Canvas)
        style = self.get_component_rich_style("plot--label")
        title = f"[{style}]{escape(self.x_title)}"
        if self.margin_bottom < 2:
            margin.write_text(self.size.width - 1, 0, title, TextAlign.RIGHT)
        else:
            centre = self.margin_left + (self.size.width - self.margin_left) // 2
            margin.write_text(centre, 1, title, TextAlign.CENTER)

    def _render_empty_text(self) -> None:
        lines = self.empty_lines
        if not lines:
            return
        inside = self._scale_rectangle  # the cells within the frame
        canvas = self.query_one("#plot", Canvas)
        style = self.get_component_rich_style("plot--tick")
        top = inside.y + max(inside.height - len(lines), 0) // 2
        for row, line in enumerate(lines, start=top):
            left = inside.x + (inside.width - len(line)) // 2  # centred
            canvas.write_text(left, row, f"[{style}]{escape(line)}", TextAlign.LEFT)

    @property
    def empty_lines(self) -> list[str]:
        """``empty_text`` as drawn (wrapped to the frame), or [] when there is data (a goal
        or clipping line alone is not data) or when the frame is too small for all of it."""
        levels = {id(dataset) for dataset, _, _ in self._levels}
        if not self.empty_text or any(
            len(d.x) and id(d) not in levels for d in self._datasets
        ):
            return []
        inside = self._scale_rectangle  # the cells within the frame
        lines = textwrap.wrap(self.empty_text, inside.width - 2) if inside.width > 10 else []
        # Whole or not at all: a sentence cut off at the frame would say something else.
        return lines if len(lines) <= inside.height else []

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

    def _data_x_range(self) -> tuple[float, float]:
        xs = [d.x for d in self._datasets if len(d.x)]
        if not xs:
            return 0.0, 1.0
        return min(float(x.min()) for x in xs), max(float(x.max()) for x in xs)

    def markers(
        self, x: np.ndarray, y: np.ndarray, marker: str, colour: str, label: str | None
    ) -> None:
        """One character per point (readable without colour); y in data units."""
        if len(x) == 0:
            return
        self.scatter(np.asarray(x, float), self._y(y), marker=marker, marker_style=colour)
        self.add_legend(marker, colour, label)

    def hline(self, y: float, x_range: tuple[float, float], colour: str, label: str | None) -> None:
        """A horizontal line (e.g. max_norm, a goal) over `x_range` (over `x_span` if set)
        at its value's height within a row (see LEVEL_GLYPHS); draw it before the data so
        a curve running along it stays visible."""
        lo, hi = self.x_span or x_range
        x = np.linspace(lo, hi, self.plot_width)
        value = float(self._y(np.array([y]))[0])
        self.scatter(x, np.full_like(x, value), marker="╌", marker_style=colour)
        legend_index = len(self._legend) if label is not None else None
        self.add_legend("╌╌", colour, label)
        # The glyph depends on the axis, fitted when drawn (see _place_levels).
        self._levels.append((self._datasets[-1], legend_index, value))

    def _place_levels(self) -> None:
        for dataset, legend_index, value in self._levels:
            glyph = self._level_glyph(value)
            dataset.marker = glyph  # type: ignore[attr-defined]
            if legend_index is not None:
                _, colour, label = self._legend[legend_index]
                self._legend[legend_index] = (glyph * 2, colour, label)

    def _level_glyph(self, value: float) -> str:
        from_top = self._from_top(value)
        third = int((from_top - floor(from_top)) * 3)
        return LEVEL_GLYPHS[min(max(third, 0), 2)]

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

    def add_frame_label(self, x: float, text: str, colour: str) -> None:
        """Text on the top of the frame from x on (call from `_draw`), e.g. the name of
        the part of the time axis that starts there."""
        self._frame_labels.append((x, text, colour))

    def _render_frame_labels(self) -> None:
        if not self._frame_labels:
            return
        canvas = self.query_one("#plot", Canvas)
        starts = [1 + self._x_axis.cell(x) for x, _, _ in self._frame_labels]
        ends = [*starts[1:], self._scale_rectangle.right]
        for start, end, (_, text, colour) in zip(starts, ends, self._frame_labels, strict=True):
            room = end - start - 1  # keep the corner or divider at `end`
            if room > 0:
                canvas.write_text(start, 0, f"[{colour}]{escape(text[:room])}", TextAlign.LEFT)

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
        """Join with two spaces, or one when narrow; the y-axis title always comes
        first, and what does not fit is cropped at the right edge."""
        width = self.size.width
        separator = "  " if len("  ".join(plain)) <= width else " "
        return separator.join(styled)

    def _render_y_label(self) -> None:
        # Replaces textual-plot's centred y label (private API, pinned at 0.10.1): the
        # top row becomes the y-axis title followed by the legend. The row is cleared
        # first: textual-plot never resets this canvas, so a shorter legend left the
        # end of the old one ("goal 0.95" after the goal became 0.9).
        margin = self.query_one("#margin-top", Canvas)
        margin.reset()
        text = self._fit_legend(self._legend_parts(False), self._legend_parts(True))
        if text:
            margin.write_text(0, 0, text, TextAlign.LEFT)
