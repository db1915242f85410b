"""SweepResult.from_json: a sweep file reads back to the same result; a bad file says why."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.sweep import SweepPlan, SweepPoint, SweepResult, SweepRun

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sweeps"


def point(value, cell, seed, metric, t=None, step=0.01, diverged=None):
    return SweepPoint(value, cell, seed, t or int(value), metric, metric >= 0.95, diverged, 5, step, step / 10,
                      20, 1.5, 0.25)


def result(points, values=(10, 100), cells=("rnn", "lstm"), seeds=(0, 1), key="data.params.seq_len"):
    runs = [(v, c, s) for v in values for c in cells for s in seeds]
    plan = SweepPlan("long-memory", key, values, cells, seeds, "accuracy", 0.95,
                     tuple(SweepRun(i, v, c, s, 5) for i, (v, c, s) in enumerate(runs)))
    return SweepResult(plan, tuple(points), interrupted=True, workers=2, seconds=12.5)


def write(tmp_path, data, name="sweep.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_a_written_sweep_reads_back_to_the_same_file(tmp_path):
    original = result([point(10, "rnn", 0, math.nan, diverged="loss is nan"), point(10, "rnn", 1, 0.5),
                       point(100, "lstm", 0, 1.0, step=0.1), point(10, "lstm", 1, 0.75)])
    path = write(tmp_path, original.to_json())
    back = SweepResult.from_json(path)
    assert back.to_json() == json.loads(path.read_text())
    assert back.plan.values == (10, 100) and back.plan.cells == ("rnn", "lstm")
    assert len(back.plan.runs) == 8 and back.plan.runs[3].scenario is None
    assert math.isnan(back.points[0].metric) and back.points[0].diverged == "loss is nan"
    assert back.interrupted and back.workers == 2 and back.chance == 0.25
    assert [(a.value, a.cell, a.seeds, a.metric_mean) for a in back.aggregates()] == [
        (10, "rnn", 2, 0.5), (10, "lstm", 1, 0.75), (100, "lstm", 1, 1.0)]


def test_values_keep_their_type_float_bool_and_text(tmp_path):
    original = result([point(0.5, "rnn", 0, 0.3, t=20), point(True, "rnn", 0, 0.4, t=20)],
                      values=(0.5, True, "x"), cells=("rnn",), seeds=(0,), key="model.forget_bias")
    back = SweepResult.from_json(write(tmp_path, original.to_json()))
    assert back.plan.values == (0.5, True, "x") and type(back.plan.values[1]) is bool
    assert [type(p.value) for p in back.points] == [float, bool]


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.json")))
def test_the_sweeps_in_docs_read_back(name):
    """Every field a docs file has is written again the same (older files lack newer fields)."""
    data = json.loads((DOCS / name).read_text())
    again = SweepResult.from_json(DOCS / name).to_json()
    assert {k: again[k] for k in data} == data


BAD = [
    ("{not json", "not JSON (line 1, column 2"),
    ([1, 2], "field '(top level)' is [1, 2]; expected a table"),
    ({"sample": 3, "steps": []}, "field 'scenario' is missing; is this a sweep file?"),
    ({"cells": ["rnn", "cnn"]}, "field 'cells[1]' is \"cnn\"; expected one of rnn, lstm, gru"),
    ({"goal": {"metric": "f1", "target": 0.9}}, "field 'goal.metric' is \"f1\"; expected one of accuracy"),
    ({"runs_planned": 7}, "field 'runs_planned' is 7; expected 2 values x 2 cells x 2 seeds = 8"),
    ({"values": [10, 10]}, "field 'values' is [10, 10]; expected each item once"),
    ({"steps": [5, 6]}, "field 'steps' is [5, 6]; expected one step count for every run"),
    ({"points": {}}, "field 'points' is {}; expected a list"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_a_bad_or_foreign_file_is_one_paragraph_naming_file_field_and_value(tmp_path, change, message):
    data = result([point(10, "rnn", 0, 0.5)]).to_json()
    path = write(tmp_path, change if isinstance(change, str | list) or "sample" in change else data | change)
    with pytest.raises(RnnTuiError) as caught:
        SweepResult.from_json(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("value", 20, "field 'points[0].value' is 20; expected one of the values [10, 100]"),
    ("value", 10.0, "field 'points[0].value' is 10.0"),
    ("cell", "gru", "field 'points[0].cell' is \"gru\"; expected one of the cells rnn, lstm"),
    ("metric", "high", "field 'points[0].metric' is \"high\"; expected a number"),
    ("timesteps", 0, "field 'points[0].timesteps' is 0; expected a whole number of at least 1"),
    ("reached", "yes", "field 'points[0].reached' is \"yes\"; expected true or false"),
])
def test_a_bad_point_names_its_index_and_field(tmp_path, field, bad, message):
    data = result([point(10, "rnn", 0, 0.5)]).to_json()
    data["points"][0][field] = bad
    with pytest.raises(RnnTuiError, match=None) as caught:
        SweepResult.from_json(write(tmp_path, data))
    assert message in str(caught.value)


def test_a_run_twice_and_a_missing_file_are_errors(tmp_path):
    data = result([point(10, "rnn", 0, 0.5), point(10, "rnn", 0, 0.6)]).to_json()
    with pytest.raises(RnnTuiError, match=r"points\[1\]' .*expected each \(value, cell, seed\) run once"):
        SweepResult.from_json(write(tmp_path, data))
    with pytest.raises(RnnTuiError, match="no such file"):
        SweepResult.from_json(tmp_path / "none.json")
    with pytest.raises(RnnTuiError, match="is a folder"):
        SweepResult.from_json(tmp_path)
