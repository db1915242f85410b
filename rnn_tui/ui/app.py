"""The Textual app: opens the main screen on a scenario; `run_app` is what `rnn-tui` calls."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario, builtin_names, load_scenario
from rnn_tui.ui.commands import RnnTuiCommands

DEFAULT_SCENARIO = "sentiment"
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def load_catalog() -> tuple[dict[str, Scenario], list[str]]:
    """Every built-in scenario that loads, and a message for each that does not."""
    catalog, problems = {}, []
    for name in builtin_names():
        try:
            catalog[name] = load_scenario(name)
        except RnnTuiError as error:
            problems.append(str(error))
    return catalog, problems


def pick_scenario(
    name_or_path: str | None, catalog: dict[str, Scenario]
) -> tuple[Scenario, str | None]:
    """The scenario to open, and a message when the requested one could not be opened."""
    fallback = catalog.get(DEFAULT_SCENARIO) or next(iter(catalog.values()), None)
    if name_or_path is None:
        if fallback is None:
            raise RnnTuiError(
                "no built-in scenario could be loaded; give a path to a scenario file."
            )
        return fallback, None
    try:
        return catalog.get(name_or_path) or load_scenario(name_or_path), None
    except RnnTuiError as error:
        if fallback is None:
            raise
        return (
            fallback,
            f"Could not open {name_or_path!r}, showing {fallback.name} instead: {error}",
        )


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

    def __init__(self, scenario: str | None = None) -> None:
        super().__init__()
        self.catalog, problems = load_catalog()
        self.initial, message = pick_scenario(scenario, self.catalog)
        self.startup_error = " ".join(p for p in (message, *problems) if p) or None
        self.recovered: Path | None = None  # weights kept when a signal ended the app

    def on_mount(self) -> None:
        from rnn_tui.ui.screens.main import MainScreen

        self.push_screen(MainScreen(self.initial, self.catalog, self.startup_error))
        # Killed (SIGTERM), the SSH session gone (SIGHUP) or interrupted from outside
        # (SIGINT; in the app ctrl+c is a key): exit the normal way, so the training
        # process is stopped and the terminal gets its modes and screen back.
        loop = asyncio.get_running_loop()
        for number in EXIT_SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(number, self._exit_on_signal, number)

    def _exit_on_signal(self, number: int) -> None:
        from rnn_tui.ui.screens.files import save_for_recovery
        from rnn_tui.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                self.recovered = save_for_recovery(screen)
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


def run_app(scenario: str | None) -> int:
    """Run the app in this terminal; the exit code (2 when nothing could be opened)."""
    try:
        app = RnnTuiApp(scenario)
    except RnnTuiError as error:
        print(f"rnn-tui: error: {error}", file=sys.stderr)
        return 2
    app.run()
    if app.recovered is not None:  # the terminal is back: say where the training went
        print(
            f"rnn-tui: stopped by a signal; the weights trained since the last save are in "
            f"{app.recovered} (load them with ctrl+p, Load weights).",
            file=sys.stderr,
        )
    return app.return_code or 0
