"""run_sweep starts its pool inside a host that replaced the standard streams (a Textual
app's have fileno() -1), where starting a process would fail with "bad value(s) in
fds_to_keep"; and its quiet workers print nothing onto the host's terminal."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import io, sys
    from rnn_tui.core.scenario import load_scenario
    from rnn_tui.core.sweep import plan_sweep, run_sweep

    class NoFile(io.StringIO):  # what Textual puts in place of sys.stdout and sys.stderr
        def fileno(self):
            return -1

    scenario = load_scenario("long-memory").with_changes({
        "model.hidden_size": 4, "data.params.n_train": 100, "data.params.n_test": 20,
        "training.eval_size": 20})
    plan = plan_sweep(scenario, "data.params.seq_len", (3,), ("rnn",), (0,), steps=2)
    real = sys.stdout
    sys.stdout = sys.stderr = NoFile()
    result = run_sweep(plan, 1, quiet=True)
    sys.stdout = real
    print("points", len(result.points), result.interrupted)
""")


@pytest.mark.slow  # a fresh interpreter and a spawned worker each import torch
def test_a_pool_starts_under_replaced_streams_and_its_workers_stay_quiet():
    # A fresh interpreter: multiprocessing's resource tracker not yet running, as in an
    # app that starts a sweep before any other process.
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "points 1 False", (done.stdout, done.stderr[-2000:])
