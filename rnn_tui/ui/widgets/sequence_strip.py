"""SequenceStrip: a sample's tokens or values in a row, the cursor's step in reverse video."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.segment import Segment
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

SPARK = "▁▂▃▄▅▆▇█"
VALUE_WIDTH = 8
MORE = "…"  # at an edge with steps left out that side
# Braille dots of one cell, top to bottom: the left column's and the right column's.
LEFT_DOTS = (0x01, 0x02, 0x04, 0x40)
RIGHT_DOTS = (0x08, 0x10, 0x20, 0x80)


def spark_chars(values: np.ndarray, low: float, high: float) -> list[str]:
    """One sparkline character per value on a shared [low, high] scale; NaN/inf -> "?"."""
    span = high - low if high > low else 1.0
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    levels = np.clip(np.rint((np.where(finite, values, low) - low) / span * 7), 0, 7).astype(int)
    return ["?" if not ok else SPARK[level] for level, ok in zip(levels, finite, strict=True)]


def braille_line(values: np.ndarray, low: float, high: float, lines: int) -> list[list[str]]:
    """A line plot ``lines`` characters tall, one character per value on [low, high].

    Each value is a dot in the right half of its character; the left half joins it to the
    previous value, so the dots read as one line. NaN/inf -> "?" on the bottom line.
    Returns the characters line by line, top line first.
    """
    dots = 4 * lines
    span = high - low if high > low else 1.0
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    levels = np.clip(np.rint((np.where(finite, values, low) - low) / span * (dots - 1)), 0, dots - 1)
    bits = np.zeros((lines, values.size), dtype=np.int32)

    def mark(level: int, t: int, column: tuple[int, ...]) -> None:
        row = dots - 1 - level  # counted from the top
        bits[row // 4, t] |= column[row % 4]

    previous = None
    for t, (level, ok) in enumerate(zip(levels.astype(int).tolist(), finite, strict=True)):
        if not ok:
            previous = None
            continue
        mark(level, t, RIGHT_DOTS)
        start = level if previous is None else previous
        for between in range(min(start, level), max(start, level) + 1):
            mark(between, t, LEFT_DOTS)
        previous = level
    chars = [[chr(0x2800 + int(b)) if b else " " for b in line] for line in bits]
    for bad in np.flatnonzero(~finite).tolist():
        chars[-1][bad] = "?"
    return chars


def centred_window(widths: list[int], cursor: int, avail: int, separator: int) -> tuple[int, int]:
    """First and last step shown: whole steps only, the cursor in the middle when the
    sequence allows, and room kept for a "…" at each edge with steps left out."""
    count = len(widths)
    if count == 0:
        return 0, -1
    cursor = min(max(cursor, 0), count - 1)

    def needed(first: int, last: int) -> int:
        body = sum(widths[first : last + 1]) + separator * (last - first + 1)
        return body + (2 if first > 0 else 0) + (2 if last < count - 1 else 0)

    first = last = cursor
    grew = True
    while grew:
        grew = False
        # Right then left in turn, so the cursor stays in the middle.
        if last + 1 < count and needed(first, last + 1) <= avail:
            last, grew = last + 1, True
        if first > 0 and needed(first - 1, last) <= avail:
            first, grew = first - 1, True
    return first, last


class SequenceStrip(Widget):
    """Labelled rows, aligned by timestep: tokens (words) or floats, which share one
    scale and are drawn as line plots ``plot_rows`` lines tall.

    The cursor's step is in reverse video in every row that long (works with NO_COLOR);
    the strip is centred on it and shows whole steps only, "…" marking those left out.
    A float row shows its value at the cursor (under its label when plotted over several
    lines, with the scale's top and bottom at the right). `compare=(reference_row,
    other_row)` underlines and colours the other row's tokens that differ from the
    reference (e.g. prediction vs target).
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
    plot_rows: reactive[int] = reactive(1, layout=True)
    """Lines per float row, drawn as a line plot that tall (0: a one-line sparkline)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._labels: list[str] = []
        self._rows: list[list[str] | np.ndarray] = []
        self._cells_cache: tuple[list[list[list[str]]], list[int], int] | None = None

    def set_rows(self, rows: Sequence[tuple[str, Sequence[str] | np.ndarray]]) -> None:
        """Replace the rows: (label, tokens) or (label, float array), top to bottom."""
        count = self._line_count()
        self._labels = [str(label) for label, _ in rows]
        self._rows = [
            np.asarray(seq, dtype=np.float64) if _is_numeric(seq) else [str(s) for s in seq]
            for _, seq in rows
        ]
        self._cells_cache = None
        # A layout pass reflows the whole screen (tens of ms); only if the height changes.
        self.refresh(layout=self._line_count() != count)

    def _lines_of(self, row: list[str] | np.ndarray) -> int:
        return max(self.plot_rows, 1) if isinstance(row, np.ndarray) else 1

    def _line_count(self) -> int:
        return sum(self._lines_of(row) for row in self._rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(self._line_count(), 1)

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_plot_rows(self) -> None:
        self._cells_cache = None

    @property
    def scale(self) -> tuple[float, float]:
        """(low, high) shared by every float row."""
        floats = [r for r in self._rows if isinstance(r, np.ndarray)]
        finite = np.concatenate([f[np.isfinite(f)] for f in floats]) if floats else np.empty(0)
        return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)

    def _cells(self) -> tuple[list[list[list[str]]], list[int], int]:
        """Per row, per line, the text of each step; the column width per step; the
        separator width. Computed once per set of rows: every line of every frame needs them.
        """
        if self._cells_cache is None:
            self._cells_cache = self._compute_cells()
        return self._cells_cache

    def _compute_cells(self) -> tuple[list[list[list[str]]], list[int], int]:
        low, high = self.scale
        texts: list[list[list[str]]] = []
        for row in self._rows:
            if not isinstance(row, np.ndarray):
                texts.append([list(row)])
            elif self.plot_rows == 0:
                texts.append([spark_chars(row, low, high)])
            else:
                texts.append(braille_line(row, low, high, self._lines_of(row)))
        steps = max((len(t[0]) for t in texts), default=0)
        widths = [
            max((len(t[0][i]) for t in texts if i < len(t[0])), default=1) for i in range(steps)
        ]
        separator = 1 if any(not isinstance(r, np.ndarray) for r in self._rows) else 0
        return texts, widths, separator

    def _line_at(self, y: int) -> tuple[int, int] | None:
        """(row, line within the row) drawn at widget line ``y``."""
        for index, row in enumerate(self._rows):
            lines = self._lines_of(row)
            if y < lines:
                return index, y
            y -= lines
        return None

    @property
    def label_width(self) -> int:
        """Cells left of the steps: the longest label (or a value under it), and a space."""
        longest = max((len(label) for label in self._labels), default=0)
        plotted = any(self._lines_of(r) > 1 for r in self._rows if isinstance(r, np.ndarray))
        return max(longest, VALUE_WIDTH - 1 if plotted else 0) + 1

    def shown_steps(self, width: int | None = None) -> tuple[int, int]:
        """First and last step drawn at ``width`` (the widget's own by default)."""
        width = self.size.width if width is None else width
        _, widths, separator = self._cells()
        has_value = any(isinstance(r, np.ndarray) for r in self._rows)
        avail = max(width - self.label_width - (VALUE_WIDTH if has_value else 0), 0)
        return centred_window(widths, self.cursor, avail, separator)

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        where = self._line_at(y)
        if where is None:
            return Strip.blank(width, base)
        index, line = where
        texts, widths, separator = self._cells()
        gutter = self.label_width
        has_value = any(isinstance(r, np.ndarray) for r in self._rows)
        avail = max(width - gutter - (VALUE_WIDTH if has_value else 0), 0)
        first, last = centred_window(widths, self.cursor, avail, separator)
        label_style = self.get_component_rich_style("sequence--label")
        row = self._rows[index]
        lines = self._lines_of(row)
        label = self._labels[index] if line == 0 else ""
        if isinstance(row, np.ndarray) and lines > 1 and line == 1 and 0 <= self.cursor < row.size:
            label = f"{row[self.cursor]:+.3f}"  # the value at the cursor, under its name
        segments = [Segment(label.ljust(gutter), label_style)]
        body = [Segment(MORE + " ", label_style)] if first > 0 else []
        body += self._row_segments(index, texts[index][line], widths, separator, first, last)
        if last < len(widths) - 1:
            body.append(Segment(" " + MORE, label_style))
        segments += list(Strip(body).crop(0, avail).adjust_cell_length(avail, base))
        if isinstance(row, np.ndarray):
            segments.append(Segment(self._value_text(row, line, lines), label_style))
        return Strip(segments).adjust_cell_length(width, base)

    def _value_text(self, row: np.ndarray, line: int, lines: int) -> str:
        """Right of a float row: its value at the cursor, or the plot's scale (top, bottom)."""
        if lines == 1:
            value = row[self.cursor] if 0 <= self.cursor < row.size else None
        elif line in (0, lines - 1):
            low, high = self.scale
            value = high if line == 0 else low
        else:
            value = None
        return "" if value is None else f"{value:+.3f}".rjust(VALUE_WIDTH)

    def _row_segments(
        self,
        y: int,
        texts: list[str],
        widths: list[int],
        separator: int,
        first: int,
        last: int,
    ) -> list[Segment]:
        base = self.rich_style
        cursor_style = self.get_component_rich_style("sequence--cursor")
        compare = self.compare
        reference = (
            self._cells()[0][compare[0]][0] if compare and compare[0] < len(self._rows) else None
        )
        segments = []
        for t in range(first, min(last, len(texts) - 1) + 1):
            text = texts[t]
            style = base
            if compare is not None and y == compare[1] and reference is not None:
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
