"""What train and trace write is true and readable: strict JSON, honest summaries, notes."""

import json
from pathlib import Path

import pytest
import torch

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.trace import trace_example
from rnn_tui.core.training import Trainer
from rnn_tui.core.weights import read_metadata, save_weights
from rnn_tui.headless import _write_json
from tests.core.fixtures import scenario_for
from tests.core.test_scenario_errors import GOOD, write

DIVERGING = ("train", "exploding-gradients", "--set", "training.clip=false", "--set", "training.learning_rate=0.1",
             "--set", "training.probe_every=1", "--steps", "200", "--quiet")


def strict_json(text: str):
    """json.loads as a strict parser (JavaScript's, Go's, jq's) reads it: no NaN or Infinity."""

    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def words(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def flat(values) -> list:
    return [v for item in values for v in flat(item)] if isinstance(values, list) else [values]


@pytest.fixture(scope="module")
def overflowing_weights(tmp_path_factory) -> Path:
    """Finite sine-waves weights whose output layer is so large that the loss overflows to inf."""
    trainer = Trainer(load_scenario("sine-waves"))
    with torch.no_grad():
        trainer.model.head.weight.mul_(1e30)
    path = tmp_path_factory.mktemp("weights") / "huge.safetensors"
    return save_weights(trainer.model, path, {"scenario": "sine-waves", "cell": "lstm", "hidden_size": "64", "step": "0"})


def test_a_diverged_run_writes_strict_json_saves_the_last_good_weights_and_exits_1(tmp_path, run_here):
    out, weights = tmp_path / "run.json", tmp_path / "w.safetensors"
    result = run_here(*DIVERGING, "--json", str(out), "--save", str(weights))
    assert result.returncode == 1, result.stderr
    data = strict_json(out.read_text())
    last = data["reports"][-1]
    assert last["diverged"] and last["loss"] is None  # inf
    assert None in flat(last["grad_through_time"]["rnn"])  # inf before the update that broke it
    # The weights from before the update whose loss was inf: two steps back.
    diverged_at = last["step"]
    assert data["steps"] == diverged_at and data["weights_step"] == diverged_at - 2
    assert data["diverged"] and data["reached"] is False
    assert data["saved"] == str(weights) and read_metadata(weights)["step"] == str(diverged_at - 2)
    text = words(result.stdout)
    assert f"diverged at step {diverged_at}" in text
    assert f"saved the last good weights, from before the divergence, after {diverged_at - 2} training steps" in text


def test_loaded_weights_that_diverge_at_once_are_not_saved_as_trained(tmp_path, run_here, overflowing_weights):
    """Before: the random weights from before --load came back, were saved, and it exited 0."""
    out, saved = tmp_path / "run.json", tmp_path / "after.safetensors"
    result = run_here("train", "sine-waves", "--load", str(overflowing_weights), "--steps", "5", "--quiet",
                      "--json", str(out), "--save", str(saved))
    assert result.returncode == 1, result.stderr
    assert not saved.exists()
    assert "nothing saved to" in words(result.stdout) and "the weights are still the weights loaded from" in words(result.stdout)
    data = strict_json(out.read_text())
    assert data["saved"] is None and data["weights_step"] == 0 and data["steps"] == 1
    assert data["reports"][0]["loss"] is None and data["final"]["loss"] is None  # the loaded weights' inf


def test_trace_json_is_strict_when_the_loss_overflows(tmp_path, run_here, overflowing_weights):
    out = tmp_path / "trace.json"
    result = run_here("trace", "sine-waves", "--load", str(overflowing_weights), "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = strict_json(out.read_text())
    assert data["loss"] is None
    assert None in flat([step["grad_h"] for step in data["steps"]])


def test_trace_json_writes_nan_weights_and_states_as_null(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2vec")
    trainer = Trainer(scenario)
    module = next(iter(trainer.model.parts.values()))
    with torch.no_grad():
        module.weight_hh_l0[0, 0] = float("nan")
    trace = trace_example(trainer.model, trainer.dataset, trainer.dataset.test.select([0]))
    data = strict_json(json.dumps(trace.to_json()))
    assert data["loss"] is None
    layer = next(iter(data["weights"].values()))[0]
    assert layer["weight_hh"][0][0] is None and layer["weight_hh"][0][1] is not None
    assert None in flat([step["h"] for step in data["steps"]])


def test_an_unwritable_json_output_is_an_error_not_a_traceback():
    """A full disk (/dev/full now fails the up-front check, so write to it directly)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(RnnTuiError, match="No space left"):
        _write_json("/dev/full", {"loss": 1.0})


# -- notes: what the settings do not say ------------------------------------------------


def test_a_batch_larger_than_the_data_is_noted(tmp_path, run_here):
    path = write(tmp_path, GOOD.replace("learning_rate = 0.01", "learning_rate = 0.01\nbatch_size = 64"))
    out = tmp_path / "run.json"
    result = run_here("train", str(path), "--steps", "1", "--quiet", "--json", str(out))
    assert result.returncode == 0, result.stderr
    note = "training.batch_size = 64 is more than the 55 training examples"
    assert f"rnn-tui: note: {note}" in result.stderr
    notes = strict_json(out.read_text())["notes"]
    assert len(notes) == 1 and notes[0].startswith(note)


def test_weights_from_another_scenario_load_with_a_note(tmp_path, run_here):
    mine, weights = write(tmp_path), tmp_path / "mine.safetensors"
    assert run_here("train", str(mine), "--steps", "2", "--quiet", "--save", str(weights)).returncode == 0
    result = run_here("train", str(mine), "--steps", "1", "--quiet", "--load", str(weights))
    assert result.returncode == 0 and "note" not in result.stderr  # same scenario: nothing to say
    other, out = tmp_path / "other.toml", tmp_path / "run.json"
    other.write_text(GOOD.replace('name = "mine"', 'name = "other"'), encoding="utf-8")
    result = run_here("train", str(other), "--steps", "1", "--quiet", "--load", str(weights), "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "these weights were trained on scenario 'mine' for 2 steps, not 'other'" in result.stderr
    assert strict_json(out.read_text())["loaded"] == {"path": str(weights), "scenario": "mine", "step": "2"}


def test_a_files_relu_is_noted_not_refused_when_only_the_cell_changes(tmp_path, run_here):
    path = write(tmp_path, GOOD.replace('cell = "lstm"', 'cell = "rnn"\nnonlinearity = "relu"'))
    assert run_here("train", str(path), "--steps", "1", "--quiet").returncode == 0
    result = run_here("train", str(path), "--cell", "gru", "--steps", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "note: model.nonlinearity = 'relu' applies to cell = \"rnn\" only; the gru" in result.stderr
