"""The real app in a pseudo-terminal, for tests of what happens to its terminal and processes.

Every process it starts (the app, the training and compare processes, multiprocessing's
resource tracker) carries a marker in its environment, so the tests find them all in
/proc even after the app is gone and they have been handed to init.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
import uuid
from fcntl import ioctl
from pathlib import Path

READY_TIMEOUT = 120.0  # the training process imports torch: slow on a busy machine
MARK_VARIABLE = "RNN_TUI_TEST_MARK"


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


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _take_terminal() -> None:
    """In the child, after setsid: make the pseudo-terminal (stdin) the controlling
    terminal, as a terminal emulator, tmux or sshd does; the kernel then sends the
    session SIGHUP (and SIGCONT) when the terminal hangs up."""
    ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A pseudo-terminal running ``rnn-tui sine-waves``; reads its output as it comes.

    ``controlling``: the pseudo-terminal is the app's controlling terminal (a hang-up
    comes as SIGHUP from the kernel too); otherwise the app only finds its terminal gone.
    """

    def __init__(self, cwd: Path, controlling: bool = False) -> None:
        self.master: int | None = None
        self.master, self.slave = pty.openpty()
        ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.modes = termios.tcgetattr(self.slave)
        self.mark = uuid.uuid4().hex
        env = dict(
            os.environ,
            TERM="xterm-256color",
            COLUMNS="100",
            LINES="30",
            **{MARK_VARIABLE: self.mark},
        )
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
            start_new_session=True,  # its own session, as in a terminal of its own
            preexec_fn=_take_terminal if controlling else None,
        )
        self.output = b""

    def read_until(self, wanted: str, timeout: float, since: int = 0) -> None:
        """Read until ``wanted`` appears in the output (from byte ``since`` on)."""
        self.read_until_match(re.escape(wanted), timeout, since)

    def read_until_match(self, pattern: str, timeout: float, since: int = 0) -> re.Match:
        """Read until the regular expression ``pattern`` matches the output from ``since`` on."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern.encode())
        while (found := regex.search(self.output, since)) is None:
            assert time.monotonic() < deadline, f"no {pattern!r}: {self.output[-300:]!r}"
            assert self.process.poll() is None, f"exited: {self.output[-600:]!r}"
            self._read(0.1)
        return found

    def _read(self, timeout: float) -> None:
        if self.master is None:
            time.sleep(timeout)
            return
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

    def hang_up(self) -> None:
        """Close the terminal's side, as closing the window, tmux kill-session or a
        dropped SSH connection does: the app's end of the pseudo-terminal hangs up."""
        assert self.master is not None
        os.close(self.master)
        self.master = None

    def marked(self) -> list[int]:
        """Every live process started for this terminal: the app and what it started."""
        wanted = f"{MARK_VARIABLE}={self.mark}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    variables = (entry / "environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                if wanted in variables and alive(int(entry.name)):
                    found.append(int(entry.name))
        return found

    def wait_all_gone(self, timeout: float) -> list[int]:
        """Wait until no process started for this terminal is left; those still there."""
        deadline = time.monotonic() + timeout
        while (left := self.marked()) and time.monotonic() < deadline:
            self._read(0.02)
        return left

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.marked():  # a test that failed may leave some behind
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        if self.master is not None:
            os.close(self.master)
        os.close(self.slave)
