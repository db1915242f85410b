"""The real app in a pseudo-terminal: killed, hung up on, interrupted or quit with ctrl+c,
it exits, stops its training process and gives the terminal back as it found it."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from fcntl import ioctl
from pathlib import Path

import pytest

from rnn_tui.core.weights import read_metadata
from rnn_tui.ui.panels.status import STATE_GLYPH

LEAVE_ALT_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
READY_TIMEOUT = 120.0  # the training process imports torch: slow on a busy machine
EXIT_TIMEOUT = 10.0  # for the app's child processes to end after it has exited


def descendants(pid: int) -> list[int]:
    """Every live process whose chain of parents reaches ``pid``, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if stat[0] != "Z":
                parents[int(entry.name)] = int(stat[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent == frontier[-1]]
        frontier.pop()
        found += children
        frontier += children
    return found


class Terminal:
    """A pseudo-terminal running ``rnn-tui sine-waves``; reads its output as it comes."""

    def __init__(self, cwd: Path) -> None:
        self.master, self.slave = pty.openpty()
        ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.modes = termios.tcgetattr(self.slave)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
        command = [
            sys.executable,
            "-c",
            "import sys; from rnn_tui.cli import main; sys.exit(main())",
        ]
        self.process = subprocess.Popen(
            [*command, "sine-waves"],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own session, with this terminal as its terminal
        )
        self.output = b""

    def read_until(self, wanted: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while wanted.encode() not in self.output:
            assert time.monotonic() < deadline, f"no {wanted!r}: {self.output[-300:]!r}"
            assert self.process.poll() is None, f"exited: {self.output[-600:]!r}"
            self._read(0.1)

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.master, 65536)

    def wait_exit(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        self._read(0.05)
        return self.process.poll()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


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
        # The training process and multiprocessing's resource tracker end as the app
        # does; waited for as a condition, since a loaded machine may take a moment.
        deadline = time.monotonic() + EXIT_TIMEOUT
        while [pid for pid in started if _alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid in started if _alive(pid)]
        assert not left, f"left running {EXIT_TIMEOUT:.0f} s after exit: {left}"
    finally:
        terminal.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
