"""A sweep file's finite fields refuse JSON's NaN and Infinity; a seed must be a whole number."""

from __future__ import annotations

import json

import pytest

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.sweep import SweepResult
from tests.core.test_sweep_file import point, result


def written(tmp_path, data):
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(data))  # json.dumps writes float("nan") as NaN, as a hand edit might
    return path


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_finite_field_refuses_json_nan_and_infinity(tmp_path, bad):
    data = result([point(10, "rnn", 0, 0.5)]).to_json()
    data["points"][0]["chance"] = bad
    with pytest.raises(RnnTuiError) as caught:
        SweepResult.from_json(written(tmp_path, data))
    assert "points[0].chance" in str(caught.value) and "finite number" in str(caught.value)


def test_a_float_seed_is_refused(tmp_path):
    data = result([point(10, "rnn", 0, 0.5)]).to_json()
    data["points"][0]["seed"] = 0.0
    with pytest.raises(RnnTuiError) as caught:
        SweepResult.from_json(written(tmp_path, data))
    assert "points[0].seed" in str(caught.value)
