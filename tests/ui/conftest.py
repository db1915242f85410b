"""The app's training and compare processes, forked from a server that has torch loaded.

The app spawns its child (a fresh interpreter importing torch, ~3 s of CPU). The suite
starts about a hundred apps per worker: forked from one "forkserver" that imported torch
and the child's modules once, each child starts ready. The child's code is the same; the
tests that run the app as a user does (a real process in a pseudo-terminal: pty_app.py,
test_terminal_*.py) keep the app's own spawn.
"""

import contextlib
import multiprocessing
import multiprocessing.forkserver

import pytest

from rnn_tui.ui import training_process

PRELOAD = [
    "torch",
    "rnn_tui.core.training",
    "rnn_tui.ui.training_child",
    "rnn_tui.ui.compare_process",
]


@pytest.fixture(autouse=True, scope="session")
def _children_forked_with_torch_loaded():
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    training_process.START_METHOD = "forkserver"
    yield
    training_process.START_METHOD = "spawn"
    # Stop and reap the server, so that nothing outlives the suite and the CPU time of
    # every child it forked counts in the suite's own (``time pytest``).
    with contextlib.suppress(Exception):
        multiprocessing.forkserver._forkserver._stop()
