"""The main screen's changes of scenario and settings: validate, ask before losing training, apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnn_tui.core.changes import apply_changes, effect_of, format_value
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import Effect
from rnn_tui.ui.messages import ChangesRequested, ScenarioRequested
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.screens.screen_parts import ScreenParts


def said(value: Any) -> str:
    """A changed value as the Setup panel writes it: clipping is on or off, not True."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return format_value(value)


class SettingsFlow(ScreenParts):
    """Mixed into MainScreen. Learning rate and clipping apply at once; a new model asks first."""

    def on_changes_requested(self, message: ChangesRequested) -> None:
        self.request_changes(message.changes)

    def on_scenario_requested(self, message: ScenarioRequested) -> None:
        self.open_scenario(message.name_or_path)

    def request_changes(self, changes: dict[str, Any]) -> None:
        """Validate ``changes`` (dotted scenario keys), then apply them, asking if training would be lost."""
        try:
            if any(key.startswith("data.") for key in changes) and self.mirror is None:
                raise RnnTuiError("the data is still loading; try again in a moment")
            changed = apply_changes(self.scenario, changes)
        except RnnTuiError as error:
            self._setup_says(str(error))
            self.notify(str(error), title="Not applied", severity="error")
            return
        effect = effect_of(self.scenario, changed)
        summary = ", ".join(
            f"{key.split('.')[-1]} = {said(value)}" for key, value in changes.items()
        )
        if effect in ("model", "data"):
            self.confirm_discard(
                f"Changing {summary} builds a new model.",
                lambda: self._apply(changed, effect, summary),
                self._setup_sync,
            )
        else:
            self._apply(changed, effect, summary)

    def _setup_sync(self) -> None:
        if self.panels is not None:
            self.panels.setup.sync(self.scenario)

    def _setup_says(self, message: str) -> None:
        """Setup shows the scenario in force again, with ``message`` saying what was wrong."""
        if self.panels is not None:
            self.panels.setup.sync(self.scenario)  # clears the message: say it after
            self.panels.setup.show_message(message)

    def _apply(self, changed: Scenario, effect: Effect, summary: str) -> None:
        self.session.apply(changed, effect)
        if effect in ("model", "data"):
            self.scenario_changed(changed, note=f"Model reset: {summary}.")
            return
        if self.panels is not None:
            self.panels.training.set_clipping(changed.training.clip, changed.training.max_norm)
            self.panels.setup.sync(changed)
            self.panels.setup.show_message(f"applied: {summary}", False)

    def scenario_changed(self, scenario: Scenario, note: str) -> None:
        """After a reset to ``scenario``: title, panels, charts and the model copy follow."""
        self.query_one("#title-bar", TextLine).set(self.title_text())
        if self.panels is not None:
            self.panels.training.reset(scenario)
            self.panels.compare.set_scenario(scenario)
            self.panels.sweep.set_scenario(scenario)
            self.panels.timestep.clear("Timestep view: building the new model…")
            self.panels.try_it.set_mirror(None)
            self.panels.try_it.follow(scenario.name)
            self.panels.setup.sync(scenario)
        self.typed = None
        if note:
            self.show_banner(note, "info")
        self.build_mirror()
        self.refresh_bindings()

    def open_scenario(self, name_or_path: str) -> None:
        """Switch to a built-in scenario or a .toml file; a bad file gets a message, nothing else."""
        from rnn_tui.core.scenario import load_scenario

        try:
            scenario = self.catalog.get(name_or_path) or load_scenario(name_or_path)
        except RnnTuiError as error:
            self._setup_says(str(error))
            self.notify(str(error), title="Cannot open the scenario", severity="error")
            return

        def switch() -> None:
            self.session.apply(scenario, "data")
            self.sample = 0  # another scenario's data: its first held-out sample
            self.scenario_changed(scenario, note=f"Opened {scenario.name}: {scenario.summary}")

        self.confirm_discard(
            f"Switching to {scenario.name} builds a new model.",
            switch,
            self._setup_sync,
        )

    def ask_scenario_path(self) -> None:
        from rnn_tui.ui.screens.prompt import PromptScreen

        def answered(path: str | None) -> None:
            if path:
                self.open_scenario(path)

        self.app.push_screen(PromptScreen("Open a scenario file (.toml):", "scenarios/"), answered)

    def confirm_discard(
        self, what: str, then: Callable[[], Any], otherwise: Callable[[], Any] | None = None
    ) -> None:
        """Run ``then`` at once if no training would be lost; otherwise ask first."""
        lost = self.session.unsaved_steps
        if lost == 0:
            then()
            return
        from rnn_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()
            elif otherwise is not None:
                otherwise()

        question = (
            f"{what} This discards {lost} steps of training that are not saved "
            "(ctrl+p → Save weights keeps them). Go ahead?"
        )
        self.app.push_screen(ConfirmScreen(question), answered)
