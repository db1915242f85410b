"""Read a chart back from the screen as text: its frame, tick labels, and where glyphs sit."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.widget import Widget


def screen_lines(app: App, widget: Widget) -> list[str]:
    """The widget's cells as the terminal would show them (the composited screen, cropped)."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    region = widget.region
    return [line[region.x : region.right] for line in lines[region.y : region.bottom]]


@dataclass
class ChartPicture:
    """A chart's text: the top row (y title and legend), the frame, the labels around it."""

    lines: list[str]

    @property
    def left(self) -> int:
        """The column of the frame's left side: the first column of any frame glyph."""
        return min(
            next(i for i, ch in enumerate(line) if ch in FRAME)
            for line in self.lines
            if any(ch in FRAME for ch in line)
        )

    @property
    def top(self) -> int:
        return min(
            i for i, line in enumerate(self.lines) if line[self.left : self.left + 1] in CORNERS
        )

    @property
    def bottom(self) -> int:
        return max(
            i for i, line in enumerate(self.lines) if line[self.left : self.left + 1] in CORNERS
        )

    @property
    def right(self) -> int:
        line = self.lines[self.top]
        return max(i for i, ch in enumerate(line) if ch in CORNERS + "━")

    @property
    def title_row(self) -> str:
        return self.lines[0]

    @property
    def below(self) -> list[str]:
        """The rows under the frame: x tick labels and the x-axis title."""
        return self.lines[self.bottom + 1 :]

    def inside(self, row: int) -> str:
        """The cells of one screen row inside the frame."""
        return self.lines[row][self.left + 1 : self.right]

    def y_labels(self) -> dict[int, str]:
        """Row -> the y tick label written left of the frame on that row."""
        rows = range(self.top + 1, self.bottom)
        return {
            row: self.lines[row][: self.left].strip()
            for row in rows
            if self.lines[row][: self.left].strip()
        }

    def y_label_values(self) -> dict[int, float]:
        """Row -> the label's value ("10⁻³" read as 1e-3)."""
        return {row: label_value(text) for row, text in self.y_labels().items()}

    def rows_with(self, glyph: str) -> list[int]:
        """Rows with `glyph` inside the frame, top to bottom."""
        return [row for row in range(self.top + 1, self.bottom) if glyph in self.inside(row)]

    def row_of_rightmost(self, glyph: str) -> int:
        """The row holding the right-most `glyph` inside the frame (the newest point)."""
        best = max((self.inside(row).rindex(glyph), row) for row in self.rows_with(glyph))
        return best[1]

    def x_labels(self) -> list[str]:
        """The tick labels under the frame (the x-axis title excluded)."""
        return self.below[0][self.left :].split() if self.below else []


CORNERS = "┏┓┗┛┳┻┣┫╋"
"""A frame corner, possibly with a tick on it."""
FRAME = CORNERS + "┃"
SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def label_value(text: str) -> float:
    """A tick label's number: "0.25", "2.5e33", "10⁻³", "2·10⁻³"."""
    if "10" in text and any(ch in text for ch in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"):
        mantissa, _, power = text.rpartition("10")
        exponent = int(power.translate(SUPERSCRIPTS))
        return (float(mantissa.rstrip("·")) if mantissa else 1.0) * 10.0**exponent
    return float(text)
