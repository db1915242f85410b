"""Equations: PyTorch's forms per cell, symbol highlighting, numbers, compact form."""

import numpy as np
import pytest

from rnn_tui.ui.widgets.equation_text import cell_equations, cell_symbols, symbol_spans
from rnn_tui.ui.widgets.equation_view import EquationView, mean_abs


def test_gate_orders_follow_pytorch():
    assert cell_symbols("lstm") == ["i", "f", "g", "o", "c", "h"]
    assert cell_symbols("gru") == ["r", "z", "n", "h"]
    assert cell_symbols("rnn") == ["h"]


def test_forms_match_pytorch_docs():
    lstm = {eq.symbol: eq.full for eq in cell_equations("lstm")}
    assert lstm["f"] == "f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)"
    assert lstm["g"].startswith("g_t = tanh(")
    assert lstm["c"] == "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t"
    assert lstm["h"] == "h_t = o_t ⊙ tanh(c_t)"
    gru = {eq.symbol: eq.full for eq in cell_equations("gru")}
    assert "r_t ⊙ (W_hn h_{t-1} + b_hn)" in gru["n"]
    assert gru["h"] == "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}"
    assert cell_equations("rnn", "relu")[0].full.startswith("h_t = relu(")
    with pytest.raises(ValueError):
        cell_equations("rnn", "sigmoid")
    with pytest.raises(ValueError):
        cell_equations("transformer")


def test_symbol_spans_skip_weights_and_previous_step():
    text = "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}"
    assert [text[a:b] for a, b in symbol_spans(text, "z")] == ["z_t", "z_t"]
    assert symbol_spans(text, "h") == [(0, 3)]
    assert symbol_spans("f_t = σ(W_if x_t + b_if)", "f") == [(0, 3)]


def test_mean_abs():
    assert mean_abs(np.array([-1.0, 0.5])) == pytest.approx(0.75)
    assert mean_abs(0.3) == pytest.approx(0.3)


@pytest.mark.asyncio
async def test_selected_symbol_reversed_everywhere(host):
    view = EquationView("lstm")
    async with host(view).run_test(size=(100, 10)) as pilot:
        view.selected = "f"
        await pilot.pause()
        text = view.render()
        reversed_spans = [
            text.plain[span.start : span.end]
            for span in text.spans
            if getattr(span.style, "reverse", False)
        ]
        assert reversed_spans == ["f_t", "f_t"]  # defining line and inside c_t


@pytest.mark.asyncio
async def test_numbers_shown_and_compact_form_when_narrow(host):
    view = EquationView("gru")
    async with host(view).run_test(size=(100, 10)) as pilot:
        view.set_summary({"z": np.array([0.2, -0.4]), "r": 0.5})
        await pilot.pause()
        plain = view.render().plain
        assert "mean|z_t| 0.300" in plain and "mean|r_t| 0.500" in plain
        assert "b_iz" in plain  # full form
        view.styles.width = 60
        await pilot.pause()
        narrow = view.render().plain
        assert "b_iz" not in narrow and "b_z)" in narrow


@pytest.mark.asyncio
async def test_cell_switch_changes_height(host):
    view = EquationView("lstm")
    async with host(view).run_test(size=(100, 20)) as pilot:
        assert view.size.height == 6
        view.cell = "rnn"
        await pilot.pause()
        assert view.size.height == 1
        with pytest.raises(ValueError):
            view.cell = "lstmm"


@pytest.mark.asyncio
async def test_long_equation_is_cut_not_wrapped(host):
    """A wrapped GRU n_t line pushed h_t's equation out of the widget's four lines."""
    view = EquationView("gru")
    async with host(view).run_test(size=(45, 8)) as pilot:
        await pilot.pause()
        lines = [line.text for line in view.render_lines(view.region.reset_offset)]
        assert view.size.height == 4 and lines[3].startswith("h_t = (1 − z_t)")
