"""The terminal hangs up while a sweep runs: the app ends and so does every worker process.

A sweep's pool workers are the app's children; the app ends them when a signal ends it
(MainScreen.stop_processes), and a worker whose parent is gone ends itself. Run as a
user runs it: the real app in a pseudo-terminal, the sweep started by keyboard.
"""

from __future__ import annotations

import os
import time

import pytest

from rnn_tui.ui.panels.status import STATE_GLYPH
from tests.ui.pty_app import READY_TIMEOUT, Terminal, descendants

EXIT_TIMEOUT = 10.0  # generous for a loaded machine (see test_terminal_hangup.py)
SWEEP_TIMEOUT = 120.0  # the pool's worker imports torch


@pytest.mark.slow  # the app, its training process and a pool worker each import torch
@pytest.mark.parametrize("controlling", [True, False], ids=["controlling", "not-controlling"])
def test_a_hang_up_during_a_sweep_ends_the_app_and_its_workers(controlling, tmp_path):
    terminal = Terminal(tmp_path, controlling=controlling)
    try:
        terminal.read_until(STATE_GLYPH["ready"], READY_TIMEOUT)
        before = len(descendants(terminal.process.pid))  # the tracker and the training process
        os.write(terminal.master, b"\t" * 6)  # timestep -> ... -> map -> sweep
        terminal.read_until("Sweep: train each", READY_TIMEOUT)
        mark = len(terminal.output)
        os.write(terminal.master, b"\r")  # into its fields ...
        terminal.read_until("typing", READY_TIMEOUT, since=mark)
        os.write(terminal.master, b"\r")  # ... and enter runs the default sweep
        terminal.read_until_match(r"\d+ / 12 runs", SWEEP_TIMEOUT, since=mark)
        deadline = time.monotonic() + SWEEP_TIMEOUT
        while len(descendants(terminal.process.pid)) <= before:  # the pool's worker
            assert time.monotonic() < deadline, terminal.output[-600:]
            assert terminal.wait_exit(0.05) is None, "the app exited"
        started = terminal.marked()
        hung_up = time.monotonic()
        terminal.hang_up()
        assert terminal.wait_exit(EXIT_TIMEOUT) is not None, "the app still runs after the hang-up"
        left = terminal.wait_all_gone(EXIT_TIMEOUT)
        assert not left, f"still running {EXIT_TIMEOUT} s after the hang-up: {left}"
        print(f"\nhang-up during a sweep: all {len(started)} processes gone after "
              f"{time.monotonic() - hung_up:.2f} s")
    finally:
        terminal.close()
