"""Timestep panel: one sample unrolled in time; the cursor's step shown as vectors, gates and equations."""

from __future__ import annotations

from typing import Any

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from rnn_tui.ui.panels.step_rows import bar_rows, equation_summary, gradient_norm, strip_rows
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.widgets import EquationView, HiddenHeatmap, ImageView, SequenceStrip, VectorBars

EQUATION_WIDTH = 41  # the LSTM's compact gate equations, beside the bars on narrow screens


class TimestepPanel(Vertical):
    """A trace of one sample: sequence strip, the step at the cursor, and all hidden units over time.

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
        self.image: np.ndarray | None = None

    def compose(self) -> ComposeResult:
        yield TextLine("Timestep view: loading the model…", id="ts-title", classes="panel-title")
        with Horizontal(id="ts-sample"):
            yield ImageView(id="ts-image")
            yield SequenceStrip(id="ts-strip")
        yield TextLine("", id="ts-info")
        with Horizontal(id="ts-step"):
            yield VectorBars(id="ts-bars")
            yield EquationView(id="ts-equation")
        yield HiddenHeatmap(id="ts-heatmap")

    def on_mount(self) -> None:
        # Looked up once: a query walks the DOM, and the cursor moves many times a second.
        self.image_view = self.query_one("#ts-image", ImageView)
        self.strip = self.query_one("#ts-strip", SequenceStrip)
        self.bars = self.query_one("#ts-bars", VectorBars)
        self.equation = self.query_one("#ts-equation", EquationView)
        self.heatmap = self.query_one("#ts-heatmap", HiddenHeatmap)
        self.title_line = self.query_one("#ts-title", TextLine)
        self.info_line = self.query_one("#ts-info", TextLine)
        self.image_view.display = False
        self._strip_part: tuple[int, int] | None = None  # (id of trace, part) the strip shows

    # -- data in --------------------------------------------------------------------
    def set_trace(
        self,
        trace: Any,
        sample: int,
        step: int | None,
        source: str = "held-out",
        image: np.ndarray | None = None,
        keep_cursor: bool = True,
    ) -> None:
        """Show ``trace``; the cursor stays where it was if the shape allows."""
        same_shape = self.trace is not None and self._lengths(self.trace) == self._lengths(trace)
        self.trace, self.sample, self.weights_step, self.source = trace, sample, step, source
        self.rnn_layer = min(self.rnn_layer, trace.num_layers - 1)
        if not (keep_cursor and same_shape):
            self.flat = min(self.flat, self.total_steps - 1) if keep_cursor else 0
        self.image_view.display = image is not None
        if image is not None:
            self.image_view.set_image(image)
        self.equation.nonlinearity = trace.nonlinearity or "tanh"
        self.equation.cell = trace.cell
        self._show_heatmap()
        self._show_step()

    def clear(self, message: str) -> None:
        self.trace = None
        self.title_line.set(message)

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

    # -- cursor ---------------------------------------------------------------------
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

    # -- drawing --------------------------------------------------------------------
    def _show_heatmap(self) -> None:
        trace, layer = self.trace, self.rnn_layer
        suffix = f" L{layer + 1}" if trace.num_layers > 1 else ""
        self.heatmap.set_parts(
            [(part.name + suffix, part.h[:, layer, :].T) for part in trace.parts]
        )

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
        if self.trace is not None:
            self._size_bars()

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
        return f"Timestep view · {which} · {weights} · loss {trace.loss:.3g}"

    def _info(self, part: Any, t: int) -> str:
        trace = self.trace
        layers = f" · layer {self.rnn_layer + 1}/{trace.num_layers}" if trace.num_layers > 1 else ""
        where = f"{part.name} " if len(trace.parts) > 1 else ""
        output = part.outputs[t]
        said = f" → {output}" if output else ""
        grad = gradient_norm(part, t, self.rnn_layer)
        return (
            f"{where}t={t + 1}/{part.seq_len}{layers} · reads {part.labels[t]!r}{said}"
            f" · ‖∂L/∂h_t‖ {grad:.2e} (bars ÷ max over t)"
        )
