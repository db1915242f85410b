"""Command palette entries built from the current state: scenarios, topologies, cells, files, and every key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from rnn_tui.core.vocabulary import CELL_LABELS, TOPOLOGIES

if TYPE_CHECKING:
    from rnn_tui.ui.screens.main import MainScreen

Command = tuple[str, str, Callable[[], object]]


def main_commands(screen: MainScreen) -> list[Command]:
    """Every command the palette offers on the main screen."""
    from rnn_tui.ui.screens import files
    from rnn_tui.ui.screens.main import KEY_BINDINGS
    from rnn_tui.ui.screens.share import copy_setup_command

    commands: list[Command] = []
    current = screen.scenario
    for name, scenario in screen.catalog.items():
        if name != current.name:
            commands.append(
                (
                    f"Scenario: {name}",
                    f"{scenario.topology} · {scenario.summary}",
                    partial(screen.open_scenario, name),
                )
            )
    commands.append(
        (
            "Scenario: open a file…",
            "a scenario .toml file of your own",
            partial(screen.ask_scenario_path),
        )
    )
    for topology in TOPOLOGIES:
        first = next((n for n, s in screen.catalog.items() if s.topology == topology), None)
        if first and topology != current.topology:
            commands.append(
                (f"Topology: {topology}", f"opens {first}", partial(screen.open_scenario, first))
            )
    for cell, label in CELL_LABELS.items():
        if cell != current.model.cell:
            commands.append(
                (
                    f"Cell: {label}",
                    "builds a new model with this cell",
                    partial(screen.request_changes, {"model.cell": cell}),
                )
            )
    commands += [
        (
            "Save weights…",
            "the current weights as a .safetensors file",
            partial(files.save_weights, screen),
        ),
        (
            "Load weights…",
            "weights saved earlier for this scenario and model",
            partial(files.load_weights, screen),
        ),
        (
            "Export trace…",
            "the Timestep panel's trace as JSON",
            partial(files.export_trace, screen),
        ),
        screenshot_command(screen),
        (
            "Copy this setup as a command",
            "rnn-tui NAME --set ... with the seed: hand students this exact start",
            partial(copy_setup_command, screen),
        ),
        (
            "Compare cells",
            "train vanilla RNN, LSTM and GRU side by side",
            partial(screen.show_panel, "compare"),
        ),
    ]
    commands += sweep_commands(screen)
    for binding in KEY_BINDINGS:
        key = screen.app.get_key_display(binding)
        commands.append(
            (
                f"{binding.description} ({key})",
                f"key {key}",
                partial(screen.run_action, binding.action),
            )
        )
    return commands


def sweep_commands(screen: MainScreen) -> list[Command]:
    """The Sweep panel's: run one, open or save a file, switch its chart."""
    from rnn_tui.ui.screens import files

    def then(action: Callable[[], object]) -> Callable[[], None]:
        def shown() -> None:
            screen.show_panel("sweep")
            action()

        return shown

    panels = screen.panels
    if panels is None:
        return []
    sweep = panels.sweep
    return [
        (
            "Sweep: run…",
            "train each value x cell x seed of one setting; chart the metric",
            then(screen.action_enter_panel),
        ),
        (
            "Sweep: open a file…",
            "a sweep saved as JSON (rnn-tui sweep --json, docs/sweeps)",
            then(sweep.action_open_file),
        ),
        (
            "Sweep: save as JSON…",
            "the sweep shown, as rnn-tui sweep --json writes it",
            then(
                partial(
                    files.ask_path, screen, "Save the sweep (JSON) to:",
                    f"sweep-{screen.scenario.name}.json", sweep.save_file,
                )
            ),
        ),
        (
            "Sweep: metric / time per step",
            "switch the sweep chart: goal metric against the value, or seconds against T",
            then(sweep.action_toggle_view),
        ),
    ]


def screenshot_command(main: MainScreen) -> Command:
    """Offered on every screen (help too): the picture is of the screen shown."""
    from rnn_tui.ui.screens import files

    return ("Save screenshot…", "an SVG of the screen", partial(files.save_screenshot, main))


class RnnTuiCommands(Provider):
    """The app's commands; on other screens (help, dialogs) only the screenshot."""

    def _commands(self) -> list[Command]:
        from rnn_tui.ui.screens.main import MainScreen

        screen = self.screen
        if isinstance(screen, MainScreen):
            return main_commands(screen)
        main = next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)
        return [] if main is None else [screenshot_command(main)]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
