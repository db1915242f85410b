"""A sweep's per-cell quantities also exist without ".{cell}", for the current cell, as documented."""

import pytest

from rnn_tui.core.lessons.quantities import Evidence, evaluate, measure
from rnn_tui.core.scenario import load_scenario
from tests.core.test_sweep_file import point, result


def evidence_with_sweep(cell):
    evidence = Evidence()
    evidence.set_scenario(load_scenario("long-memory").with_changes({"model.cell": cell}))
    evidence.record_sweep(result([
        point(10, "rnn", 0, 1.0, step=0.01), point(10, "rnn", 1, 1.0, step=0.01),
        point(100, "rnn", 0, 0.3, step=0.08), point(100, "rnn", 1, 0.4, step=0.08),
        point(10, "lstm", 0, 1.0, step=0.02), point(10, "lstm", 1, 1.0, step=0.02),
        point(100, "lstm", 0, 1.0, step=0.2), point(100, "lstm", 1, 1.0, step=0.2),
    ]))
    return evidence


@pytest.mark.parametrize(("cell", "gives_up", "time_ratio"), [("rnn", 100, 8.0), ("lstm", float("inf"), 10.0)])
def test_short_names_are_the_current_cells(cell, gives_up, time_ratio):
    values = measure(evidence_with_sweep(cell))
    assert values["sweep.gives_up"] == values[f"sweep.gives_up.{cell}"] == gives_up
    assert values["sweep.time_ratio"] == pytest.approx(time_ratio)
    assert values["sweep.slope"] == values[f"sweep.slope.{cell}"]
    assert evaluate("sweep.time_ratio > 2 and sweep.slope > 0.3", values)


def test_a_current_cell_outside_the_sweep_has_no_short_names():
    values = measure(evidence_with_sweep("gru"))
    assert "sweep.gives_up" not in values and "sweep.gives_up.rnn" in values
