"""The headless command line, run as a user runs it (a subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.fixtures import scenario_for

ENV = {**os.environ, "COLUMNS": "120"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """As a user runs it: a new process."""
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300)


def test_list_shows_builtins():
    result = run("list")
    assert result.returncode == 0
    for name in ("sine-waves", "stock-prices", "exploding-gradients"):
        assert name in result.stdout
    assert "seq2seq" in result.stdout


def test_train_writes_json_and_weights(tmp_path, run_here):
    out, weights = tmp_path / "run.json", tmp_path / "w.safetensors"
    result = run_here("train", "sine-waves", "--steps", "20", "--seed", "3", "--json", str(out), "--save", str(weights), "--quiet")
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["steps"] == 20 and len(data["reports"]) == 20
    assert data["goal"] == {"metric": "rmse_ratio", "target": 0.5}
    assert isinstance(data["reached"], bool) and "metric" in data["final"]
    assert "grad_through_time" in data["reports"][0] and "param_grad_norms" in data["reports"][0]
    assert weights.exists()
    # Start from the saved weights: the held-out loss at step 0 is the trained one.
    trace_out = tmp_path / "trace.json"
    result = run_here("trace", "sine-waves", "--load", str(weights), "--json", str(trace_out))
    assert result.returncode == 0, result.stderr
    assert json.loads(trace_out.read_text())["loss"] < 1.0


def test_train_says_how_many_held_out_targets_and_shows_baselines(tmp_path, run_here):
    """A CSV scored on rmse_ratio still prints its RMSE in the column's units, the count and the baselines."""
    from tests.core.test_scenario_errors import CSV, GOOD

    (tmp_path / "series.csv").write_text(CSV, encoding="utf-8")
    scenario = tmp_path / "mine.toml"
    scenario.write_text(GOOD.replace('metric = "rmse"', 'metric = "rmse_ratio"').replace("seq_len = 5", "seq_len = 5\nseason = 7"))
    out = tmp_path / "run.json"
    result = run_here("train", str(scenario), "--steps", "2", "--quiet", "--json", str(out))
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "over 20 held-out values" in text  # 80 rows, train_fraction 0.75: the last 20
    assert "held-out RMSE = " in text and "baseline persistence_rmse = " in text and "baseline seasonal_naive_rmse = 0" in text
    final = json.loads(out.read_text())
    assert final["final"]["targets"] == 20 and final["final"]["rmse"] > 0
    assert final["reports"][0]["eval"]["targets"] == 20  # eval_size 256 > the 20 held-out windows
    assert set(final["baselines"]) == {"persistence_rmse", "seasonal_naive_rmse"}

    (tmp_path / "reviews.tsv").write_text("".join(f"{'good' if i % 3 else 'bad'} film {i}\t{'pos' if i % 3 else 'neg'}\n" for i in range(40)))
    text_scenario = tmp_path / "reviews.toml"
    text_scenario.write_text(
        GOOD.replace('topology = "seq2seq"', 'topology = "seq2vec"').replace('file = "series.csv"', 'file = "reviews.tsv"')
        .replace('column = "price"\nseq_len = 5\n', "").replace('metric = "rmse"', 'metric = "accuracy"')
    )
    result = run_here("train", str(text_scenario), "--steps", "2", "--quiet")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0, result.stderr
    assert "over 8 held-out examples" in text and "held-out RMSE" not in text
    assert "baseline majority_class_accuracy = " in text and "baseline bag_of_words_accuracy = 1" in text

    result = run_here("train", "translation", "--steps", "1", "--quiet")  # a generator with no baseline
    text = " ".join(result.stdout.split())
    assert result.returncode == 0 and "over 500 held-out sentences" in text
    assert "no baseline is computed for this data" in text


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
def test_trace_every_topology(tmp_path, topology, run_here):
    if topology == "vec2seq":
        pytest.importorskip("rnn_tui.core.data.captioning")
        scenario = "captioning"
    else:
        scenario = str(scenario_for(tmp_path, topology)[0].path)
    out = tmp_path / "t.json"
    result = run_here("trace", scenario, "--cell", "gru", "--steps", "2", "--sample", "1", "--json", str(out))
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


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_bad_arguments_in_a_real_process():
    result = run("train", "sine-waves", "--set", "model.hidden_size=0")
    assert result.returncode == 2 and "model.hidden_size" in result.stderr and "Traceback" not in result.stderr


def test_bad_weights_files(tmp_path, run_here):
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"this is not a weights file at all")
    result = run_here("train", "sine-waves", "--steps", "1", "--load", str(junk))
    assert result.returncode == 2 and "not an rnn-tui weights file" in result.stderr
    good = tmp_path / "good.safetensors"
    assert run_here("train", "sine-waves", "--steps", "1", "--save", str(good), "--quiet").returncode == 0
    truncated = tmp_path / "cut.safetensors"
    truncated.write_bytes(good.read_bytes()[:-100])
    result = run_here("train", "sine-waves", "--steps", "1", "--load", str(truncated))
    assert result.returncode == 2 and "damaged or truncated" in result.stderr
    result = run_here("train", "sine-waves", "--steps", "1", "--load", str(good), "--set", "model.hidden_size=12")
    assert result.returncode == 2 and "another model shape" in result.stderr
    pickle_file = tmp_path / "model.pt"
    import torch

    torch.save({"x": torch.zeros(1)}, pickle_file)
    result = run_here("train", "sine-waves", "--steps", "1", "--load", str(pickle_file))
    assert result.returncode == 2 and "not an rnn-tui weights file" in result.stderr


@pytest.mark.parametrize("argv", [["bogus"], ["app", "bogus"], ["missing.toml"], ["serve", "bogus"]])
def test_a_scenario_that_is_not_there_exits_2_before_any_ui(monkeypatch, run_here, argv):
    """Before: the app opened on a fallback with a banner (and without a terminal, hung)."""
    opened = []
    monkeypatch.setattr("rnn_tui.launch.open_app", lambda *args: opened.append(args) or 0)
    monkeypatch.setattr("rnn_tui.serve.serve", lambda *args: opened.append(args) or 0)
    result = run_here(*argv)
    assert result.returncode == 2 and not opened
    assert "rnn-tui: error:" in result.stderr and argv[-1] in result.stderr
    assert "sine-waves, stock-prices, translation" in result.stderr and "commands are list, train, trace, ablate, sweep, serve" in result.stderr


def test_a_typo_exits_at_once_without_a_terminal():
    result = subprocess.run([sys.executable, "-m", "rnn_tui", "bogus"], capture_output=True, text=True, env=ENV,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 2 and "no built-in scenario named 'bogus'" in result.stderr


def test_trace_help_gives_its_own_default_steps(run_here):
    result = run_here("trace", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "training steps before the trace (default: 0" in text and "scenario's budget" not in text
    assert "default: the scenario's budget" in " ".join(run_here("train", "--help").stdout.split())


def test_the_app_takes_set_cell_and_seed_checked_before_any_ui(monkeypatch, run_here):
    opened = []
    monkeypatch.setattr("rnn_tui.launch.open_app", lambda *args: opened.append(args) or 0)
    monkeypatch.setattr("rnn_tui.serve.serve", lambda *args: opened.append(args) or 0)
    bad = run_here("sine-waves", "--set", "model.hidden_size=5000")
    assert bad.returncode == 2 and "hidden_size" in bad.stderr and "5000" in bad.stderr
    assert run_here("--set", "training.nonsense=1").returncode == 2  # the default scenario
    assert not opened
    good = run_here("long-memory", "--cell", "gru", "--seed", "3", "--set", "data.params.seq_len=20")
    assert good.returncode == 0
    assert opened[-1] == ("long-memory", ["data.params.seq_len=20", "model.cell=gru", "training.seed=3"])
    assert run_here("serve", "long-memory", "--set", "training.clip=false").returncode == 0
    assert opened[-1][-1] == ["training.clip=false"]


def test_the_app_opens_the_scenario_with_the_settings_applied():
    from rnn_tui.ui.app import RnnTuiApp

    app = RnnTuiApp("long-memory", settings=["model.cell=gru", "data.params.seq_len=20"])
    assert app.initial.model.cell == "gru" and app.initial.data.params["seq_len"] == 20


def test_serve_passes_the_settings_to_every_tab():
    from rnn_tui.serve import serve_command

    command = serve_command("long-memory", ["training.clip=false", 'model.cell="gru"'])
    assert command.endswith("app long-memory --set training.clip=false --set 'model.cell=\"gru\"'")


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`rnn-tui learn | head -1`: the pipe closes before the list is written; rnn-tui stops quietly."""
    process = subprocess.Popen([sys.executable, "-m", "rnn_tui", "learn"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    process.stdout.close()  # before the interpreter has even started: every write meets a closed pipe
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, error
    assert "Traceback" not in error and error == ""
