"""The Sweep panel's default sweep for every built-in scenario is one the engine accepts."""

from __future__ import annotations

import pytest

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import builtin_names, load_scenario
from rnn_tui.ui.panels.sweep_plan import SweepSpec, default_spec, plan_from


@pytest.mark.parametrize("name", builtin_names())
def test_the_default_sweep_of_every_scenario_plans(name):
    scenario = load_scenario(name)
    spec = default_spec(scenario)
    plan = plan_from(scenario, spec)  # checks every value's data (bounds, sizes) up front
    assert len(plan.values) >= 2 and len(plan.runs) <= 12 and plan.cells == ("rnn", "lstm", "gru")
    assert all(run.steps <= 150 for run in plan.runs)  # a minute or two, not an hour
    if "seq_len" in scenario.data.params:
        assert plan.key == "data.params.seq_len"


def test_long_memory_defaults_to_the_short_ladder():
    spec = default_spec(load_scenario("long-memory"))
    assert (spec.key, spec.values, spec.cells, spec.seeds, spec.steps) == (
        "data.params.seq_len", "5,10,20,30", "rnn,lstm,gru", "0", "150")


@pytest.mark.parametrize(("field", "text", "message"), [
    ("steps", "0", "steps '0': give a whole number of training steps per run, 1 to 100000"),
    ("values", "5,,10", "an empty value between commas"),
    ("cells", "rnn,cnn", "'cnn' is not a cell"),
    ("key", "model.cell", "a sweep sets this itself; use --cells instead"),
])
def test_a_bad_field_is_one_paragraph(field, text, message):
    scenario = load_scenario("long-memory")
    spec = SweepSpec(**{**default_spec(scenario).__dict__, field: text})
    with pytest.raises(RnnTuiError, match=None) as caught:
        plan_from(scenario, spec)
    assert message in str(caught.value) and "\n" not in str(caught.value)
