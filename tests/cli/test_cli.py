"""The headless command line, run as a user runs it (a subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_tui.cli import main
from tests.core.fixtures import scenario_for

ENV = {**os.environ, "COLUMNS": "120"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """As a user runs it: a new process."""
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300)


@pytest.fixture
def run_here(capsys):
    """In this process (torch already loaded), for the many error cases; same exit codes."""

    def call(*args: str) -> subprocess.CompletedProcess:
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's own errors
            code = exit_.code
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    return call


def test_list_shows_builtins():
    result = run("list")
    assert result.returncode == 0
    for name in ("sine-waves", "stock-prices", "exploding-gradients"):
        assert name in result.stdout
    assert "seq2seq" in result.stdout


def test_train_writes_json_and_weights(tmp_path):
    out, weights = tmp_path / "run.json", tmp_path / "w.safetensors"
    result = run("train", "sine-waves", "--steps", "20", "--seed", "3", "--json", str(out), "--save", str(weights), "--quiet")
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["steps"] == 20 and len(data["reports"]) == 20
    assert data["goal"] == {"metric": "rmse_ratio", "target": 0.5}
    assert isinstance(data["reached"], bool) and "metric" in data["final"]
    assert "grad_through_time" in data["reports"][0] and "param_grad_norms" in data["reports"][0]
    assert weights.exists()
    # Start from the saved weights: the held-out loss at step 0 is the trained one.
    trace_out = tmp_path / "trace.json"
    result = run("trace", "sine-waves", "--load", str(weights), "--json", str(trace_out))
    assert result.returncode == 0, result.stderr
    assert json.loads(trace_out.read_text())["loss"] < 1.0


# A new process each (torch imported anew): the fast suite keeps the encoder-decoder, the
# one with two parts; tests/core/test_topologies_and_trace.py traces them all in-process.
@pytest.mark.parametrize(
    "topology",
    [
        pytest.param("seq2seq", marks=pytest.mark.slow),
        pytest.param("seq2vec", marks=pytest.mark.slow),
        pytest.param("vec2seq", marks=pytest.mark.slow),
        "encoder-decoder",
    ],
)
def test_trace_every_topology(tmp_path, topology):
    if topology == "vec2seq":
        pytest.importorskip("rnn_tui.core.data.captioning")
        scenario = "captioning"
    else:
        scenario = str(scenario_for(tmp_path, topology)[0].path)
    out = tmp_path / "t.json"
    result = run("trace", scenario, "--cell", "gru", "--steps", "2", "--sample", "1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["cell"] == "gru" and data["steps"] and data["steps"][0]["gates"][0].keys() == {"r", "z", "n"}


BAD = [
    (["train", "no-such-scenario"], "no built-in scenario named"),
    (["train", "sine-waves", "--cell", "transformer"], "invalid choice"),
    (["train", "sine-waves", "--steps", "-3"], "negative"),
    (["train", "sine-waves", "--steps", "many"], "not a whole number"),
    (["train", "sine-waves", "--json", "/no/such/dir/out.json"], "does not exist"),
    (["train", "sine-waves", "--save", "/"], "is a directory"),
    (["train", "sine-waves", "--set", "model.hidden_size=0"], "model.hidden_size"),
    (["train", "sine-waves", "--set", "modle.cell=gru"], "cannot set modle.cell"),
    (["train", "sine-waves", "--set", "noequals"], "KEY=VALUE"),
    (["trace", "sine-waves", "--sample", "99999", "--json", "-"], "out of range"),
    (["trace", "sine-waves"], "--json"),
    (["serve", "--port", "99999"], "not a port"),
]


@pytest.mark.parametrize(("args", "words"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_arguments_exit_2_without_traceback(run_here, args, words):
    result = run_here(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_arguments_in_a_real_process():
    result = run("train", "sine-waves", "--set", "model.hidden_size=0")
    assert result.returncode == 2 and "model.hidden_size" in result.stderr and "Traceback" not in result.stderr


def test_bad_weights_files(tmp_path, run_here):
    run = run_here
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"this is not a weights file at all")
    result = run("train", "sine-waves", "--steps", "1", "--load", str(junk))
    assert result.returncode == 2 and "not an rnn-tui weights file" in result.stderr
    good = tmp_path / "good.safetensors"
    assert run("train", "sine-waves", "--steps", "1", "--save", str(good), "--quiet").returncode == 0
    truncated = tmp_path / "cut.safetensors"
    truncated.write_bytes(good.read_bytes()[:-100])
    result = run("train", "sine-waves", "--steps", "1", "--load", str(truncated))
    assert result.returncode == 2 and "damaged or truncated" in result.stderr
    result = run("train", "sine-waves", "--steps", "1", "--load", str(good), "--set", "model.hidden_size=12")
    assert result.returncode == 2 and "another model shape" in result.stderr
    pickle_file = tmp_path / "model.pt"
    import torch

    torch.save({"x": torch.zeros(1)}, pickle_file)
    result = run("train", "sine-waves", "--steps", "1", "--load", str(pickle_file))
    assert result.returncode == 2 and "not an rnn-tui weights file" in result.stderr
