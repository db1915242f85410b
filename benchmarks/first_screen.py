"""Time to the first screen of `rnn-tui` in a real pseudo-terminal, against Python importing textual.

Run: .venv/bin/python benchmarks/first_screen.py [--rounds 5] [--scenario NAME] [--size 120x40]

Each round spawns, in a fresh pseudo-terminal of the given size (TERM=xterm-256color):
  - the floor: `python -c "import textual"` (spawn to exit), as issue 5 asks;
  - a hello-world Textual app, spawn until its one line of text is drawn (for reference:
    what any Textual app pays before it can draw);
  - `rnn-tui [SCENARIO]`, the installed console script, from spawn until the main
    screen's title bar ("rnn-tui · <scenario>") appears in the terminal output (the first
    frame), and until the status line says the model is ready (torch imported, data
    built, the training process answering), then `q`, until the process exits.
The output is read as it comes, escape sequences stripped, and timed on arrival. The
three alternate (rotating order each round) and medians are reported.

After `q` it checks that every process the app started (the training process and
multiprocessing's resource tracker) is gone within a second of the app's exit.

Targets (issue 5): first screen < 1 s and < 3x the floor; training ready once torch
has loaded (issue 4 says torch alone takes about 2 s to import here).
"""

from __future__ import annotations

import argparse
import codecs
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

from app_throughput import machine_line

TARGET_SECONDS = 1.0
TARGET_FLOOR_RATIO = 3.0
TARGET_READY_RATIO = 1.5  # issue 11: training ready within 1.5x `python -c "import torch"`
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]"
)
HELLO = "hello from a bare Textual app"
HELLO_APP = f"""
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static({HELLO!r})
Hello().run()
"""


@dataclass
class Session:
    """A process in a pseudo-terminal, its output as plain text, and when each marker appeared."""

    argv: list[str]
    size: tuple[int, int]
    markers: tuple[str, ...]
    text: str = ""
    seen: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        master, slave = pty.openpty()
        width, height = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("COLUMNS", "LINES", "NO_COLOR", "TEXTUAL")
        }
        env.update(TERM="xterm-256color", COLORTERM="truecolor")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._raw = ""

    def wait_for(self, marker: str, timeout: float) -> float:
        """Seconds from spawn until ``marker`` shows in the output (TimeoutError if it does not)."""
        deadline = time.perf_counter() + timeout
        while marker not in self.seen:
            left = deadline - time.perf_counter()
            if left <= 0 or not self._read(left):
                tail = self.text[-400:].replace("\n", " ")
                raise TimeoutError(
                    f"{self.argv[-1]!r}: no {marker!r} after {timeout:.0f} s; output ends: {tail!r}"
                )
        return self.seen[marker] - self.started

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed the terminal
            return False
        now = time.perf_counter()
        self._raw += self._decoder.decode(chunk)
        # An escape sequence cut at the chunk's end waits for the rest of it.
        cut = self._raw.rfind("\x1b")
        if cut != -1 and len(self._raw) - cut < 256 and not ESCAPES.match(self._raw, cut):
            complete, self._raw = self._raw[:cut], self._raw[cut:]
        else:
            complete, self._raw = self._raw, ""
        self.text += ESCAPES.sub("", complete)
        for marker in self.markers:
            if marker not in self.seen and marker in self.text:
                self.seen[marker] = now
        return True

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_exit(self, timeout: float) -> float | None:
        """Seconds until the process exits (reading its output meanwhile); None if it did not."""
        started = time.perf_counter()
        deadline = started + timeout
        while self.process.poll() is None and time.perf_counter() < deadline:
            self._read(0.02)
        return None if self.process.poll() is None else time.perf_counter() - started

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def descendants(pid: int) -> list[int]:
    """Every live process whose chain of parents reaches ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def time_import(module: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    return time.perf_counter() - started


def time_floor() -> float:
    return time_import("textual")


def time_hello(size: tuple[int, int]) -> float:
    session = Session([sys.executable, "-c", HELLO_APP], size, (HELLO,))
    try:
        seconds = session.wait_for(HELLO, 60)
        session.send(b"\x11")  # ctrl+q quits a default Textual app
        session.wait_exit(10)
        return seconds
    finally:
        session.close()


@dataclass
class AppRun:
    first_screen: float
    ready: float
    exit_after_q: float | None
    leftovers: list[int]  # processes the app started that outlived it by a second


def time_app(argv: list[str], title: str, ready: str, size: tuple[int, int]) -> AppRun:
    session = Session(argv, size, (title, ready))
    try:
        first = session.wait_for(title, 60)
        ready_at = session.wait_for(ready, 240)
        children = descendants(session.process.pid)
        session.send(b"q")
        exited = session.wait_exit(10)
        deadline = time.perf_counter() + 1.0
        while any(alive(pid) for pid in children) and time.perf_counter() < deadline:
            time.sleep(0.02)
        return AppRun(first, ready_at, exited, [pid for pid in children if alive(pid)])
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--scenario", default=None, help="scenario to open (default: the app's default)"
    )
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT")
    args = parser.parse_args()
    from rnn_tui.core.scenario import DEFAULT_SCENARIO
    from rnn_tui.ui.panels.status import STATE_GLYPH

    size = tuple(int(v) for v in args.size.lower().split("x"))
    scenario = args.scenario or DEFAULT_SCENARIO
    argv = [
        str(Path(sys.executable).parent / "rnn-tui"),
        *([args.scenario] if args.scenario else []),
    ]
    title, ready = f"rnn-tui · {scenario}", STATE_GLYPH["ready"]
    floors, torches, hellos, runs = [], [], [], []
    jobs = {
        "floor": lambda: floors.append(time_floor()),
        "torch": lambda: torches.append(time_import("torch")),
        "hello": lambda: hellos.append(time_hello(size)),
        "app": lambda: runs.append(time_app(argv, title, ready, size)),
    }
    order = list(jobs)
    for round_ in range(args.rounds):
        for name in order[round_ % len(order) :] + order[: round_ % len(order)]:
            jobs[name]()
        run = runs[-1]
        print(
            f"  round {round_ + 1}: import textual {floors[-1]:.2f} s, import torch {torches[-1]:.2f} s, "
            f"hello app {hellos[-1]:.2f} s, "
            f"rnn-tui first screen {run.first_screen:.2f} s, ready {run.ready:.2f} s, "
            f"exit after q {run.exit_after_q if run.exit_after_q is None else round(run.exit_after_q, 2)} s",
            flush=True,
        )
    report(args, argv, floors, torches, hellos, runs)


def report(
    args: argparse.Namespace,
    argv: list[str],
    floors: list[float],
    torches: list[float],
    hellos: list[float],
    runs: list[AppRun],
) -> None:
    median = statistics.median
    floor, hello, torch_floor = median(floors), median(hellos), median(torches)
    first, ready = median(r.first_screen for r in runs), median(r.ready for r in runs)
    exits = [r.exit_after_q for r in runs if r.exit_after_q is not None]
    leftovers = sum(len(r.leftovers) for r in runs)
    print(
        f"\n`{' '.join(Path(a).name for a in argv)}` in a {args.size} pseudo-terminal; {args.rounds} rounds, medians"
    )
    print(
        f"{'import textual':>15}{'hello app':>11}{'first screen':>14}{'/ floor':>9}{'training ready':>16}{'exit after q':>14}"
    )
    print(
        f"{floor:>14.2f}s{hello:>10.2f}s{first:>13.2f}s{first / floor:>8.1f}x{ready:>15.2f}s"
        f"{(median(exits) if exits else float('nan')):>13.2f}s"
    )
    print(
        f"processes left running a second after the app exited: {leftovers}; "
        f"runs that did not exit within 10 s of q: {len(runs) - len(exits)}"
    )
    print(machine_line())
    ok_time, ok_ratio = first < TARGET_SECONDS, first / floor < TARGET_FLOOR_RATIO
    print(
        f"first screen {first:.2f} s {'meets' if ok_time else 'MISSES'} < {TARGET_SECONDS:g} s; "
        f"{first / floor:.1f}x the floor {'meets' if ok_ratio else 'MISSES'} < {TARGET_FLOOR_RATIO:g}x"
    )
    ready_ratio = ready / torch_floor
    print(
        f"training ready {ready:.2f} s = {ready_ratio:.2f}x `python -c \"import torch\"` "
        f"({torch_floor:.2f} s, measured beside it): "
        f"{'meets' if ready_ratio < TARGET_READY_RATIO else 'MISSES'} < {TARGET_READY_RATIO:g}x"
    )


if __name__ == "__main__":
    main()
