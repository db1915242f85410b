"""Compare panel: vanilla RNN, LSTM and GRU trained on the same data and seed, curves overlaid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from rnn_tui.core.reports import StepReport
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import CELL_LABELS, CELLS, Cell
from rnn_tui.ui.compare_process import compare_main
from rnn_tui.ui.messages import CompareRequested
from rnn_tui.ui.protocol import CellDone, Failed, Report, State, Steps
from rnn_tui.ui.training_process import TrainingProcess
from rnn_tui.ui.widgets import CompareChart

SMOOTHING = 0.9  # exponential moving average of the training loss, so three curves stay legible
DEFAULT_STEPS = 300
STOP_SECONDS = 1.0  # how long the compare process gets to quit before it is terminated


class ComparePanel(Vertical):
    """Steps field (enter starts), a loss chart and a gradient-through-time chart, a results line."""

    def __init__(self, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.process = TrainingProcess(compare_main)
        self.steps = min(scenario.training.steps, DEFAULT_STEPS)
        self.progress: dict[Cell, int] = {}
        self.results: dict[Cell, str] = {}
        self.failure: str | None = None
        self.smoothed: dict[Cell, float] = {}
        self.running = False
        # Also given every report (a lesson gathers what the comparison measured).
        self.listener: Callable[[Report], None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Compare: vanilla RNN vs LSTM vs GRU", classes="panel-title")
        with Horizontal(classes="field-row"):
            yield Label("steps per cell", classes="field-label")
            yield Input(str(self.steps), compact=True, id="compare-steps", restrict=r"[0-9]*")
            yield Static("  enter starts (pauses main training)", id="compare-hint")
        yield Static("", id="compare-status")
        yield Static(
            "loss: the training loss, smoothed. ‖dL/dh_t‖: the gradient reaching each "
            "timestep t (log scale); falling towards t=1 is a vanishing gradient.",
            id="compare-note",
        )
        # Side by side on a narrow terminal (stacked, each would be a few rows tall),
        # stacked when wide (app.tcss).
        with Horizontal(id="compare-charts"):
            yield CompareChart("loss", id="compare-loss")
            yield CompareChart("‖dL/dh_t‖", x_title="timestep t", log_y=True, id="compare-grad")

    def on_mount(self) -> None:
        self._clear()
        self.query_one("#compare-loss", CompareChart).empty_text = (
            "Each cell's training loss (smoothed) appears here: enter in the steps field "
            "trains vanilla RNN, LSTM and GRU one after another."
        )
        self.query_one("#compare-grad", CompareChart).empty_text = (
            "Each cell's ‖dL/dh_t‖ as it trains: the gradient reaching each timestep t. "
            "Falling towards t=1 is a vanishing gradient."
        )

    def set_scenario(self, scenario: Scenario) -> None:
        self.stop()
        self.scenario = scenario
        self._clear()

    BINDINGS = [Binding("escape", "stop_compare", "stop comparing", show=False)]

    def on_unmount(self) -> None:
        self.stop()

    def action_stop_compare(self) -> None:
        if self.running:
            self.stop()
            self._status(Text("Stopped. " + self.progress_text().plain))
        self.screen.set_focus(None)

    def focus_default(self) -> None:
        # At once, not Widget.focus (queued behind keys already typed): a second enter
        # pressed fast must reach the field and start the comparison.
        self.screen.set_focus(self.query_one("#compare-steps", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text.isdigit() or not 1 <= int(text) <= 100_000:
            self._status(
                Text("✖ steps per cell must be a whole number from 1 to 100000", style="bold")
            )
            return
        self.post_message(CompareRequested(int(text)))

    # -- running --------------------------------------------------------------------
    def start(self, steps: int) -> None:
        self.stop()
        self._clear()
        self.steps = steps
        self.running = True
        self.process.start(self.scenario, steps)
        self._status(self.progress_text())

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        self.process.stop(timeout)
        self.running = False

    def _clear(self) -> None:
        self.progress, self.results, self.smoothed = {}, {}, {}
        self.failure = None
        for chart in self.query(CompareChart):
            chart.reset()
        self._status(
            Text(
                f"Trains each cell for the chosen steps on {self.scenario.name}, "
                f"seed {self.scenario.training.seed}, same data; one at a time."
            )
        )

    def frame(self) -> None:
        """Called on the screen's frame timer: take reports, redraw if anything changed."""
        if not self.running:
            return
        reports = self.process.drain()
        for report in reports:
            self.receive(report)
            if self.listener is not None:
                self.listener(report)
        if reports:
            self._status(self.progress_text())
        for chart in self.query(CompareChart):
            chart.redraw()

    def receive(self, report: Report) -> None:
        """Take one report of the compare process."""
        match report:
            case Steps(cell, steps):
                self._on_steps(cell, steps)
            case CellDone(cell, final, diverged):
                metric = self.scenario.goal.metric
                self.results[cell] = (
                    f"diverged ({diverged})"
                    if diverged or final is None
                    else f"{metric} {final.metric:.3g}"
                )
            case State(running=False, why="finished"):
                self.running = False
                self.process.stop()
            case Failed(message):
                self.running = False
                self.failure = message.splitlines()[-1]
                self.process.stop()

    def _on_steps(self, cell: Cell, reports: tuple[StepReport, ...]) -> None:
        loss_chart = self.query_one("#compare-loss", CompareChart)
        name = CELL_LABELS[cell]
        for report in reports:
            self.progress[cell] = report.step
            if report.diverged or not np.isfinite(report.loss):
                continue
            previous = self.smoothed.get(cell, report.loss)
            self.smoothed[cell] = SMOOTHING * previous + (1 - SMOOTHING) * report.loss
            loss_chart.add_point(name, report.step, self.smoothed[cell])
            if report.probe:
                norms = np.concatenate([parts[0] for parts in report.probe.values()])
                grad = self.query_one("#compare-grad", CompareChart)
                grad.set_series(name, np.arange(1, norms.size + 1), norms)

    def progress_text(self) -> Text:
        text = Text()
        for cell in CELLS:
            name = CELL_LABELS[cell]
            if cell in self.results:
                text.append(f"{name}: {self.results[cell]}  ")
            elif cell in self.progress:
                text.append(f"{name}: step {self.progress[cell]}/{self.steps}  ", style="bold")
            else:
                text.append(f"{name}: waiting  ")
        if self.failure:
            text.append("✖ " + self.failure)
        return text

    def _status(self, text: Text) -> None:
        self.query_one("#compare-status", Static).update(text)
