"""Log axis: log10 transform and 10^k tick labels."""

import numpy as np
import pytest

from rnn_tui.ui.widgets.log_axis import (
    LogTickFormatter,
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


def test_decade_ticks_over_wide_ranges():
    ticks, labels = LogTickFormatter().get_ticks_and_labels(-3.2, 1.5)
    assert ticks == [-3.0, -2.0, -1.0, 0.0, 1.0]
    assert labels == ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹"]


def test_many_decades_are_strided():
    ticks = LogTickFormatter().get_ticks(-20, 5, max_ticks=6)
    assert len(ticks) <= 6 and all(t == int(t) for t in ticks)


def test_within_a_decade_uses_one_two_five_then_plain_numbers():
    ticks, labels = LogTickFormatter().get_ticks_and_labels(-3.0, -2.05)
    assert labels[:3] == ["10⁻³", "2·10⁻³", "5·10⁻³"]
    ticks, labels = LogTickFormatter().get_ticks_and_labels(0.1, 0.25)
    values = [10**t for t in ticks]
    assert all(1.2 <= v <= 1.8 for v in values) and labels[0] == "1.3"
