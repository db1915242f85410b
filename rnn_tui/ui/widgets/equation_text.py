"""The step equations of PyTorch's RNN, LSTM and GRU cells, as plain text lines."""

from __future__ import annotations

import re
from typing import NamedTuple

from rnn_tui.core.vocabulary import CELLS


class Equation(NamedTuple):
    """One line: the symbol it defines ("i", "f", "c", "h"...), in full and compact form."""

    symbol: str
    full: str
    compact: str


def _gate(symbol: str, act: str) -> Equation:
    # PyTorch names the parts W_i<gate>, b_i<gate> (input) and W_h<gate>, b_h<gate> (hidden).
    full = (
        f"{symbol}_t = {act}(W_i{symbol} x_t + b_i{symbol} + W_h{symbol} h_{{t-1}} + b_h{symbol})"
    )
    compact = f"{symbol}_t = {act}(W_i{symbol} x_t + W_h{symbol} h_{{t-1}} + b_{symbol})"
    return Equation(symbol, full, compact)


def cell_equations(cell: str, nonlinearity: str = "tanh") -> list[Equation]:
    """The equations of one step of `cell` ("rnn", "lstm" or "gru"), in PyTorch's gate order."""
    if cell == "rnn":
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        act = nonlinearity
        return [
            Equation(
                "h",
                f"h_t = {act}(W_ih x_t + b_ih + W_hh h_{{t-1}} + b_hh)",
                f"h_t = {act}(W_ih x_t + W_hh h_{{t-1}} + b)",
            )
        ]
    if cell == "lstm":
        return [
            _gate("i", "σ"),
            _gate("f", "σ"),
            _gate("g", "tanh"),
            _gate("o", "σ"),
            Equation("c", "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t", "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t"),
            Equation("h", "h_t = o_t ⊙ tanh(c_t)", "h_t = o_t ⊙ tanh(c_t)"),
        ]
    if cell == "gru":
        return [
            _gate("r", "σ"),
            _gate("z", "σ"),
            Equation(
                "n",
                "n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))",
                "n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))",
            ),
            Equation(
                "h",
                "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}",
                "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}",
            ),
        ]
    raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")


def symbol_spans(text: str, symbol: str) -> list[tuple[int, int]]:
    """(start, end) of each `symbol`_t in text; not h_{t-1}, not inside W_hi or b_if."""
    pattern = re.compile(rf"(?<![\w{{]){re.escape(symbol)}_t(?![\w{{])")
    return [match.span() for match in pattern.finditer(text)]


def cell_symbols(cell: str) -> list[str]:
    """Symbols defined by the cell's equations, in order (e.g. i, f, g, o, c, h)."""
    return [eq.symbol for eq in cell_equations(cell)]
