"""Setup panel: topology -> scenario -> cell, the main hyperparameters, and the scenario's description.

A form walked by keyboard: up and down move between rows (never open a list), enter opens
a row's list or toggles its box or applies the typed numbers, escape leaves the form. Only
a number field takes the app's keys (it is typed into); on the other rows they still act.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
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
from rnn_tui.ui.panels.first_look import scenario_about

MARK = {True: "✓", False: " "}  # the clipping checkbox's mark, on and off
CELL_CHOICES = tuple((CELL_LABELS[cell], cell) for cell in CELLS)
# Two short lines: the sidebar is 28 columns wide. Outside the form, how to get in.
HINT_OUTSIDE = "↓ or enter: to the fields"
HINT_INSIDE = "↑↓ field · esc leaves\nenter: open a list, toggle\nor apply typed numbers"


def field_id(spec: FieldSpec) -> str:
    return "field-" + spec.key.replace(".", "-").replace("_", "-")


def clip_label(on: bool) -> str:
    """The checkbox's words: its mark alone is lost without colour, so the label says it."""
    return "on" if on else "off"


class RowSelect(Select[str], inherit_bindings=False):
    """A Select whose list opens on enter only: up and down move between the form's rows,
    and space stays the app's (train). In the open list up/down choose, enter picks,
    escape closes back to the row."""

    BINDINGS = [Binding("enter", "show_overlay", "Show the choices", show=False)]


class RowCheckbox(Checkbox, inherit_bindings=False):
    """A Checkbox toggled by enter only: space stays the app's (train).

    Its mark is "✓" or blank: Textual's is an "X" in both states, only dimmed when off,
    so without colour (or at a glance) "X off" read as on."""

    BINDINGS = [Binding("enter", "toggle_button", "Toggle", show=False)]

    def __init__(self, label: str, value: bool = False, **kwargs: Any) -> None:
        super().__init__(label, value, **kwargs)
        self.BUTTON_INNER = MARK[value]

    def watch_value(self) -> None:
        super().watch_value()
        self.BUTTON_INNER = MARK[self.value]


class SetupPanel(VerticalScroll, inherit_bindings=False):
    """Choices and fields; enter applies the typed values, a message says what is wrong.

    Not a scrolling container's keys: left/right/home/end must reach the app (the timestep
    cursor) while a list or the checkbox row is focused.
    """

    # Escape (leave the form) is the screen's: one binding, so the footer shows it here too.
    BINDINGS = [
        Binding("down", "row(1)", "Next field", show=False),
        Binding("up", "row(-1)", "Previous field", show=False),
        Binding("pagedown", "page_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Scroll up", show=False),
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
            yield RowSelect(
                [(t, t) for t in TOPOLOGIES],
                value=scenario.topology,
                allow_blank=False,
                compact=True,
                id="setup-topology",
            )
        with Horizontal(classes="field-row"):
            yield Label("scenario", classes="field-label")
            yield RowSelect(
                self._scenario_options(scenario.topology, scenario),
                value=scenario.name,
                allow_blank=False,
                compact=True,
                id="setup-scenario",
            )
        with Horizontal(classes="field-row"):
            yield Label("cell", classes="field-label")
            yield RowSelect(
                CELL_CHOICES,
                value=scenario.model.cell,
                allow_blank=False,
                compact=True,
                id="setup-cell",
            )
        with Horizontal(classes="field-row"):
            yield Label("clipping", classes="field-label")
            clip = scenario.training.clip
            yield RowCheckbox(clip_label(clip), clip, compact=True, id="setup-clip")
        for spec in FIELDS:
            with Horizontal(classes="field-row", id=field_id(spec) + "-row"):
                yield Label(spec.label, classes="field-label")
                yield Input(
                    self._text(spec),
                    compact=True,
                    id=field_id(spec),
                    tooltip=hint(scenario, spec, import_data=False),  # the first screen: no torch
                )
        yield Static("", id="setup-message")
        yield Static(HINT_OUTSIDE, id="setup-hint")
        yield Static(self._about(scenario), id="setup-about")

    def on_mount(self) -> None:
        self._show_applicable()

    def _scenario_options(self, topology: str, current: Scenario) -> list[tuple[str, str]]:
        options = [(name, name) for name, s in self.catalog.items() if s.topology == topology]
        if current.topology == topology and current.name not in self.catalog:
            options.append((f"{current.name} (file)", current.name))
        return options

    def refresh_hints(self) -> None:
        """The fields' tooltips for the current scenario, with the data parameters' ranges
        once the data generators are loaded (the screen calls this when the model is)."""
        for spec in FIELDS:
            field = self.query_one(f"#{field_id(spec)}", Input)
            field.tooltip = hint(self.scenario, spec, import_data=False)

    def _text(self, spec: FieldSpec) -> str:
        value = value_at(self.scenario, spec.key)
        return "" if value is None else format_value(value)

    def _show_applicable(self) -> None:
        keys = {spec.key for spec in applicable(self.scenario)}
        for spec in FIELDS:
            self.query_one(f"#{field_id(spec)}-row").display = spec.key in keys

    @staticmethod
    def _about(scenario: Scenario) -> Text:
        return scenario_about(scenario)  # as the first screen shows it

    # -- data in --------------------------------------------------------------------
    def sync(self, scenario: Scenario, notes: str = "") -> None:
        """Show ``scenario``'s values (after a change was applied, or refused, or another
        scenario opened): every row, and no message left over from before."""
        self.scenario = scenario
        with self.prevent(Select.Changed, Checkbox.Changed, Input.Changed):
            topology = self.query_one("#setup-topology", Select)
            topology.value = scenario.topology
            picker = self.query_one("#setup-scenario", Select)
            picker.set_options(self._scenario_options(scenario.topology, scenario))
            picker.value = scenario.name
            self.query_one("#setup-cell", Select).value = scenario.model.cell
            box = self.query_one("#setup-clip", Checkbox)
            box.value = scenario.training.clip
            box.label = clip_label(scenario.training.clip)
            for spec in FIELDS:
                field = self.query_one(f"#{field_id(spec)}", Input)
                field.value = self._text(spec)
                field.remove_class("-invalid", "-changed")
        self.show_message("")
        self._show_applicable()
        self.refresh_hints()
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors and not self._shown(focused):
            self.focus_row(0)  # its row has gone (a field the new scenario lacks)
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
        event.checkbox.label = clip_label(event.value)
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

    # -- moving through the form ------------------------------------------------------
    def rows(self) -> list[Widget]:
        """The form's rows that are shown, top to bottom: what up and down move between."""
        return [widget for widget in self.query("RowSelect, RowCheckbox, Input") if self._shown(widget)]

    @staticmethod
    def _shown(widget: Widget) -> bool:
        return widget.display and (widget.parent is None or widget.parent.display)

    def focus_row(self, index: int) -> None:
        """Put the form's cursor on row ``index`` (negative counts from the end)."""
        rows = self.rows()
        # At once (Widget.focus is queued behind keys already typed: a fast second ↓ was lost).
        self.screen.set_focus(rows[max(-len(rows), min(index, len(rows) - 1))])

    def action_row(self, delta: int) -> None:
        rows = self.rows()
        focused = self.screen.focused
        if focused not in rows:
            self.focus_row(0 if delta > 0 else -1)
            return
        self.screen.set_focus(rows[max(0, min(rows.index(focused) + delta, len(rows) - 1))])

    def on_descendant_focus(self) -> None:
        self.query_one("#setup-hint", Static).update(HINT_INSIDE)

    def on_descendant_blur(self) -> None:
        # Handled after the screen has moved focus on: still inside if it went to a next row.
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            return
        self.query_one("#setup-hint", Static).update(HINT_OUTSIDE)
        pending = [
            spec.label
            for spec in applicable(self.scenario)
            if self.query_one(f"#{field_id(spec)}", Input).value.strip() != self._text(spec)
        ]
        if pending:
            self.show_message(
                f"typed, not applied: {', '.join(pending)} (enter in a field applies)", False
            )
