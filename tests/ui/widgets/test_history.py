"""Bounded histories and display thinning."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_tui.ui.widgets.history import BoundedHistory, merge_pairs, thin


def test_never_exceeds_bound_and_keeps_recent_points_exact():
    history = BoundedHistory(max_points=100)
    for step in range(10_000):
        history.append(step, float(step) ** 0.5)
        assert len(history) <= 100
    x = history.x
    assert history.last == (9999.0, 9999.0**0.5)
    assert np.all(np.diff(x) > 0)
    assert x[0] < history.stride  # the run's start is still covered, coarsely
    assert np.array_equal(x[-50:], np.arange(9950, 10_000))  # the newest half is exact
    coarse = np.diff(x[: len(x) - 52])
    assert np.allclose(coarse, history.stride)  # older points evenly spaced


def test_mean_merge_preserves_a_constant_and_max_merge_keeps_spikes():
    history = BoundedHistory(max_points=10, reduce="mean")
    history.extend(np.arange(50), np.full(50, 2.5))
    assert np.allclose(history.y, 2.5)
    spiky = BoundedHistory(max_points=10, reduce="max")
    ys = np.ones(50)
    ys[3] = 100.0
    spiky.extend(np.arange(50), ys)
    assert spiky.y.max() == 100.0


def test_nan_survives_compaction():
    history = BoundedHistory(max_points=8)
    ys = np.zeros(300)
    ys[1] = np.nan
    history.extend(np.arange(300), ys)
    assert np.isnan(history.y).any()


def test_merge_pairs_keeps_an_odd_point():
    x = np.arange(5.0)
    new_x, new_y = merge_pairs(x, x * 2)
    assert new_x.tolist() == [0.5, 2.5, 4]
    assert new_y.tolist() == [1, 5, 8]
    assert merge_pairs(x, x * 2, "max")[1].tolist() == [2, 6, 8]
    with pytest.raises(ValueError):
        merge_pairs(x, x, reduce="median")


def test_bound_must_be_sensible():
    with pytest.raises(ValueError):
        BoundedHistory(max_points=5)


@settings(max_examples=50, deadline=None)
@given(st.integers(5, 3000), st.integers(4, 200), st.integers(0, 10_000))
def test_thin_bounds_and_extremes(n, target, seed):
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=float)
    y = rng.normal(size=n)
    tx, ty = thin(x, y, target)
    assert len(tx) <= max(target, 4) + 2
    assert tx[0] == x[0] and tx[-1] == x[-1]
    assert ty.max() == y.max() and ty.min() == y.min()
    assert np.all(np.diff(tx) > 0)
