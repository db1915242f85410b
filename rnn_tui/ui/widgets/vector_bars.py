"""VectorBars: labelled vectors (h_{t-1}, gates, c_t, h_t) as rows of coloured unit blocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from rnn_tui.ui.widgets.heatmap_lines import glyph_segments, half_block_segments
from rnn_tui.ui.widgets.palette import cell_style, is_dark, quantize, scale_legend, wants_glyphs

KINDS = ("signed", "gate", "state")
SUMMARY_WIDTH = 19


@dataclass(frozen=True)
class BarRow:
    """One vector to draw: `kind` is "signed" (in [-1, 1]: h, g, n), "gate" (in [0, 1]:
    i, f, o, r, z) or "state" (unbounded, e.g. the LSTM cell c: coloured relative to
    max(1, max |c|))."""

    label: str
    values: np.ndarray
    kind: str = "signed"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def scale(self) -> float:
        """Value drawn at full colour."""
        if self.kind != "state":
            return 1.0
        finite = np.abs(self.values[np.isfinite(self.values)])
        return max(1.0, float(finite.max())) if finite.size else 1.0


def summarize(row: BarRow) -> str:
    """mean, min and max in a fixed width (gates unsigned since they live in [0, 1])."""
    values = np.asarray(row.values, dtype=np.float64)
    if values.size == 0:
        return ""
    if not np.all(np.isfinite(values)):
        return "non-finite".rjust(SUMMARY_WIDTH - 1)
    fmt = "{:5.2f}" if row.kind == "gate" else "{:+5.2f}"
    numbers = (values.mean(), values.min(), values.max())
    return " ".join(fmt.format(v).rjust(5) for v in numbers)


class VectorBars(Widget):
    """Rows of unit blocks, one row per vector, aligned so unit k sits in the same column.

    Units get two cells each when the width allows, else one; past that, colour mode
    packs two units per cell ("▌": left unit as foreground, right unit as background).
    Glyph mode (NO_COLOR, 16 colours) draws sign/magnitude glyphs instead of colours.
    Units beyond the width are cut: the header says which are shown ("units 0-26 of 64"),
    a row that goes on ends in "…". Rows end with mean, min, max.
    The last line is the colour scale: -1 to +1 for every row, except the "state" rows
    scaled to their own largest value, whose range it names ("c_t ±2.3").
    """

    DEFAULT_CSS = """
    VectorBars { height: auto; }
    VectorBars > .vector-bars--label { color: $text; }
    VectorBars > .vector-bars--highlight { color: $accent; text-style: bold reverse; }
    VectorBars > .vector-bars--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"vector-bars--label", "vector-bars--highlight", "vector-bars--muted"}

    highlight: reactive[str | None] = reactive(None)
    """Label of the row to emphasise (e.g. the gate selected in the EquationView)."""
    glyphs: reactive[bool | None] = reactive(None)
    """Draw glyphs instead of colours: None decides from the terminal."""
    show_summary: reactive[bool] = reactive(True)
    """Show mean/min/max at the end of each row (dropped anyway when very narrow)."""
    show_legend: reactive[bool] = reactive(True, layout=True)
    """End with a line giving the colour scale."""

    def __init__(
        self,
        rows: Sequence[BarRow] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[BarRow] = list(rows)

    def set_rows(self, rows: Sequence[BarRow | tuple]) -> None:
        """Replace the vectors: BarRow or (label, values[, kind]) tuples, drawn top to bottom."""
        count = len(self._rows)
        self._rows = [row if isinstance(row, BarRow) else BarRow(*row) for row in rows]
        self._rows = [
            BarRow(r.label, np.ravel(np.asarray(r.values, float)), r.kind) for r in self._rows
        ]
        # A layout pass reflows the whole screen (~tens of ms); the height changes only
        # with the number of rows, and the timestep view calls this on every key press.
        self.refresh(layout=len(self._rows) != count)

    @property
    def rows(self) -> list[BarRow]:
        """The rows currently drawn."""
        return list(self._rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._rows:
            return 1
        return len(self._rows) + (2 if self.show_legend else 1)

    @property
    def use_glyphs(self) -> bool:
        """Whether units are drawn as glyphs, one per cell."""
        return wants_glyphs(self.app) if self.glyphs is None else bool(self.glyphs)

    def packing(self, width: int) -> tuple[int, int]:
        """(cells per unit, units per cell) for the widest row: 2 cells a unit when room
        allows, else 1, else (colour only) 2 units a cell with "▌"."""
        units = max((r.values.size for r in self._rows), default=0)
        label_width, avail, _ = self._layout(width)
        if units * 2 <= avail:
            return 2, 1
        if units <= avail or self.use_glyphs:
            return 1, 1
        return 1, 2

    def _layout(self, width: int) -> tuple[int, int, int]:
        """(label width, cells for the blocks, summary width) for this widget width."""
        label_width = max((len(r.label) for r in self._rows), default=1) + 1
        summary = SUMMARY_WIDTH if self.show_summary and width - label_width >= 40 else 0
        return label_width, max(width - label_width - summary - 1, 0), summary

    def _blocks_width(self, width: int) -> int:
        """Cells the widest row's blocks take (the summary column starts after them)."""
        units = max((r.values.size for r in self._rows), default=0)
        cells_per_unit, units_per_cell = self.packing(width)
        return min(-(-units * cells_per_unit // units_per_cell), self._layout(width)[1])

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == len(self._rows) + 1 and self.show_legend and self._rows:
            return self._legend(width)
        if y > len(self._rows) or width <= 0:
            return Strip.blank(width, base)
        label_width, _, summary_width = self._layout(width)
        blocks_width = self._blocks_width(width)
        if y == 0:
            return self._header(label_width, blocks_width, summary_width, width)
        row = self._rows[y - 1]
        label_style = self.get_component_rich_style(
            "vector-bars--highlight" if row.label == self.highlight else "vector-bars--label"
        )
        segments = [Segment(row.label.ljust(label_width - 1), label_style), Segment(" ", base)]
        segments += self._blocks(row, blocks_width, base, self.packing(width))
        if summary_width:
            muted = self.get_component_rich_style("vector-bars--muted")
            segments.append(Segment(" " + summarize(row).rjust(summary_width - 1), muted))
        return Strip(segments).adjust_cell_length(width, base)

    def _blocks(
        self, row: BarRow, width: int, base: Style, packing: tuple[int, int]
    ) -> list[Segment]:
        cells_per_unit, units_per_cell = packing
        units = row.values.size
        shown = self._shown(units, width, packing)
        # Units that do not fit are cut; the header says which are shown ("units 0-26 of
        # 64"). A count here ("+37") read as a value.
        more = " …" if shown < units else ""
        levels = quantize(row.values[:shown], row.scale).repeat(cells_per_unit)
        if self.use_glyphs:
            segments = glyph_segments(levels, None, base)
        elif units_per_cell == 1:
            segments = self._cell_segments(levels, base)
        else:
            left, right = levels[0::2], levels[1::2]
            right = np.concatenate((right, [-1])) if right.size < left.size else right
            segments = half_block_segments(left, right, is_dark(self.app), base, char="▌")
        muted = self.get_component_rich_style("vector-bars--muted")
        used = -(-shown * cells_per_unit // units_per_cell)
        return segments + [Segment(more.ljust(max(width - used, 0)), muted)]

    @staticmethod
    def _shown(units: int, width: int, packing: tuple[int, int]) -> int:
        """How many of ``units`` fit in ``width`` cells (leaving room for " …" if not all)."""
        cells_per_unit, units_per_cell = packing
        if units * cells_per_unit <= width * units_per_cell:
            return units
        return max((width - len(" …")) * units_per_cell // cells_per_unit, 0)

    def _cell_segments(self, levels: np.ndarray, base: Style) -> list[Segment]:
        """Background-coloured blanks, one segment per run of equal levels."""
        dark = is_dark(self.app)
        runs = np.split(levels, np.flatnonzero(np.diff(levels)) + 1) if levels.size else []
        return [Segment(" " * len(run), base + cell_style(int(run[0]), dark)) for run in runs]

    def _header(self, label_width: int, blocks_width: int, summary_width: int, width: int) -> Strip:
        muted = self.get_component_rich_style("vector-bars--muted")
        units = max((r.values.size for r in self._rows), default=0)
        shown = self._shown(units, blocks_width, self.packing(width))
        cut = f" of {units}" if shown < units else ""
        text = " " * label_width + f"units 0-{max(shown - 1, 0)}{cut}"
        text = text[: label_width + blocks_width].ljust(label_width + blocks_width)
        if summary_width:
            text += "mean   min   max".rjust(summary_width)
        return Strip([Segment(text, muted)]).adjust_cell_length(width, self.rich_style)

    def legend_text(self, width: int) -> Text:
        """The colour scale, and the range of each row not drawn on -1..+1, as fits ``width``."""
        ramp = scale_legend("signed", 1.0, is_dark(self.app), self.use_glyphs)
        ramp = Text("colour ").append_text(ramp) if len(ramp) + 7 <= width else ramp
        own = [row for row in self._rows if row.kind == "state" and row.scale != 1.0]
        notes = [
            "  " + ", ".join(f"{row.label} ±{row.scale:.2g}" for row in own),
            "  " + ", ".join(row.label for row in own) + ": ± own max",
            "  others ± own max",
        ]
        for note in notes if own else []:
            if len(ramp) + len(note) <= width:
                return ramp.append(note, self.get_component_rich_style("vector-bars--muted"))
        return ramp

    def _legend(self, width: int) -> Strip:
        label_width = self._layout(width)[0]
        text = Text(" " * label_width).append_text(self.legend_text(width - label_width))
        strip = Strip(list(text.render(self.app.console))).apply_style(self.rich_style)
        return strip.crop(0, width).adjust_cell_length(width, self.rich_style)
