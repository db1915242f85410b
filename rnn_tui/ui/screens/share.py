"""Hand a setup on: the command line that opens exactly this scenario and these settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnn_tui.core.changes import command_line
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario, load_scenario, scenarios_dir

if TYPE_CHECKING:
    from rnn_tui.ui.screens.main import MainScreen


def setup_command(screen: MainScreen) -> str:
    """`rnn-tui NAME --set ...` for the scenario in force, against the file it came from."""
    scenario = screen.scenario
    source, base = _origin(scenario, screen.catalog)
    return command_line(source, base, scenario)


def _origin(scenario: Scenario, catalog: dict[str, Scenario]) -> tuple[str, Scenario]:
    path = scenario.path
    builtin = path is not None and path.resolve().parent == scenarios_dir().resolve()
    if builtin and path is not None and path.stem in catalog:
        return path.stem, catalog[path.stem]
    if path is not None:
        try:
            return str(path), load_scenario(path)
        except RnnTuiError:
            pass  # the file changed or went away: the built-in of that name is the base
    return scenario.name, catalog.get(scenario.name, scenario)


def copy_setup_command(screen: MainScreen) -> None:
    """Put the command on the clipboard (OSC 52, where the terminal allows) and show it."""
    command = setup_command(screen)
    screen.app.copy_to_clipboard(command)
    screen.notify(command, title="Copied: this setup as a command", timeout=15)
