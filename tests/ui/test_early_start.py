"""`rnn-tui` starts its training process first thing, on the scenario as the command line
names it, and the child resolves that name exactly as the app does (issue 11: training
ready within 1.5x `import torch`; benchmarks/first_screen.py measures it)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys

from rnn_tui.ui.opening import open_scenarios
from rnn_tui.ui.protocol import Failed, Ready
from rnn_tui.ui.training_child import _Child
from rnn_tui.ui.training_process import OpenRequest

# In a fresh interpreter: stop at the moment the training process would start, and say
# what the app had imported by then.
PROBE = """
import sys
from rnn_tui.ui import training_process

def start(self, *args):
    heavy = [m for m in ("textual", "pydantic", "torch", "numpy") if m in sys.modules]
    print(repr(args), heavy)
    raise SystemExit(0)

training_process.TrainingProcess.start = start
from rnn_tui.launch import open_app
open_app("sentiment", ["training.seed=3"])
"""


def test_the_training_process_starts_before_the_app_imports_textual_or_pydantic():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    request, heavy = done.stdout.strip().rsplit(" ", 1)
    assert request == repr((OpenRequest("sentiment", ("training.seed=3",)),))
    assert heavy == "[]"


def built(request: OpenRequest) -> tuple[_Child, list]:
    reports: queue.Queue = queue.Queue()
    child = _Child(queue.Queue(), reports, os.getpid())  # type: ignore[arg-type]
    child.build(request)
    return child, [reports.get_nowait() for _ in range(reports.qsize())]


def test_the_child_resolves_the_request_as_the_app_does():
    child, reports = built(OpenRequest("sign-memory", ("training.seed=4", "model.cell=gru")))
    assert [type(r) for r in reports] == [Ready]
    assert child.trainer is not None
    app_sees = open_scenarios("sign-memory", ["training.seed=4", "model.cell=gru"]).initial
    assert child.trainer.scenario == app_sees
    assert (app_sees.training.seed, app_sees.model.cell) == (4, "gru")


def test_a_request_that_cannot_be_resolved_is_reported_not_raised():
    child, reports = built(OpenRequest("sign-memory", ("model.hidden_size=-3",)))
    assert child.trainer is None
    (failed,) = reports
    assert isinstance(failed, Failed)
    assert "hidden_size" in failed.message and "-3" in failed.message
