"""Pure builders for the hidden-state heatmap's lines: quantised levels in, segments out."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style

from rnn_tui.ui.widgets.palette import (
    NAN_LEVEL,
    ZERO_LEVEL,
    half_block_style,
    level_glyph,
    level_rgb,
)

HALF_BLOCK = "▀"
NO_UNIT = -1
"""Bottom level of the last cell row when a part has an odd number of units."""

_GLYPHS = np.array([level_glyph(level) for level in range(NAN_LEVEL + 1)], dtype=object)
_POSITIVE = Style(color="red")
_NEGATIVE = Style(color="blue")
_NAN = Style(color="yellow", bold=True)


def _runs(keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal keys, so one segment covers many cells."""
    if keys.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [keys.size]))
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def half_block_segments(
    top: np.ndarray,
    bottom: np.ndarray | None,
    dark: bool,
    background: Style,
    char: str = HALF_BLOCK,
) -> list[Segment]:
    """Two units per cell: "▀" coloured by the top unit (fg) over the bottom unit (bg).

    With char="▌" the same pairs sit left (fg) and right (bg) instead.
    """
    if bottom is None:
        bottom = np.full_like(top, NO_UNIT)
    keys = top.astype(np.int32) * 64 + bottom.astype(np.int32)
    segments = []
    for start, end in _runs(keys):
        t, b = int(top[start]), int(bottom[start])
        if b == NO_UNIT:
            # Only the top half holds a unit; the bottom half shows the widget background.
            style = background + Style(color=RichColor.from_rgb(*level_rgb(t, dark)))
        else:
            style = half_block_style(t, b, dark)
        segments.append(Segment(char * (end - start), style))
    return segments


@lru_cache(maxsize=256)
def _glyph_style(base: Style, sign: int, in_cursor: bool) -> Style:
    style = base + {1: _POSITIVE, -1: _NEGATIVE, 2: _NAN}.get(sign, Style())
    return style + Style(reverse=True) if in_cursor else style


def glyph_segments(
    levels: np.ndarray, cursor: int | None, base: Style, cursor_width: int = 1
) -> list[Segment]:
    """One unit per cell as a sign/magnitude glyph; cells cursor..cursor+cursor_width-1
    in reverse video."""
    signs = np.sign(levels.astype(np.int32) - ZERO_LEVEL)
    signs[levels == NAN_LEVEL] = 2
    keys = signs * 2
    in_cursor = np.zeros(levels.size, dtype=bool)
    if cursor is not None:
        in_cursor[max(cursor, 0) : max(cursor + cursor_width, 0)] = True
        keys[in_cursor] += 100  # runs of their own
    text = "".join(_GLYPHS[levels])
    return [
        Segment(text[start:end], _glyph_style(base, int(signs[start]), bool(in_cursor[start])))
        for start, end in _runs(keys)
    ]


def ruler_text(
    start: int, width: int, length: int, cursor: int | None = None, cells_per_step: int = 1
) -> str:
    """Time ruler for a part with `length` steps, shown from step `start` in `width` cells.

    Step numbers at multiples of 10, "·" at other multiples of 5, "▼" above the cursor
    step (an absolute step), "◀"/"▶" at the edges when steps are hidden that side.
    """
    cps = max(cells_per_step, 1)
    visible = min(width // cps, max(length - start, 0))
    chars = [" "] * width
    marks = {}
    if start > 0 and width > 1:
        marks[0] = "◀"
    if start + width // cps < length and width > 1:
        marks[width - 1] = "▶"
    if cursor is not None and 0 <= cursor - start < visible:
        marks[(cursor - start) * cps + (cps - 1) // 2] = "▼"
    for step in range(start, start + visible):
        if step % 5 == 0:
            chars[(step - start) * cps] = "·"
    for step in range(-(-start // 10) * 10, start + visible, 10):
        label, col = str(step), (step - start) * cps
        span = range(col, col + len(label))
        if span.stop <= width and not any(c in marks for c in span):
            chars[span.start : span.stop] = label
    for col, mark in marks.items():
        chars[col] = mark
    return "".join(chars)
