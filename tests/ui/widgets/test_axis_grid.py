"""Axes fitted to cells: ticks a whole number of cells apart, values in the cell of their tick."""

from __future__ import annotations

import math

import pytest

from rnn_tui.ui.widgets.axis_grid import (
    CellAxis,
    fit_fixed,
    fit_linear,
    fit_log,
    fit_steps,
    linear_labels,
)


def tick_cells(axis: CellAxis) -> list[int]:
    return [axis.cell(tick) for tick in axis.ticks]


def evenly_spaced(cells: list[int]) -> bool:
    return len({b - a for a, b in zip(cells, cells[1:], strict=False)}) <= 1


def test_ends_sit_in_the_middle_of_the_first_and_last_cells():
    axis = CellAxis(0.0, 1.0, 6)
    assert axis.offset(0.0) == 0.5 and axis.offset(1.0) == 5.5
    assert axis.cell(0.0) == 0 and axis.cell(1.0) == 5 and axis.cell(0.59) == 3
    assert axis.cell(-3.0) == 0 and axis.cell(7.0) == 5  # clamped inside the frame
    scale, shift = axis.affine()  # the charts' fast path: the same line
    assert all(scale * v + shift == pytest.approx(axis.offset(v)) for v in (-1.0, 0.3, 2.0))


@pytest.mark.parametrize("cells", range(3, 30))
@pytest.mark.parametrize(
    "lo, hi", [(-5.3, 0.2), (-1.3, 30.2), (-0.7, -0.2), (-12.0, -3.0), (0.0, 0.0)]
)
def test_log_decades_evenly_spaced_and_covering_the_data(cells, lo, hi):
    axis = fit_log(lo, hi, cells, 2 if cells >= 7 else 1)
    assert axis.lo <= lo and axis.hi >= hi
    assert len(axis.ticks) >= 2 and all(t == round(t) for t in axis.ticks)  # decades only
    assert evenly_spaced(tick_cells(axis)), (axis, tick_cells(axis))
    assert all(axis.cell(t) == c for t, c in zip(axis.ticks, tick_cells(axis), strict=True))


@pytest.mark.parametrize("cells", range(3, 30))
@pytest.mark.parametrize("lo, hi", [(0.31, 0.69), (0.3, 9.8e33), (-2.0, 3.0), (5.0, 5.0)])
def test_linear_ticks_evenly_spaced_and_covering_the_data(cells, lo, hi):
    axis = fit_linear(lo, hi, cells, 2 if cells >= 7 else 1)
    assert axis.lo <= lo and axis.hi >= hi
    assert len(axis.ticks) >= 2
    assert evenly_spaced(tick_cells(axis)), (axis, tick_cells(axis))
    assert len(set(axis.labels)) == len(axis.labels) and all(len(x) <= 7 for x in axis.labels)


@pytest.mark.parametrize("cells", range(3, 30))
def test_fixed_axis_keeps_its_limits_and_ticks_within_a_cell_of_even(cells):
    axis = fit_fixed(0.0, 1.0, cells, 2 if cells >= 7 else 1)
    assert (axis.lo, axis.hi) == (0.0, 1.0) and axis.ticks[0] == 0.0 and axis.ticks[-1] == 1.0
    gaps = {b - a for a, b in zip(tick_cells(axis), tick_cells(axis)[1:], strict=False)}
    assert max(gaps) - min(gaps) <= 1
    if (cells - 1) % 4 == 0 or (cells - 1) % 5 == 0:
        assert len(gaps) == 1  # 0.25 or 0.2 apart exactly when the cells allow it


def test_absurd_values_are_labelled_in_scientific_notation():
    axis = fit_linear(0.5, 9.8e33, 6)
    assert axis.hi >= 9.8e33
    assert all(label == "0" or "e" in label for label in axis.labels), axis.labels
    assert [float(label) for label in axis.labels] == pytest.approx(list(axis.ticks))
    assert linear_labels([0.0, 1e-5, 2e-5], 1e-5) == ["0", "1e-5", "2e-5"]
    assert linear_labels([0.0, 0.25, 0.5], 0.25) == ["0.00", "0.25", "0.50"]


def test_step_axis_has_whole_numbers_even_for_one_point():
    axis = fit_steps(1.0, 1.0, 30)
    assert all(t == int(t) for t in axis.ticks) and axis.hi - axis.lo >= 1
    axis = fit_steps(0.0, 951.0, 31)
    assert axis.labels[:3] == ("0", "200", "400")
    gaps = [b - a for a, b in zip(tick_cells(axis), tick_cells(axis)[1:], strict=False)]
    assert min(gaps) >= max(len(label) for label in axis.labels) + 2  # labels never touch


def test_nothing_to_fit_in_too_few_cells():
    axis = fit_log(-3.0, 0.0, 1)
    assert axis.ticks == () and math.isfinite(axis.offset(-1.0))
