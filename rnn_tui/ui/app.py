"""The Textual app: opens the main screen on a scenario; `launch.open_app` starts it (`run_app`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from rnn_tui.ui.commands import RnnTuiCommands
from rnn_tui.ui.opening import Opening, open_scenarios
from rnn_tui.ui.training_process import TrainingProcess

if TYPE_CHECKING:
    from rnn_tui.core.lessons.model import Lesson
    from rnn_tui.ui.screens.main import MainScreen

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# Ended by a signal, the training and compare processes get this long to quit when told,
# then are terminated: they have nothing to save, and a hang-up leaves 2 s in all.
SIGNAL_STOP_SECONDS = 0.2


class RnnTuiApp(App):
    """A keyboard-driven playground for recurrent networks; the main screen does the work."""

    TITLE = "rnn-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {RnnTuiCommands}
    # Textual's own palette binding, with a shorter footer label so every key fits in 80 columns.
    BINDINGS = [
        Binding(
            "ctrl+p",
            "command_palette",
            "cmds",
            show=False,
            priority=True,
            tooltip="Open the command palette",
        )
    ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's, less its "Screenshot": that one delivers the file like a download,
        which fails in a terminal; the palette's "Save screenshot…" is ours."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    def __init__(
        self,
        scenario: str | None = None,
        process: TrainingProcess | None = None,
        settings: Sequence[str] = (),
        lesson: tuple[Lesson, int] | None = None,
        opening: Opening | None = None,
    ) -> None:
        """``process``: a training process already started on the initial scenario;
        ``settings``: KEY=VALUE overrides of that scenario (`rnn-tui NAME --set ...`);
        ``lesson``: a lesson to open in lesson mode and the step (0-based) to start at;
        ``opening``: ``scenario`` and ``settings`` already resolved (see ``launch``)."""
        super().__init__()
        self.lesson = lesson
        self.process = process
        opening = opening or open_scenarios(scenario, settings)
        self.catalog, self.initial = opening.catalog, opening.initial
        self.startup_error = opening.error
        self.recovered: Path | None = None  # weights kept when a signal ended the app
        self.exit_signal: int | None = None  # the signal that ended the app, if one did
        self.main_screen: MainScreen | None = None  # once mounted

    def get_driver_class(self) -> type[Driver]:
        """In a Linux terminal, a driver that ends the app when the terminal hangs up
        (Textual's own hangs); elsewhere (a browser, TEXTUAL_DRIVER, Windows) Textual's."""
        default = super().get_driver_class()
        if sys.platform == "win32":
            return default
        from textual.drivers.linux_driver import LinuxDriver

        from rnn_tui.ui.terminal_driver import HangupSafeDriver

        return HangupSafeDriver if default is LinuxDriver else default

    def on_load(self) -> None:
        # Killed (SIGTERM), the terminal gone (SIGHUP; the driver raises it too when it
        # finds the terminal hung up) or interrupted from outside (SIGINT; in the app
        # ctrl+c is a key): exit the normal way, so the training is kept, the training
        # process is stopped and the terminal gets its modes and screen back. Installed
        # before the terminal is put in application mode, so no signal can leave it so.
        loop = asyncio.get_running_loop()
        for number in EXIT_SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(number, self._exit_on_signal, number)

    def on_mount(self) -> None:
        from rnn_tui.ui.screens.main import MainScreen

        self.main_screen = MainScreen(
            self.initial, self.catalog, self.startup_error, self.process, self.lesson
        )
        self.push_screen(self.main_screen)

    def _exit_on_signal(self, number: int) -> None:
        from rnn_tui.ui.screens.files import save_for_recovery
        from rnn_tui.ui.screens.main import MainScreen

        if self.exit_signal is not None:
            return  # a hang-up comes as the kernel's SIGHUP and the driver's: act once
        self.exit_signal = number
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                self.recovered = save_for_recovery(screen)
                screen.stop_processes(SIGNAL_STOP_SECONDS)
        if self.process is not None:  # started early, maybe before the screen took it
            self.process.stop(SIGNAL_STOP_SECONDS)
        self.exit(None, 128 + number)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in EXIT_SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.remove_signal_handler(number)

    async def action_quit(self) -> None:
        """ctrl+q too asks before losing training (the main screen's quit does the asking)."""
        from rnn_tui.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.action_quit()
                return
        self.exit()


def run_app(
    opening: Opening,
    process: TrainingProcess,
    lesson: tuple[Lesson, int] | None = None,
) -> int:
    """Run the app in this terminal on ``opening``, with its training process already
    started (``launch.open_app`` starts it before importing Textual); the exit code.
    ``lesson``: open it in lesson mode at that step (see ``lesson_app.run_lesson_app``)."""
    app = RnnTuiApp(process=process, lesson=lesson, opening=opening)
    # What App.run does, except that an exit on a signal ends the process at once (below).
    with asyncio.Runner() as runner:
        runner.run(app.run_async())
        building = app.main_screen is not None and app.main_screen.mirror_builds > 0
        if app.exit_signal is not None or building:
            # Quit while the UI's model copy was still being built (torch loading, the
            # data): the runner's close would wait for that thread, seconds.
            _end_after_signal(app)
    return app.return_code or 0


def _end_after_signal(app: RnnTuiApp) -> None:
    """Say where the training went (after a signal), then end the process without waiting
    any longer.

    Everything that matters is done: the weights saved, the training and compare
    processes stopped, the terminal given back. What a normal exit would still wait for
    are thread workers (torch's import takes seconds while the app starts) and the
    interpreter's teardown with torch loaded (0.4-1.8 s measured): after a hang-up, time
    in which the app seems to hang on.
    """
    with contextlib.suppress(OSError):  # the terminal may be gone (a hang-up)
        if app.recovered is not None:  # the terminal is back: say where the training went
            print(
                f"rnn-tui: stopped by a signal; the weights trained since the last save are "
                f"in {app.recovered} (load them with ctrl+p, Load weights).",
                file=sys.stderr,
            )
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(app.return_code or 0)
