"""HiddenHeatmap: every hidden unit (rows) over every timestep (columns), part by part."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rnn_tui.ui.widgets.heatmap_lines import glyph_segments, half_block_segments, ruler_text
from rnn_tui.ui.widgets.palette import GLYPH_LEGEND, is_dark, quantize, wants_glyphs

MAX_CELLS_PER_STEP = 3


class _Frame(NamedTuple):
    """What every line of one frame shares: sizes, mode and resolved styles."""

    width: int
    cells: int
    cells_per_step: int
    glyphs: bool
    dark: bool
    base: Style
    label: Style
    ruler: Style
    cursor: Style


class _Line(NamedTuple):
    kind: str  # "header" | "units" | "legend"
    part: int
    row: int  # first unit of the line


class HiddenHeatmap(ScrollView, can_focus=False):
    """Hidden states as a diverging heatmap: blue negative, neutral zero, red positive.

    Each part (e.g. "encoder", "decoder") gets a header line with its name and a time
    ruler where "▼" marks the cursor, then its units: two per line with the half block
    in colour, one per line as glyphs when colour cannot carry the values (NO_COLOR,
    16-colour terminals). Scrolls vertically when units do not fit, and horizontally so
    the cursor's column stays visible.
    """

    DEFAULT_CSS = """
    HiddenHeatmap {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    HiddenHeatmap > .heatmap--label { text-style: bold; color: $text; }
    HiddenHeatmap > .heatmap--ruler { color: $text-muted; }
    HiddenHeatmap > .heatmap--cursor { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {"heatmap--label", "heatmap--ruler", "heatmap--cursor"}

    cursor: reactive[tuple[int, int]] = reactive((0, 0))
    """(part index, timestep) of the cursor; clamped to the parts' shapes."""
    glyphs: reactive[bool | None] = reactive(None)
    """Draw glyphs instead of colours: None decides from the terminal (NO_COLOR, 16 colours)."""
    scale: reactive[float] = reactive(1.0)
    """Value drawn at full colour; values beyond are clamped (tanh states live in [-1, 1])."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._names: list[str] = []
        self._values: list[np.ndarray] = []
        self._levels: list[np.ndarray] = []
        self._lines: list[_Line] = []
        self._cache: dict[int, Strip] = {}
        self._frame: _Frame | None = None
        self._offsets: list[int] = []

    # -- data in -----------------------------------------------------------------
    def set_parts(self, parts: Sequence[tuple[str, np.ndarray]]) -> None:
        """Replace the data: a list of (name, array of shape (units, T)), drawn top to bottom."""
        self._names = [str(name) for name, _ in parts]
        self._values = [np.atleast_2d(np.asarray(values, dtype=np.float64)) for _, values in parts]
        self._requantize()
        self.cursor = self._clamp(self.cursor)
        self._relayout()

    @property
    def part_lengths(self) -> list[int]:
        """Number of timesteps T of each part, in order."""
        return [values.shape[1] for values in self._values]

    def _requantize(self) -> None:
        self._levels = [quantize(values, self.scale) for values in self._values]
        self._invalidate()

    def _clamp(self, cursor: tuple[int, int]) -> tuple[int, int]:
        part, t = cursor
        if not self._values:
            return (part, t)
        part = min(max(part, 0), len(self._values) - 1)
        return (part, min(max(t, 0), max(self._values[part].shape[1] - 1, 0)))

    def validate_cursor(self, cursor: tuple[int, int]) -> tuple[int, int]:
        return self._clamp((cursor[0], cursor[1]))

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        self._forget_cursor_lines(old[0], new[0])
        self._keep_cursor_visible()  # forgets every line if a part scrolls sideways
        if old[0] != new[0]:
            self._show_part_header(new[0])

    def _forget_cursor_lines(self, *parts: int) -> None:
        """Drop the cached lines that show the cursor: the rulers (its ▼) and, with glyphs,
        the unit lines of the parts it left and entered (its reverse-video column).

        Rebuilding only these keeps a cursor step cheap on a tall map.
        """
        glyphs = self._frame.glyphs if self._frame is not None else self.use_glyphs
        for index, line in enumerate(self._lines):
            if line.kind == "header" or (glyphs and line.kind == "units" and line.part in parts):
                self._cache.pop(index, None)

    def _show_part_header(self, part: int) -> None:
        """Scroll vertically so the cursor part's header (with its ▼) is on screen."""
        index = next((i for i, ln in enumerate(self._lines) if ln == ("header", part, 0)), None)
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if index is not None and not top <= index < top + height:
            self.scroll_to(y=index, animate=False)

    def watch_scale(self) -> None:
        self._requantize()
        self.refresh()

    def watch_glyphs(self) -> None:
        self._relayout()

    # -- layout ------------------------------------------------------------------
    @property
    def use_glyphs(self) -> bool:
        """Whether lines are drawn as glyphs (one unit per line) rather than half blocks."""
        return wants_glyphs(self.app) if self.glyphs is None else bool(self.glyphs)

    @property
    def gutter_width(self) -> int:
        """Columns left of the data for part names and unit indices."""
        longest = max((len(name) for name in self._names), default=0)
        return min(max(longest + 1, 5), 12)

    def on_mount(self) -> None:
        self._relayout()

    def _relayout(self) -> None:
        if not self.is_mounted:
            return  # glyph mode depends on the app; on_mount lays out
        per_line = 1 if self.use_glyphs else 2
        lines = []
        for part, values in enumerate(self._values):
            lines.append(_Line("header", part, 0))
            lines.extend(_Line("units", part, row) for row in range(0, values.shape[0], per_line))
        if self.use_glyphs and lines:
            lines.append(_Line("legend", 0, 0))
        self._lines = lines
        self._invalidate()
        # Only vertical scrolling: each part keeps its own horizontal offset instead.
        self.virtual_size = Size(self.gutter_width, len(lines))
        self._keep_cursor_visible()
        self.refresh()

    def on_resize(self) -> None:
        self._invalidate()
        self._keep_cursor_visible()

    @property
    def cells_per_step(self) -> int:
        """Columns per timestep: short sequences are stretched (up to 3) to use the width."""
        longest = max(self.part_lengths, default=0)
        cells = max(self.scrollable_content_region.width - self.gutter_width, 0)
        return min(max(cells // longest, 1), MAX_CELLS_PER_STEP) if longest else 1

    @property
    def visible_steps(self) -> int:
        """Timesteps visible at once in each part."""
        cells = max(self.scrollable_content_region.width - self.gutter_width, 0)
        return cells // self.cells_per_step

    def _keep_cursor_visible(self) -> None:
        """Per-part horizontal offsets: the cursor's part scrolls to show the cursor."""
        visible = self.visible_steps
        offsets = []
        for part, values in enumerate(self._values):
            last_start = max(values.shape[1] - visible, 0)
            x = min(self._offsets[part] if part < len(self._offsets) else 0, last_start)
            if part == self.cursor[0] and visible > 0:
                # A little context either side of the cursor, as far as the part allows.
                margin = min(3, visible // 4)
                t = self.cursor[1]
                if t - margin < x:
                    x = max(t - margin, 0)
                elif t + margin >= x + visible:
                    x = min(t + margin - visible + 1, last_start)
            offsets.append(x)
        if offsets != self._offsets:
            self._offsets = offsets
            self._invalidate()
            self.refresh()

    # -- drawing -----------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._invalidate()

    def _invalidate(self) -> None:
        """Forget cached lines and per-frame styles (data, cursor, size or theme changed)."""
        self._cache.clear()
        self._frame = None

    def _frame_context(self) -> _Frame:
        # Styles and sizes are the same for every line of a frame; computing them once
        # per frame instead of per line halves the cost of a redraw.
        if self._frame is None:
            width = self.scrollable_content_region.width
            self._frame = _Frame(
                width=width,
                cells=max(width - self.gutter_width, 0),
                cells_per_step=self.cells_per_step,
                glyphs=self.use_glyphs,
                dark=is_dark(self.app),
                base=self.rich_style,
                label=self.get_component_rich_style("heatmap--label"),
                ruler=self.get_component_rich_style("heatmap--ruler"),
                cursor=self.get_component_rich_style("heatmap--cursor"),
            )
        return self._frame

    def render_line(self, y: int) -> Strip:
        frame = self._frame_context()
        if frame.width != self.scrollable_content_region.width:
            self._invalidate()
            frame = self._frame_context()
        index = y + self.scroll_offset.y
        strip = self._cache.get(index)
        if strip is None:
            strip = self._build_line(index, frame)
            self._cache[index] = strip
        return strip

    def _build_line(self, index: int, frame: _Frame) -> Strip:
        if index >= len(self._lines):
            return Strip.blank(frame.width, frame.base)
        line = self._lines[index]
        start = self._offsets[line.part] if line.part < len(self._offsets) else 0
        if line.kind == "legend":
            segments = [Segment(GLYPH_LEGEND[: frame.width], frame.base)]
        elif line.kind == "header":
            segments = self._header(line.part, start, frame)
        else:
            segments = self._units(line, start, frame)
        return Strip(segments).adjust_cell_length(frame.width, frame.base)

    def _header(self, part: int, start: int, frame: _Frame) -> list[Segment]:
        cursor_part, t = self.cursor
        cursor = t if part == cursor_part else None
        length = self._values[part].shape[1]
        ruler = ruler_text(start, frame.cells, length, cursor, frame.cells_per_step)
        gutter = self.gutter_width
        segments = [Segment(self._names[part][: gutter - 1].ljust(gutter), frame.label)]
        col = ruler.find("▼")
        if col < 0:
            return segments + [Segment(ruler, frame.ruler)]
        return segments + [
            Segment(ruler[:col], frame.ruler),
            Segment(ruler[col], frame.cursor),
            Segment(ruler[col + 1 :], frame.ruler),
        ]

    def _units(self, line: _Line, start: int, frame: _Frame) -> list[Segment]:
        levels = self._levels[line.part]
        cps = frame.cells_per_step
        stop = start + frame.cells // cps
        gutter = self.gutter_width
        index_label = f"{line.row}".rjust(gutter - 1) + " " if line.row % 8 == 0 else " " * gutter
        segments = [Segment(index_label, frame.ruler)]
        top = levels[line.row, start:stop].repeat(cps)
        if frame.glyphs:
            cursor_part, t = self.cursor
            cursor = (t - start) * cps if cursor_part == line.part else None
            return segments + glyph_segments(top, cursor, frame.base, cps)
        has_bottom = line.row + 1 < levels.shape[0]
        bottom = levels[line.row + 1, start:stop].repeat(cps) if has_bottom else None
        return segments + half_block_segments(top, bottom, frame.dark, frame.base)
