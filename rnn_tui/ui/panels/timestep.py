"""Timestep panel: one sample unrolled in time; the cursor's step shown as vectors, gates and equations."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Static

from rnn_tui.ui.panels.first_look import scenario_about
from rnn_tui.ui.panels.step_rows import (
    ROW_HINTS,
    bar_rows,
    equation_summary,
    fit,
    gradient_norm,
    heatmap_rows,
    row_kind,
    row_label,
    row_scale,
    row_values,
    source_text,
    strip_rows,
    true_label,
)
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.widgets import EquationView, HiddenHeatmap, ImageView, SequenceStrip, VectorBars
from rnn_tui.ui.widgets.palette import is_dark, scale_legend
from rnn_tui.ui.widgets.unrolled import UnrolledNetwork

EQUATION_WIDTH = 41  # the LSTM's compact gate equations, beside the bars on narrow screens
PLOT_ROWS_WIDE = 2  # lines per series in the strip when the screen is wide (line plots)
MIN_DIAGRAM_WIDTH = 44  # beside the equations, room for about five steps of the network


class TimestepPanel(Vertical):
    """A trace of one sample: sequence strip, the network unrolled around the cursor, the
    step at the cursor, and one row (h, c or a gate) of every unit over time.

    The cursor is one index over every part laid end to end (encoder steps, then
    decoder steps), so left/right walks the whole unrolled network.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.trace: Any = None
        self.sample = 0
        self.weights_step: int | None = None
        self.source = "held-out"
        self.flat = 0  # cursor over all parts' steps
        self.rnn_layer = 0
        self.heatmap_row = "h"  # which row the heatmap shows: h, c or a gate's name
        self.image: np.ndarray | None = None
        self._scenario_name: str | None = None  # of the last trace: a new one resets the cursor

    def compose(self) -> ComposeResult:
        yield TextLine("Timestep view: loading the model…", id="ts-title", classes="panel-title")
        yield Static("", id="ts-source")
        with Horizontal(id="ts-sample"):
            yield ImageView(id="ts-image")
            yield SequenceStrip(id="ts-strip")
        yield TextLine("", id="ts-info")
        with Horizontal(id="ts-step"):
            yield VectorBars(id="ts-bars")
            with Container(id="ts-side"):
                yield EquationView(id="ts-equation")
                yield UnrolledNetwork(id="ts-unrolled")
        yield TextLine("", id="ts-heat-title")
        yield HiddenHeatmap(id="ts-heatmap")
        # Until the first trace (torch loading, a model being built): what the scenario is.
        yield Static("", id="ts-about")

    def on_mount(self) -> None:
        # Looked up once: a query walks the DOM, and the cursor moves many times a second.
        self.image_view = self.query_one("#ts-image", ImageView)
        self.strip = self.query_one("#ts-strip", SequenceStrip)
        self.bars = self.query_one("#ts-bars", VectorBars)
        self.equation = self.query_one("#ts-equation", EquationView)
        self.unrolled = self.query_one("#ts-unrolled", UnrolledNetwork)
        self.heatmap = self.query_one("#ts-heatmap", HiddenHeatmap)
        self.title_line = self.query_one("#ts-title", TextLine)
        self.source_line = self.query_one("#ts-source", Static)
        self.info_line = self.query_one("#ts-info", TextLine)
        self.heat_title = self.query_one("#ts-heat-title", TextLine)
        self.about = self.query_one("#ts-about", Static)
        self.sample_row = self.query_one("#ts-sample", Horizontal)
        self.about.display = False  # until show_scenario (next) finds there is no trace
        self.image_view.display = False
        self.source_line.display = False
        self._strip_part: tuple[int, int] | None = None  # (id of trace, part) the strip shows
        self.show_scenario(getattr(self.screen, "scenario", None))

    # -- data in --------------------------------------------------------------------
    def show_scenario(self, scenario: Any) -> None:
        """Before a trace: the unrolled picture of ``scenario``'s network, with symbols."""
        if scenario is not None:
            self.unrolled.show_scenario(scenario)
            self.equation.cell = scenario.model.cell
            self.about.update(scenario_about(scenario))
        self._show_about(self.trace is None)

    def _show_about(self, shown: bool) -> None:
        """Without a trace, as the first screen (FirstLook): the network unrolled, then the
        scenario's description where the sample, the step and the heatmap will be."""
        if self.about.display == shown:
            return
        self.about.display = shown
        for part in (self.sample_row, self.info_line, self.bars, self.equation):
            part.display = not shown
        self.heat_title.display = self.heatmap.display = not shown
        if shown:
            self.source_line.display = False  # shown again with the next trace's source

    def set_trace(
        self,
        trace: Any,
        sample: int,
        step: int | None,
        source: str = "held-out",
        image: np.ndarray | None = None,
        keep_cursor: bool = True,
    ) -> None:
        """Show ``trace``; the cursor stays where it was if the shape allows, and goes to
        the first step for a trace of another scenario."""
        if trace.scenario != self._scenario_name:
            keep_cursor = False
            self._scenario_name = trace.scenario
        same_shape = self.trace is not None and self._lengths(self.trace) == self._lengths(trace)
        self.trace, self.sample, self.weights_step, self.source = trace, sample, step, source
        self.rnn_layer = min(self.rnn_layer, trace.num_layers - 1)
        if self.heatmap_row not in heatmap_rows(trace.cell):
            self.heatmap_row = "h"
        if not (keep_cursor and same_shape):
            self.flat = min(self.flat, self.total_steps - 1) if keep_cursor else 0
        self.image = image
        self.image_view.display = image is not None
        if image is not None:
            self.image_view.set_image(image)
        self._show_about(False)
        self.equation.nonlinearity = trace.nonlinearity or "tanh"
        self.equation.cell = trace.cell
        self._arrange_side()
        self._show_source()
        self.unrolled.show_trace(trace, self.flat, "picture" if image is not None else "x")
        self._show_heatmap()
        self._show_step()

    def clear(self, message: str) -> None:
        self.trace = None
        self._strip_part = None
        self.title_line.set(message)
        self.show_scenario(getattr(self.screen, "scenario", None))

    @staticmethod
    def _lengths(trace: Any) -> list[int]:
        return [part.seq_len for part in trace.parts]

    @property
    def total_steps(self) -> int:
        return sum(self._lengths(self.trace)) if self.trace is not None else 0

    @property
    def position(self) -> tuple[int, int]:
        """(part index, t) of the cursor."""
        t = self.flat
        for index, length in enumerate(self._lengths(self.trace)):
            if t < length:
                return index, t
            t -= length
        return len(self.trace.parts) - 1, self.trace.parts[-1].seq_len - 1

    # -- keys -----------------------------------------------------------------------
    def move(self, delta: int) -> None:
        if self.trace is None:
            return
        self.flat = min(max(self.flat + delta, 0), self.total_steps - 1)
        self._show_step()

    def jump(self, end: bool) -> None:
        if self.trace is None:
            return
        self.flat = self.total_steps - 1 if end else 0
        self._show_step()

    def cycle_layer(self) -> None:
        if self.trace is None:
            return
        self.rnn_layer = (self.rnn_layer + 1) % self.trace.num_layers
        self._show_heatmap()
        self._show_step()

    def cycle_heatmap_row(self) -> None:
        """The heatmap's next row: h, then c (LSTM), then each gate, then h again."""
        if self.trace is None:
            return
        rows = heatmap_rows(self.trace.cell)
        self.heatmap_row = rows[(rows.index(self.heatmap_row) + 1) % len(rows)]
        self._show_heatmap()

    # -- drawing --------------------------------------------------------------------
    def _show_source(self) -> None:
        short = not self.screen.has_class("-wide")
        text = None if self.source == "typed" else source_text(self.trace, short)
        self.source_line.display = text is not None
        if text is not None:
            self.source_line.update(text)

    def _show_heatmap(self) -> None:
        trace, layer, symbol = self.trace, self.rnn_layer, self.heatmap_row
        arrays = [row_values(part, symbol, layer) for part in trace.parts]
        kind = row_kind(symbol, trace.nonlinearity)
        self.heatmap.scale = row_scale(arrays, kind)
        # One part: the gutter names the row; more: each band names its part.
        names = [part.name for part in trace.parts] if len(trace.parts) > 1 else [f"{symbol}_t"]
        self.heatmap.set_parts(list(zip(names, arrays, strict=True)))
        self._show_heat_title()

    def _show_heat_title(self) -> None:
        """Which row, what its colours mean, what to look for, and the key for the next row:
        the richest version that fits the width."""
        trace, symbol = self.trace, self.heatmap_row
        kind = row_kind(symbol, trace.nonlinearity)
        layer = f", layer {self.rnn_layer + 1}" if trace.num_layers > 1 else ""
        legend = scale_legend(kind, self.heatmap.scale, is_dark(self.app), self.heatmap.use_glyphs)
        width = max(self.content_size.width, 40) - len(legend) - 3
        long_name, short_name = f"{symbol}_t {row_label(symbol)}{layer}", f"{symbol}_t{layer}"
        hint, key, short_key = ROW_HINTS[symbol], "v: next row", "v: row"
        for name, after in (
            (long_name, ["units ↓ time →", hint, key]),
            (long_name, [hint, key]),
            (short_name, [hint, key]),
            (short_name, [hint, short_key]),
            (short_name, [hint]),
            (long_name, [key]),
            (short_name, []),
        ):
            tail = " · ".join(after)
            if len(name) + len(tail) + 3 <= width or not after:
                break
        text = Text(name, style="bold").append(" · ").append_text(legend)
        self.heat_title.set(text.append(f" · {tail}" if tail else "", style="dim"))

    def _show_step(self) -> None:
        trace = self.trace
        part_index, t = self.position
        part = trace.parts[part_index]
        layer = self.rnn_layer
        heatmap = self.heatmap
        if heatmap.cursor[0] != part_index:
            self._scroll_to_part(heatmap, part_index)
        heatmap.cursor = (part_index, t)
        if self._strip_part != (id(trace), part_index):
            # New rows only when the part or the trace changes: set_rows re-lays out.
            self._strip_part = (id(trace), part_index)
            rows, compare = strip_rows(trace, part, typed=self.source == "typed")
            self.strip.set_rows(rows)
            self.strip.compare = compare
        self.strip.cursor = t
        self.unrolled.cursor = self.flat
        self.bars.set_rows(bar_rows(trace, part, t, layer))
        self._size_bars()
        self.equation.set_summary(equation_summary(trace, part, t, layer))
        self.title_line.set(self._title())
        self.info_line.set(self._info(part, t))

    def _scroll_to_part(self, heatmap: HiddenHeatmap, part_index: int) -> None:
        """Bring the band of the cursor's part (e.g. the decoder) into view."""
        per_line = 1 if heatmap.use_glyphs else 2
        units = self.trace.hidden_size
        line = part_index * (1 + -(-units // per_line))  # each band: a header, then its units
        heatmap.scroll_to(y=line, animate=False)

    def on_resize(self) -> None:
        wide = self.screen.has_class("-wide")
        self.strip.plot_rows = PLOT_ROWS_WIDE if wide else 1
        # Narrow: beside the bars, under the equations, as tall as the bars allow.
        self.unrolled.compact = not wide
        self.image_view.downsample = 1 if wide else 2
        self._arrange_side()
        if self.trace is not None:
            self._show_source()
            self._size_bars()
            self._show_heat_title()
            part_index, t = self.position
            self.info_line.set(self._info(self.trace.parts[part_index], t))

    def _arrange_side(self) -> None:
        """Wide: the unrolled network beside the equations if that leaves it room for a
        few steps, else under them (the GRU's equations are long)."""
        side = self.query_one("#ts-side")
        room = self.content_size.width - self.equation.get_content_width(self.size, self.size)
        stacked = self.screen.has_class("-wide") and room - 2 < MIN_DIAGRAM_WIDTH
        if side.has_class("-stacked") != stacked:
            side.set_class(stacked, "-stacked")

    def _size_bars(self) -> None:
        """Beside the equations (narrow screens), the bars take just the width their units need."""
        bars = self.bars
        if not self.screen.has_class("-narrow") or not bars.rows:
            if bars.styles.width is None or str(bars.styles.width) != "1fr":
                bars.styles.width = "1fr"
            return
        units = max(row.values.size for row in bars.rows)
        label = max(len(row.label) for row in bars.rows) + 1
        needed = label + -(-units // (1 if bars.use_glyphs else 2)) + 1
        available = self.content_size.width
        width = min(needed, max(available - EQUATION_WIDTH, available // 3))
        if bars.styles.width is None or bars.styles.width.value != width:
            bars.styles.width = width  # a layout pass, so only when it changes

    def _title(self) -> str:
        trace = self.trace
        weights = (
            "initial weights" if not self.weights_step else f"weights at step {self.weights_step}"
        )
        which = "your input" if self.source == "typed" else f"held-out sample {self.sample + 1}"
        truth = None if self.source == "typed" else true_label(trace)
        verdict = f"says {trace.prediction_text} (true: {truth})" if truth else ""
        return fit(
            [f"Timestep view · {which}", verdict, weights, f"loss {trace.loss:.3g}"],
            max(self.content_size.width, 40),
        )

    def _info(self, part: Any, t: int) -> str:
        trace = self.trace
        layers = f" · layer {self.rnn_layer + 1}/{trace.num_layers}" if trace.num_layers > 1 else ""
        where = f"{part.name} " if len(trace.parts) > 1 else ""
        output = part.outputs[t]
        said = f" → {output}" if output else ""
        truth = None if self.source == "typed" else true_label(trace)
        grad = gradient_norm(part, t, self.rnn_layer)
        return fit(
            [
                f"{where}t={t + 1}/{part.seq_len}{layers} · reads {part.labels[t]!r}{said}",
                f"true label {truth}" if truth else "",
                f"‖∂L/∂h_t‖ {grad:.2e}",
                "(bars ÷ max over t)",
            ],
            max(self.content_size.width, 40),
        )
