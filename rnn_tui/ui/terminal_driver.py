"""Textual's Linux driver, taught that a terminal can go away: a hang-up ends the app, never hangs it.

Close the terminal window, kill the tmux session or lose the SSH connection, and the
pseudo-terminal is hung up: reads give end-of-file (or EIO), writes fail with EIO, and
the kernel sends SIGHUP (then SIGCONT) to the session's leader only, which the app may
not be. Textual 8.2.8's driver, measured in a pseudo-terminal whose master was closed:

- its input loop takes end-of-file for a piped stdin and goes on selecting and reading
  nothing, a quarter of a core for as long as the process lives;
- its writer thread dies on the first EIO; its queue holds 30 writes, so a few frames
  later the event loop blocks for ever in ``write`` (threads in futex waits), and with it
  every signal handler: SIGTERM is then ignored too;
- its SIGCONT handler restarts application mode even when nothing was suspended: the
  hang-up's SIGCONT starts a second writer thread, which dies at once, the same dead end.

Here either thread that finds the terminal gone sends this process SIGHUP, so a hang-up
ends the app the way the hang-up signal does (the app keeps unsaved training in a recovery
file and stops its processes); output after that is dropped, never waited for.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import threading
from codecs import getincrementaldecoder
from typing import IO, Any

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

READ_BYTES = 4096
INPUT_POLL_SECONDS = 0.1  # as Textual's loop: how often to look at the exit event


class TerminalGone:
    """Says once, from whichever thread notices first, that the terminal hung up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.gone = False

    def report(self) -> None:
        with self._lock:
            if self.gone:
                return
            self.gone = True
        # A signal, not a call into the app: it reaches the event loop even while that
        # is busy, and before the app has handlers it ends the process as a hang-up does.
        os.kill(os.getpid(), signal.SIGHUP)


class TerminalOutput:
    """The terminal as Textual's writer thread sees it, except that a failed write means
    the terminal is gone: it says so and drops all later output. The writer thread then
    never dies of EIO, so it keeps emptying its queue and ``write`` never blocks."""

    def __init__(self, stream: IO[str], terminal: TerminalGone) -> None:
        self._stream = stream
        self._terminal = terminal

    def write(self, text: str) -> None:
        self._attempt(self._stream.write, text)

    def flush(self) -> None:
        self._attempt(self._stream.flush)

    def fileno(self) -> int:
        return self._stream.fileno()

    def _attempt(self, operation: Any, *args: Any) -> None:
        if self._terminal.gone:
            return
        try:
            operation(*args)
        except OSError:  # EIO: hung up
            self._terminal.report()


class HangupSafeDriver(LinuxDriver):
    """LinuxDriver whose input loop, writer and SIGCONT handler survive a hang-up."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self.terminal = TerminalGone()
        # What the writer writes to (a file-like stand-in for the real stream).
        self._file = TerminalOutput(self._file, self.terminal)  # type: ignore[assignment, arg-type]

    def _sigcont_application(self, *_: Any) -> None:
        # Only a resume from our own suspension (ctrl+z) restarts application mode; the
        # SIGCONT that comes with a hang-up, or any stray one, must not.
        if self._must_signal_resume:
            super()._sigcont_application()

    def run_input_thread(self) -> None:
        """Textual's input loop, except that end-of-file or EIO on a terminal is a hang-up."""
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        try:
            while not self.exit_event.is_set():
                if selector.select(INPUT_POLL_SECONDS):
                    try:
                        data = os.read(self.fileno, READ_BYTES)
                    except BlockingIOError:
                        continue
                    except OSError:  # EIO: the other end closed
                        data = b""
                    if not data:
                        # A terminal in raw mode never reads empty but when hung up; a
                        # pipe or file at its end has nothing more to say: stop reading.
                        if self.input_tty:
                            self.terminal.report()
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):  # as Textual: a half-read sequence is dropped
                    pass
