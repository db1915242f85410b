"""Setup panel: topology -> scenario -> cell, the main hyperparameters, and the scenario's description."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from rnn_tui.core.changes import (
    FIELDS,
    FieldSpec,
    applicable,
    format_value,
    hint,
    parse_field,
    value_at,
)
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import CELL_LABELS, CELLS, TOPOLOGIES
from rnn_tui.ui.messages import ChangesRequested, ScenarioRequested

CELL_CHOICES = tuple((CELL_LABELS[cell], cell) for cell in CELLS)


def reflow(text: str) -> str:
    """Paragraphs of a TOML multi-line string re-joined, so the panel wraps them at its width."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def field_id(spec: FieldSpec) -> str:
    return "field-" + spec.key.replace(".", "-").replace("_", "-")


class SetupPanel(VerticalScroll):
    """Choices and fields; enter applies the typed values, a message says what is wrong."""

    BINDINGS = [
        Binding("escape", "leave", "Leave the form", show=False),
        Binding("down", "focus_next", "Next field", show=False),
        Binding("up", "focus_previous", "Previous field", show=False),
    ]

    def __init__(self, scenario: Scenario, catalog: dict[str, Scenario], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.catalog = catalog  # built-in name -> scenario, for the pickers
        self.can_focus = False

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        scenario = self.scenario
        yield Static("Setup", classes="panel-title")
        with Horizontal(classes="field-row"):
            yield Label("topology", classes="field-label")
            yield Select(
                [(t, t) for t in TOPOLOGIES],
                value=scenario.topology,
                allow_blank=False,
                compact=True,
                id="setup-topology",
            )
        with Horizontal(classes="field-row"):
            yield Label("scenario", classes="field-label")
            yield Select(
                self._scenario_options(scenario.topology, scenario),
                value=scenario.name,
                allow_blank=False,
                compact=True,
                id="setup-scenario",
            )
        with Horizontal(classes="field-row"):
            yield Label("cell", classes="field-label")
            yield Select(
                CELL_CHOICES,
                value=scenario.model.cell,
                allow_blank=False,
                compact=True,
                id="setup-cell",
            )
        with Horizontal(classes="field-row"):
            yield Label("clipping", classes="field-label")
            yield Checkbox("on", scenario.training.clip, compact=True, id="setup-clip")
        for spec in FIELDS:
            with Horizontal(classes="field-row", id=field_id(spec) + "-row"):
                yield Label(spec.label, classes="field-label")
                yield Input(self._text(spec), compact=True, id=field_id(spec), tooltip=hint(scenario, spec))
        yield Static("", id="setup-message")
        yield Static("enter applies · ↑↓ move · esc leaves", id="setup-hint")
        yield Static(self._about(scenario), id="setup-about")

    def on_mount(self) -> None:
        self._show_applicable()

    def _scenario_options(self, topology: str, current: Scenario) -> list[tuple[str, str]]:
        options = [(name, name) for name, s in self.catalog.items() if s.topology == topology]
        if current.topology == topology and current.name not in self.catalog:
            options.append((f"{current.name} (file)", current.name))
        return options

    def _text(self, spec: FieldSpec) -> str:
        value = value_at(self.scenario, spec.key)
        return "" if value is None else format_value(value)

    def _show_applicable(self) -> None:
        keys = {spec.key for spec in applicable(self.scenario)}
        for spec in FIELDS:
            self.query_one(f"#{field_id(spec)}-row").display = spec.key in keys

    @staticmethod
    def _about(scenario: Scenario) -> Text:
        goal = scenario.goal
        sign = "≥" if goal.higher_is_better else "≤"
        text = Text()
        text.append(scenario.title + "\n", style="bold")
        text.append(f"{scenario.topology} · {scenario.use_case}\n", style="italic")
        text.append(f"goal: {goal.metric} {sign} {goal.target:g}\n\n")
        text.append(scenario.summary + "\n\n")
        text.append(reflow(scenario.description))
        return text

    # -- data in --------------------------------------------------------------------
    def sync(self, scenario: Scenario, notes: str = "") -> None:
        """Show ``scenario``'s values (after a change was applied, or refused)."""
        self.scenario = scenario
        with self.prevent(Select.Changed, Checkbox.Changed, Input.Changed):
            topology = self.query_one("#setup-topology", Select)
            topology.value = scenario.topology
            picker = self.query_one("#setup-scenario", Select)
            picker.set_options(self._scenario_options(scenario.topology, scenario))
            picker.value = scenario.name
            self.query_one("#setup-cell", Select).value = scenario.model.cell
            self.query_one("#setup-clip", Checkbox).value = scenario.training.clip
            for spec in FIELDS:
                field = self.query_one(f"#{field_id(spec)}", Input)
                field.value = self._text(spec)
                field.remove_class("-invalid", "-changed")
        self._show_applicable()
        about = self._about(scenario)
        if notes:
            about.append("\n\n" + notes, style="italic")
        self.query_one("#setup-about", Static).update(about)

    def show_message(self, message: str, error: bool = True) -> None:
        widget = self.query_one("#setup-message", Static)
        widget.update(message)
        widget.set_class(error and bool(message), "-error")

    # -- user input -----------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:
            return
        if event.select.id == "setup-topology":
            self._pick_topology(str(event.value))
        elif event.select.id == "setup-scenario" and event.value != self.scenario.name:
            self.post_message(ScenarioRequested(str(event.value)))
        elif event.select.id == "setup-cell" and event.value != self.scenario.model.cell:
            self.post_message(ChangesRequested({"model.cell": event.value}))

    def _pick_topology(self, topology: str) -> None:
        if topology == self.scenario.topology:
            return  # also posted when the picker is first set up
        options = self._scenario_options(topology, self.scenario)
        if not options:
            self.show_message(f"no built-in scenario has the topology {topology}")
            with self.prevent(Select.Changed):
                self.query_one("#setup-topology", Select).value = self.scenario.topology
            return
        self.post_message(ScenarioRequested(options[0][1]))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value != self.scenario.training.clip:
            self.post_message(ChangesRequested({"training.clip": event.value}))

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check a field as it is typed: a wrong value gets its message at once."""
        event.stop()
        spec = self._spec_of(event.input)
        if spec is None:
            return
        problem = self._problem(spec, event.value)
        event.input.set_class(problem is not None, "-invalid")
        event.input.set_class(
            problem is None and event.value.strip() != self._text(spec), "-changed"
        )
        self.show_message(problem or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> bool:
        """Apply every changed field at once; False (and a message) if any is wrong."""
        changes: dict[str, Any] = {}
        for spec in applicable(self.scenario):
            field = self.query_one(f"#{field_id(spec)}", Input)
            if field.value.strip() == self._text(spec):
                continue
            problem = self._problem(spec, field.value)
            if problem is not None:
                self.show_message(problem)
                field.focus()
                return False
            changes[spec.key] = parse_field(self.scenario, spec, field.value)
        if not changes:
            self.show_message("nothing changed", error=False)
            return True
        self.post_message(ChangesRequested(changes))
        return True

    def _spec_of(self, field: Input) -> FieldSpec | None:
        return next((spec for spec in FIELDS if field_id(spec) == field.id), None)

    def _problem(self, spec: FieldSpec, text: str) -> str | None:
        try:
            value = parse_field(self.scenario, spec, text)
            self.scenario.with_changes({spec.key: value})
        except (ValueError, ScenarioError) as error:
            return str(error)
        return None

    def action_leave(self) -> None:
        self.screen.set_focus(None)
