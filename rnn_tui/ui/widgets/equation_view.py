"""EquationView: the current cell's step equations, a selected gate highlighted, with numbers."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from rnn_tui.ui.widgets.equation_text import cell_equations, symbol_spans


def mean_abs(value: float | np.ndarray) -> float:
    """mean |x| of an array (a float passes through): the number shown per equation."""
    return float(np.mean(np.abs(np.asarray(value, dtype=np.float64))))


class EquationView(Widget):
    """PyTorch's equations for the cell (rnn tanh/relu, lstm, gru), one line each.

    The selected symbol's defining line is bold and every occurrence of it (e.g. f_t in
    c_t = f_t ⊙ c_{t-1} + ...) is drawn in reverse video, which survives NO_COLOR. Each
    line ends with mean |symbol_t| at the current step when given via `set_summary`.
    Biases are folded (b_i = b_ii + b_hi) when the full form does not fit the width.
    """

    DEFAULT_CSS = """
    EquationView { height: auto; text-wrap: nowrap; text-overflow: clip; }
    EquationView > .equation--selected { color: $accent; text-style: bold reverse; }
    EquationView > .equation--line { text-style: bold; }
    EquationView > .equation--number { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"equation--selected", "equation--line", "equation--number"}

    cell: reactive[str] = reactive("lstm", layout=True)
    """"rnn", "lstm" or "gru"."""
    nonlinearity: reactive[str] = reactive("tanh")
    """For the vanilla RNN: "tanh" or "relu"."""
    selected: reactive[str | None] = reactive(None)
    """Symbol to highlight ("i", "f", "g", "o", "c", "h", "r", "z", "n") or None."""

    def __init__(
        self,
        cell: str = "lstm",
        nonlinearity: str = "tanh",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        cell_equations(cell, nonlinearity)  # fail early on a bad name
        self.set_reactive(EquationView.cell, cell)
        self.set_reactive(EquationView.nonlinearity, nonlinearity)
        self._summary: dict[str, float] = {}

    def set_summary(self, values: Mapping[str, float | np.ndarray]) -> None:
        """Numbers for this step, keyed by symbol: arrays are reduced to mean |x|."""
        self._summary = {symbol: mean_abs(value) for symbol, value in values.items()}
        self.refresh()

    def validate_cell(self, cell: str) -> str:
        cell_equations(cell, self.nonlinearity)
        return cell

    def validate_nonlinearity(self, nonlinearity: str) -> str:
        cell_equations("rnn", nonlinearity)
        return nonlinearity

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """Wide enough for the compact equations (width: auto beside another picture)."""
        return max(len(eq.compact) for eq in cell_equations(self.cell, self.nonlinearity))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(cell_equations(self.cell, self.nonlinearity))

    def render(self) -> RenderResult:
        equations = cell_equations(self.cell, self.nonlinearity)
        width = self.content_region.width or 200
        numbers = {s: f"mean|{s}_t| {v:.3f}" for s, v in self._summary.items()}
        number_width = max((len(n) for n in numbers.values()), default=0)
        longest_full = max(len(eq.full) for eq in equations)
        use_full = longest_full + 2 + number_width <= width
        longest = longest_full if use_full else max(len(eq.compact) for eq in equations)
        show_numbers = bool(numbers) and longest + 2 + number_width <= width
        lines = []
        for eq in equations:
            line = self._equation_text(eq.full if use_full else eq.compact, eq.symbol)
            if show_numbers and eq.symbol in numbers:
                line.pad_right(longest + 2 - len(line))
                line.append(numbers[eq.symbol], self.get_component_rich_style("equation--number"))
            lines.append(line)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)

    def _equation_text(self, text: str, symbol: str) -> Text:
        line = Text(text, no_wrap=True, overflow="crop")
        if self.selected is None:
            return line
        if symbol == self.selected:
            line.stylize(self.get_component_rich_style("equation--line"))
        style = self.get_component_rich_style("equation--selected")
        for start, end in symbol_spans(text, self.selected):
            line.stylize(style, start, end)
        return line
