"""Log axis: log10 transform and 10^k tick labels (tick placement: test_axis_grid.py)."""

import numpy as np
import pytest

from rnn_tui.ui.widgets.log_axis import (
    format_log_tick,
    format_power_of_ten,
    to_log10,
)


def test_power_of_ten_uses_superscripts():
    assert format_power_of_ten(3) == "10³"
    assert format_power_of_ten(-12) == "10⁻¹²"
    assert format_power_of_ten(0) == "10⁰"


def test_log_tick_labels_on_and_between_decades():
    assert format_log_tick(-2.0) == "10⁻²"
    assert format_log_tick(np.log10(5e-3)) == "5·10⁻³"


def test_to_log10_drops_non_positive_and_keeps_nan():
    out = to_log10(np.array([100.0, 0.0, -1.0, np.nan]))
    assert out[0] == pytest.approx(2.0)
    assert np.isneginf(out[1]) and np.isneginf(out[2]) and np.isnan(out[3])
