"""The main screen's changes of scenario and settings: validate, ask before losing training, apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.fields import check_changes, effect_of
from rnn_tui.ui.messages import ChangesRequested, ScenarioRequested


class SettingsFlow:
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
            changed = check_changes(self.scenario, changes)
        except RnnTuiError as error:
            self.panel_call("setup", "show_message", str(error))
            self.panel_call("setup", "sync", self.scenario)
            self.notify(str(error), title="Not applied", severity="error")
            return
        effect = effect_of(changes)
        summary = ", ".join(f"{key.split('.')[-1]} = {value}" for key, value in changes.items())
        if effect in ("model", "data"):
            self.confirm_discard(
                f"Changing {summary} builds a new model.",
                lambda: self._apply(changed, effect, summary),
                lambda: self.panel_call("setup", "sync", self.scenario),
            )
        else:
            self._apply(changed, effect, summary)

    def _apply(self, changed: Scenario, effect: str, summary: str) -> None:
        self.session.apply(changed, effect)
        if effect in ("model", "data"):
            self.scenario_changed(changed, note=f"Model reset: {summary}.")
            return
        self.panel_call(
            "training", "set_clipping", changed.training.clip, changed.training.max_norm
        )
        self.panel_call("setup", "sync", changed)
        self.panel_call("setup", "show_message", f"applied: {summary}", False)

    def scenario_changed(self, scenario: Scenario, note: str) -> None:
        """After a reset to ``scenario``: title, panels, charts and the model copy follow."""
        self.query_one("#title-bar").set(self.title_text())
        self.panel_call("training", "reset", scenario)
        self.panel_call("compare", "set_scenario", scenario)
        self.panel_call("timestep", "clear", "Timestep view: building the new model…")
        self.panel_call("try", "set_mirror", None)
        self.panel_call("setup", "sync", scenario)
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
            self.panel_call("setup", "sync", self.scenario)
            self.panel_call("setup", "show_message", str(error))
            self.notify(str(error), title="Cannot open the scenario", severity="error")
            return

        def switch() -> None:
            self.session.apply(scenario, "data")
            self.scenario_changed(scenario, note=f"Opened {scenario.name}: {scenario.summary}")

        self.confirm_discard(
            f"Switching to {scenario.name} builds a new model.",
            switch,
            lambda: self.panel_call("setup", "sync", self.scenario),
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
