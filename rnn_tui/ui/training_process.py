"""The app's handle on its training process: start it, send commands, drain reports, stop it.

Measured on this machine (../shared/STYLE.md): a thread worker loses 40-50% of the
training speed to the UI's rendering (the GIL); a spawn process with one torch thread
keeps about 94%. The child's side is ``training_child``; ``TrainingProcess`` is also the
handle of the compare process (``compare_process``), which speaks the same protocol
(``ui.protocol``).

Light on purpose (multiprocessing, no pydantic, torch or textual): `rnn-tui` starts the
training process first thing, so that the child's imports (torch: about 2 s here) run
beside the app's own (pydantic, Textual) on the other core.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue

    from rnn_tui.ui.protocol import Command, Report

# How the child starts. The app spawns: a fresh interpreter shares nothing with the UI's
# threads. The test suite, which starts ~100 apps per worker, sets "forkserver" with torch
# preloaded (tests/ui/conftest.py) so each child is forked ready instead of importing
# torch anew (~3 s of CPU each).
START_METHOD = "spawn"


@dataclass(frozen=True)
class OpenRequest:
    """A scenario as the command line names it (`rnn-tui NAME --set K=V`), for the child
    to resolve itself (``opening.open_scenarios``, as the app does): the child can then
    start before the app has imported pydantic and loaded the scenario files."""

    name_or_path: str | None
    settings: tuple[str, ...] = ()


def run_training_child(*args: Any) -> None:
    """The training process's entry point: its modules (pydantic, torch) are imported in
    the child, never in the app before it has drawn."""
    from rnn_tui.ui.training_child import child_main

    child_main(*args)


class ParentWatch:
    """Whether the app that started this process is still there (else the child ends).

    Spawned, the app is the parent, and a new parent means it is gone (even a zombie app
    that no one has reaped yet). Forked from a server (the test suite), the parent is the
    server, so ask whether the app's process still exists.
    """

    def __init__(self, parent_pid: int) -> None:
        self.pid = parent_pid
        self.direct = os.getppid() == parent_pid

    def alive(self) -> bool:
        if self.direct:
            return os.getppid() == self.pid
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # exists, owned by someone else: pid reused, not ours
            return False
        return True


_TRACKER_QUIETED = False


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null, once.

    The tracker is a process of its own that inherits stderr, which is the terminal the app
    draws on; when the app ends at once on a signal (os._exit, no finalizers), it prints
    "There appear to be 1 leaked semaphore objects" over the restored terminal. The first
    start comes before Textual draws (launch.open_app), so pointing fd 2 elsewhere for that instant
    loses nothing; later starts find the tracker running and leave fd 2 alone. Called
    with sys.stderr back on the real stream (under Textual its fileno() is -1, which the
    tracker's spawn cannot pass on).
    """
    global _TRACKER_QUIETED
    if _TRACKER_QUIETED:
        return
    _TRACKER_QUIETED = True
    from multiprocessing import resource_tracker

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(2)
    except OSError:
        return
    try:
        os.dup2(devnull, 2)
        # A failure here only means the queues start the tracker as usual (noisy on exit).
        with contextlib.suppress(Exception):
            resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class TrainingProcess:
    """The UI's handle on the training process: start, send commands, drain reports, stop."""

    def __init__(self, target: Callable[..., None] = run_training_child) -> None:
        self._target = target
        self._process: BaseProcess | None = None
        self._commands: Queue[Command] | None = None
        self._reports: Queue[Report] | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def exitcode(self) -> int | None:
        """How the child ended (negative: the signal's number), or None while it runs
        or once stopped from here."""
        return None if self._process is None else self._process.exitcode

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self, *args: object) -> None:
        """Spawn the child with ``args`` after the queues (stops a running one first)."""
        self.stop()
        context = mp.get_context("forkserver") if START_METHOD == "forkserver" else mp.get_context("spawn")
        # Textual replaces sys.stdout/stderr with objects whose fileno() is -1, and
        # spawning then fails with "bad value(s) in fds_to_keep": use the real streams.
        with contextlib.redirect_stdout(sys.__stdout__), contextlib.redirect_stderr(sys.__stderr__):
            quiet_resource_tracker()
            self._commands = context.Queue()
            self._reports = context.Queue()
            self._process = context.Process(
                target=self._target,
                args=(self._commands, self._reports, *args, os.getpid()),
                daemon=True,
                name="rnn-tui-training",
            )
            self._process.start()

    def send(self, command: Command) -> None:
        if self._commands is not None:
            self._commands.put(command)

    def drain(self, limit: int = 1000) -> list[Report]:
        """Every report waiting now (at most ``limit``), without blocking."""
        out: list[Report] = []
        if self._reports is None:
            return out
        while len(out) < limit:
            try:
                out.append(self._reports.get_nowait())
            except (queue.Empty, OSError, EOFError, ValueError):
                break
        return out

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the child to quit; terminate it if it does not within ``timeout`` seconds."""
        process, self._process = self._process, None
        if process is None:
            return
        from rnn_tui.ui.protocol import Quit

        with contextlib.suppress(Exception):
            if self._commands is not None:
                self._commands.put(Quit())
        if process.pid is not None:  # None: start() failed, nothing to wait for
            process.join(timeout)
        if process.pid is not None and process.is_alive():
            process.terminate()
            process.join(0.5)
        if process.pid is not None and process.is_alive():
            process.kill()
            process.join(0.5)
        for channel in (self._commands, self._reports):
            if channel is None:
                continue
            with contextlib.suppress(Exception):
                channel.cancel_join_thread()  # never block exit on unsent data
                channel.close()
        self._commands = self._reports = None
