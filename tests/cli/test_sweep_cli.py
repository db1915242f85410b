"""`rnn-tui sweep`: a tiny sweep end to end, its errors, and ctrl+c, run as a user runs them."""

import csv
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rnn_tui.cli import build_parser
from rnn_tui.sweep_cli import _plan
from tests.cli.test_cli import ENV

TINY = ["--set", "model.hidden_size=4", "--set", "data.params.n_train=100", "--set", "data.params.n_test=20",
        "--set", "training.eval_size=20"]


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_a_tiny_sweep_prints_the_table_and_timing_and_writes_json_and_csv(run_here, tmp_path):
    out_json, out_csv = tmp_path / "sweep.json", tmp_path / "sweep.csv"
    # In this process (torch already loaded): the two spawned workers are the cost.
    result = run_here("sweep", "long-memory", "--vary", "data.params.seq_len=3,6", "--cells", "rnn,gru", "--seeds", "0",
                 "--steps", "3", *TINY, "--workers", "2", "--timing", "--json", str(out_json), "--csv", str(out_csv))
    assert result.returncode == 0, result.stderr
    assert "4 runs of 3 steps on 2 worker processes" in result.stdout
    assert "run 4/4 done" in result.stdout  # not a terminal: a line per finished run
    assert "held-out accuracy over seeds (goal >= 0.95; chance 0.25)" in result.stdout
    assert "CPU seconds per training step (log scale" in result.stdout and "sequence length T" in result.stdout
    assert "log-log slope" in result.stdout and "ms per timestep" in result.stdout and "h_{t-1}" in result.stdout
    fits = [line.split() for line in result.stdout.splitlines() if line.split()[:1] in (["rnn"], ["gru"])]
    assert len(fits) == 4 and all(len(row) == 6 for row in fits)  # a row per cell, for steps and forward passes
    data = json.loads(out_json.read_text())
    assert data["interrupted"] is False and data["steps"] == [3] and data["workers"] == 2
    assert [(p["value"], p["cell"], p["timesteps"], p["held_out"]) for p in data["points"]] == [
        (3, "rnn", 3, 20), (3, "gru", 3, 20), (6, "rnn", 6, 20), (6, "gru", 6, 20)]
    assert all(0 <= p["metric"] <= 1 and p["seconds_per_step"] > 0 for p in data["points"])
    assert len(data["aggregates"]) == 4 and data["timing"]["step"]["gru"]["points"] == 2
    rows = list(csv.DictReader(out_csv.open()))
    assert [row["data.params.seq_len"] for row in rows] == ["3", "3", "6", "6"]
    assert {row["steps"] for row in rows} == {"3"}


BAD = [
    (["--vary", "data.params.seq_len=5,1"], "--vary data.params.seq_len=1:"),
    (["--vary", "data.params.seq_len"], "expected KEY=VALUE"),
    (["--vary", "model.hidden_size=8", "--cells", "rnn,cnn"], "'cnn' is not a cell"),
    (["--vary", "model.hidden_size=8", "--seeds", "a"], "is not a seed"),
    (["--vary", "model.hidden_size=8", "--steps", "99999999"], "--steps 99,999,999 is too many"),
    (["--vary", "model.hidden_size=8", "--set", "model.hidden_size"], "expected KEY=VALUE"),
    (["--vary", "model.hidden_size=8", "--json", "/dev/null"], "--json /dev/null: is not a regular file"),
    (["--vary", "model.hidden_size=8", "--csv", "-"], "--csv -: the table goes to the terminal"),
    (["--vary", "model.hidden_size=8", "--csv", "/no/such/dir/x.csv"], "the folder /no/such/dir does not exist"),
    (["--vary", "model.hidden_size=8", "--json", "same.out", "--csv", "same.out"], "are the same file"),
]


@pytest.mark.parametrize(("extra", "message"), BAD)
def test_bad_input_is_one_paragraph_and_exit_2_before_training(run_here, extra, message):
    result = run_here("sweep", "long-memory", *extra)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.parametrize("extra", [["--workers", "0"], []])
def test_argparse_errors_exit_2(run_here, extra):
    args = ["--vary", "model.hidden_size=8"] if extra else []  # no --vary: it is required
    result = run_here("sweep", "long-memory", *args, *extra)
    assert result.returncode == 2 and "usage:" in result.stderr


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_ctrl_c_ends_the_workers_prints_what_finished_and_exits_130(tmp_path):
    out = tmp_path / "sweep.json"
    # The first run is short; the second long enough that ctrl+c lands inside it.
    process = subprocess.Popen(
        [sys.executable, "-m", "rnn_tui", "sweep", "long-memory", "--vary", "data.params.seq_len=2,1000",
         "--steps", "100", "--cells", "rnn", *TINY, "--workers", "1", "--json", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    lines: list[str] = []
    first_done = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("run 1/2 done"):
                first_done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert first_done.wait(timeout=300), "".join(lines) + process.stderr.read()
    os.killpg(process.pid, signal.SIGINT)  # as the terminal does: the whole foreground group
    assert process.wait(timeout=120) == 130
    reader.join(timeout=60)
    stderr = process.stderr.read()
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    text = "".join(lines)
    assert "interrupted: 1 of 2 runs finished (those are written)" in text
    assert "│ 2 " in text  # the finished run's row in the table
    data = json.loads(out.read_text())
    assert data["interrupted"] is True and [p["value"] for p in data["points"]] == [2]
    assert _group_is_gone(process.pid)


def _group_is_gone(group: int, timeout: float = 60) -> bool:
    """No process of the sweep's session left (the resource tracker exits on its own, soon)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_every_sweep_command_in_the_readme_plans():
    """The README's sweep commands are valid as written (planned and checked, not trained)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    commands = [line.split("#")[0] for line in re.findall(r"^rnn-tui sweep .*$", readme, flags=re.M)]
    assert len(commands) >= 5
    for command in commands:
        plan = _plan(build_parser().parse_args(shlex.split(command)[1:]))
        assert plan.runs
