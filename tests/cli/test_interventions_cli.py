"""`rnn-tui trace --intervene SPEC` and `rnn-tui ablate`: JSON, the printed ranking, exit-2 errors."""

import json

import pytest

from tests.core.fixtures import scenario_for


def test_trace_records_interventions_and_both_predictions(tmp_path, run_here):
    scenario = str(scenario_for(tmp_path, "seq2vec", "lstm")[0].path)
    out = tmp_path / "t.json"
    result = run_here("trace", scenario, "--steps", "2", "--sample", "1", "--json", str(out),
                      "--intervene", "f:*@2=0", "--intervene", "h:3@2..=0.5")
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert [iv["spec"] for iv in data["interventions"]] == ["f:*@2=0", "h:3@2..=0.5"]
    assert data["interventions"][1] | {"meaning": ""} == {
        "spec": "h:3@2..=0.5", "part": "rnn", "layer": 0, "row": "h", "units": [3],
        "first_t": 1, "last_t": None, "value": 0.5, "meaning": ""}
    rnn_steps = [s for s in data["steps"] if s["part"] == "rnn"]
    effects = data["effects"]
    assert len(effects) == len(rnn_steps) and [e["t"] for e in effects] == list(range(len(rnn_steps)))
    assert effects[0]["shift"] == 0 and effects[-1]["shift"] > 0
    assert rnn_steps[1]["gates"][0]["f"] == [0.0] * 8  # the trace shows the forced gate
    assert all(s["h"][0][3] == 0.5 for s in rnn_steps[1:])
    assert set(data["before"]) == {"loss", "prediction"}


def test_trace_without_intervene_is_unchanged(tmp_path, run_here):  # noqa: F811
    scenario = str(scenario_for(tmp_path, "seq2seq", "gru")[0].path)
    result = run_here("trace", scenario, "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "interventions" not in data and "effects" not in data


BAD = [
    (["--intervene", "f:1@2=0", "--cell", "gru"], "intervention 'f:1@2=0' names row 'f', which a GRU does not have"),
    (["--intervene", "h:8@1=0"], "names unit 8; the rnn has 8 units per layer (0 to 7)"),
    (["--intervene", "h:1@99=0"], "starts at t=99, but the rnn runs"),
    (["--intervene", "h:1@0=0"], "steps count from 1"),
    (["--intervene", "h:1@1"], "is not of the form"),
    (["--intervene", "layer2.h:1@1=0"], "has 1 layer (only layer1)"),
    (["--intervene", "f:1@1=2"], "takes values from 0 to 1"),
]


@pytest.mark.parametrize(("extra", "words"), BAD, ids=[b[0][1] for b in BAD])
def test_bad_specs_exit_2_before_training(tmp_path, run_here, extra, words):  # noqa: F811
    scenario = str(scenario_for(tmp_path, "seq2vec", "lstm")[0].path)
    # --steps large enough that training first would take noticeably long: the spec fails first.
    result = run_here("trace", scenario, "--steps", "100000", "--json", "-", *extra)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_ablate_prints_a_ranking_and_writes_json(tmp_path, run_here):
    scenario = str(scenario_for(tmp_path, "seq2vec", "lstm")[0].path)
    out = tmp_path / "a.json"
    result = run_here("ablate", scenario, "--steps", "3", "--top", "3", "--json", str(out), "--row", "c")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # as wrapped at any width
    assert "ranked by how much worse the accuracy got" in text
    assert "The other 5 units" in text
    data = json.loads(out.read_text())
    assert data["row"] == "c" and data["trained_steps"] == 3 and data["complete"]
    assert sorted(r["unit"] for r in data["ranking"]) == list(range(8))
    assert {"unit", "metric", "effect", "loss", "loss_effect"} == set(data["ranking"][0])


BAD_ABLATE = [
    (["--row", "c", "--cell", "gru"], "names row 'c', which a GRU does not have"),
    (["--layer", "2"], "has 1 layer (only layer1)"),
    (["--part", "decoder"], "names part 'decoder'; this model has one part, rnn"),
    (["--layer", "0"], "not positive"),
    (["--row", "f"], "invalid choice"),
]


@pytest.mark.parametrize(("extra", "words"), BAD_ABLATE, ids=[" ".join(b[0]) for b in BAD_ABLATE])
def test_bad_ablate_arguments_exit_2(tmp_path, run_here, extra, words):  # noqa: F811
    scenario = str(scenario_for(tmp_path, "seq2vec", "lstm")[0].path)
    result = run_here("ablate", scenario, "--steps", "100000", *extra)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr + result.stdout
