"""SequenceStrip: a sample's tokens or values in a row, the cursor's step in reverse video."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

SPARK = "▁▂▃▄▅▆▇█"
VALUE_WIDTH = 8


def spark_chars(values: np.ndarray, low: float, high: float) -> list[str]:
    """One sparkline character per value on a shared [low, high] scale; NaN/inf -> "?"."""
    span = high - low if high > low else 1.0
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    levels = np.clip(np.rint((np.where(finite, values, low) - low) / span * 7), 0, 7).astype(int)
    return ["?" if not ok else SPARK[level] for level, ok in zip(levels, finite, strict=True)]


def cursor_offset(
    starts: list[int], widths: list[int], cursor: int, offset: int, avail: int
) -> int:
    """New scroll offset (in cells) so column `cursor` is visible with a little context."""
    if not 0 <= cursor < len(starts) or avail <= 0:
        return offset
    total = starts[-1] + widths[-1]
    margin = min(4, avail // 4)
    left, right = starts[cursor] - margin, starts[cursor] + widths[cursor] + margin
    if left < offset:
        offset = left
    elif right > offset + avail:
        offset = right - avail
    return max(0, min(offset, max(total - avail, 0)))


class SequenceStrip(Widget):
    """Labelled rows, aligned by timestep: tokens (words) or floats (a sparkline on one
    scale shared by all float rows, with the value at the cursor at the row's end).

    The cursor's step is in reverse video in every row that long (works with NO_COLOR);
    the view scrolls to keep it visible. `compare=(reference_row, other_row)` underlines
    and colours the other row's tokens that differ from the reference (e.g. prediction
    vs target).
    """

    DEFAULT_CSS = """
    SequenceStrip { height: auto; }
    SequenceStrip > .sequence--label { color: $text-muted; }
    SequenceStrip > .sequence--cursor { text-style: reverse bold; }
    SequenceStrip > .sequence--mismatch { color: $error; text-style: underline; }
    SequenceStrip > .sequence--match { color: $success; }
    """
    COMPONENT_CLASSES = {
        "sequence--label",
        "sequence--cursor",
        "sequence--mismatch",
        "sequence--match",
    }

    cursor: reactive[int] = reactive(0)
    """Timestep to highlight; -1 for none (e.g. the cursor is in another part)."""
    compare: reactive[tuple[int, int] | None] = reactive(None)
    """(reference row, other row) whose tokens are compared step by step, or None."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._labels: list[str] = []
        self._rows: list[list[str] | np.ndarray] = []
        self._offset = 0
        self._cells_cache: tuple[list[list[str]], list[int], int] | None = None

    def set_rows(self, rows: Sequence[tuple[str, Sequence[str] | np.ndarray]]) -> None:
        """Replace the rows: (label, tokens) or (label, float array), top to bottom."""
        count = len(self._rows)
        self._labels = [str(label) for label, _ in rows]
        self._rows = [
            np.asarray(seq, dtype=np.float64) if _is_numeric(seq) else [str(s) for s in seq]
            for _, seq in rows
        ]
        self._offset = 0
        self._cells_cache = None
        # A layout pass reflows the whole screen (tens of ms); the height is the row count.
        self.refresh(layout=len(self._rows) != count)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._rows), 1)

    def watch_cursor(self) -> None:
        self.refresh()

    def _cells(self) -> tuple[list[list[str]], list[int], int]:
        """Each row's text per step, the column width per step, and the separator width.

        Computed once per set of rows: every line of every frame needs them.
        """
        if self._cells_cache is None:
            self._cells_cache = self._compute_cells()
        return self._cells_cache

    def _compute_cells(self) -> tuple[list[list[str]], list[int], int]:
        floats = [r for r in self._rows if isinstance(r, np.ndarray)]
        finite = np.concatenate([f[np.isfinite(f)] for f in floats]) if floats else np.empty(0)
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        texts = [
            spark_chars(r, low, high) if isinstance(r, np.ndarray) else list(r) for r in self._rows
        ]
        steps = max((len(t) for t in texts), default=0)
        widths = [max((len(t[i]) for t in texts if i < len(t)), default=1) for i in range(steps)]
        separator = 1 if any(not isinstance(r, np.ndarray) for r in self._rows) else 0
        return texts, widths, separator

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if y >= len(self._rows):
            return Strip.blank(width, base)
        texts, widths, separator = self._cells()
        gutter = max((len(label) for label in self._labels), default=0) + 1
        has_value = any(isinstance(r, np.ndarray) for r in self._rows)
        avail = max(width - gutter - (VALUE_WIDTH if has_value else 0), 0)
        starts = list(np.cumsum([0] + [w + separator for w in widths[:-1]])) if widths else []
        self._offset = cursor_offset(
            starts, [w + separator for w in widths], self.cursor, self._offset, avail
        )
        label_style = self.get_component_rich_style("sequence--label")
        segments = [Segment(self._labels[y].ljust(gutter), label_style)]
        body = Strip(self._row_segments(y, texts, widths, separator, base))
        segments += list(
            body.crop(self._offset, self._offset + avail).adjust_cell_length(avail, base)
        )
        row = self._rows[y]
        if isinstance(row, np.ndarray) and 0 <= self.cursor < row.size:
            segments.append(Segment(f"{row[self.cursor]:+.3f}".rjust(VALUE_WIDTH), label_style))
        return Strip(segments).adjust_cell_length(width, base)

    def _row_segments(
        self, y: int, texts: list[list[str]], widths: list[int], separator: int, base: Style
    ) -> list[Segment]:
        cursor_style = self.get_component_rich_style("sequence--cursor")
        compare = self.compare
        segments = []
        for t, text in enumerate(texts[y]):
            style = base
            if compare is not None and y == compare[1] and compare[0] < len(texts):
                reference = texts[compare[0]]
                same = t < len(reference) and reference[t] == text
                style = self.get_component_rich_style(
                    "sequence--match" if same else "sequence--mismatch"
                )
            if t == self.cursor:
                style = style + cursor_style
            segments.append(Segment(text.ljust(widths[t]), style))
            if separator:
                segments.append(Segment(" " * separator, base))
        return segments


def _is_numeric(seq: Sequence[str] | np.ndarray) -> bool:
    return isinstance(seq, np.ndarray) and seq.dtype.kind in "fiub"
