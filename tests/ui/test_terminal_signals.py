"""The real app in a pseudo-terminal: killed, hung up on, interrupted or quit with ctrl+c,
it exits, stops its training process and gives the terminal back as it found it."""

from __future__ import annotations

import os
import signal
import termios

import pytest

from rnn_tui.core.weights import read_metadata
from rnn_tui.ui.panels.status import STATE_GLYPH
from tests.ui.pty_app import READY_TIMEOUT, Terminal, alive, descendants

LEAVE_ALT_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"


# SIGHUP and SIGINT take the same path as SIGTERM (one handler): the slow suite runs them.
@pytest.mark.parametrize(
    "how",
    [
        "SIGTERM",
        pytest.param("SIGHUP", marks=pytest.mark.slow),
        pytest.param("SIGINT", marks=pytest.mark.slow),
        "ctrl+c",
    ],
    ids=lambda how: how.lower(),
)
def test_the_app_exits_cleanly_and_restores_the_terminal(how, tmp_path):
    terminal = Terminal(tmp_path)
    try:
        terminal.read_until("rnn-tui · sine-waves", 30)
        terminal.read_until(STATE_GLYPH["ready"], READY_TIMEOUT)  # the training process is up
        if how != "ctrl+c":  # (ctrl+c would ask first, as q does)
            os.write(terminal.master, b"n")  # one training step: now there is work to lose
            terminal.read_until("step 1", 30)
        started = descendants(terminal.process.pid)
        assert started, "no training process"
        mark = len(terminal.output)
        if how == "ctrl+c":
            os.write(terminal.master, b"\x03")
        else:
            os.kill(terminal.process.pid, getattr(signal, how))
        code = terminal.wait_exit(10)
        assert code is not None, f"still running 10 s after {how}"
        expected = 0 if how == "ctrl+c" else 128 + getattr(signal, how)
        assert code == expected, terminal.output[-600:]
        after = terminal.output[mark:]
        assert LEAVE_ALT_SCREEN in after and SHOW_CURSOR in after
        assert b"Traceback" not in terminal.output
        assert termios.tcgetattr(terminal.slave) == terminal.modes, "terminal modes not restored"
        recovered = list(tmp_path.glob("sine-waves-*-step1-recovered.safetensors"))
        if how == "ctrl+c":
            assert not recovered  # nothing trained, nothing to keep
        else:
            assert len(recovered) == 1, list(tmp_path.iterdir())
            assert recovered[0].name.encode() in terminal.output  # said after the exit
            meta = read_metadata(recovered[0])  # an rnn-tui weights file, loadable as any
            assert (meta["scenario"], str(meta["step"])) == ("sine-waves", "1")
        # The training process and multiprocessing's resource tracker go too.
        assert not terminal.wait_all_gone(10), "processes left running 10 s after the exit"
        assert not [pid for pid in started if alive(pid)]
        assert b"resource_tracker" not in terminal.output  # no leaked semaphores to report
    finally:
        terminal.close()
