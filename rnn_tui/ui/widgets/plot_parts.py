"""A fix around textual-plot: a canvas that survives NO_COLOR and refreshes once per draw."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from textual.geometry import Region
from textual.strip import Strip
from textual_hires_canvas import Canvas


class StyledCanvas(Canvas):
    """A textual-hires-canvas Canvas with two fixes.

    Empty lines carry a style: the library returns `Strip.blank(0)` (a segment with no
    style) for a zero-size canvas, and Textual's NO_COLOR filter (Monochrome) fails on
    a segment without a style, which crashed any app showing a chart with NO_COLOR.

    `held_refresh()` batches refreshes: the library refreshes the widget once per
    pixel set (about 10,000 times for a 2000-point line), which dominated a redraw.
    """

    _holding = False

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        return Strip.blank(0, self.rich_style) if strip.cell_length == 0 else strip

    @contextmanager
    def held_refresh(self) -> Iterator[None]:
        """Refresh once at the end instead of on every pixel set inside the block."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            self.refresh()

    def refresh(self, *regions: Region, **kwargs: Any) -> Self:
        if self._holding:
            return self
        return super().refresh(*regions, **kwargs)
