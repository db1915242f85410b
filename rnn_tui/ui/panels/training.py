"""Training panel: loss, metric, gradient norm and gradient-through-time charts, fed by step reports."""

from __future__ import annotations

import time
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from rnn_tui.core.reports import StepReport
from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.protocol import Report, Steps
from rnn_tui.ui.widgets import GradNormChart, GradThroughTimeChart, LossChart, MetricChart

SHORT_ROWS = 16
"""Below this height four charts get a row or two of plot each (80x24 with the lesson pane
open): two charts side by side then, and a line saying which two are hidden."""


class TrainingPanel(Grid):
    """Four charts in a 2x2 grid (two when short). ``add_reports`` only records; ``redraw``
    draws (on the frame timer)."""

    def __init__(self, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self._next_chart = 0
        self._drawn_at = [0.0] * 4  # monotonic time of each chart's last draw

    def compose(self) -> ComposeResult:
        goal, training = self.scenario.goal, self.scenario.training
        yield Static("", id="training-short-note")
        yield LossChart(id="chart-loss")
        yield MetricChart(goal.metric, goal.target, id="chart-metric")
        yield GradNormChart(
            max_norm=training.max_norm if training.clip else None, id="chart-grad-norm"
        )
        yield GradThroughTimeChart(id="chart-grad-time")

    def on_mount(self) -> None:
        self._explain(self.scenario)

    def on_resize(self) -> None:
        self._fit_height()

    def _fit_height(self) -> None:
        """Two charts when short: the gradient pair for a gradient demonstration (what its
        lessons are about), else the loss and the held-out metric."""
        short = 0 < self.size.height < SHORT_ROWS
        gradients = self.scenario.use_case == "gradient demonstration"
        self.set_class(short and gradients, "-short-gradients")
        self.set_class(short and not gradients, "-short-progress")
        hidden = "loss, held-out" if gradients else "grad norm, ‖dL/dh_t‖"
        self.query_one("#training-short-note", Static).update(
            f"2 of 4 charts ({hidden} hidden at this height; F folds a lesson)"
        )

    def reset(self, scenario: Scenario) -> None:
        """A new model: forget every curve; the metric, goal and clip line follow the scenario."""
        self.scenario = scenario
        for chart in (self.loss, self.metric, self.grad_norm, self.grad_time):
            chart.reset()
            chart.set_x_span(None)
        self.metric.set_metric(scenario.goal.metric, scenario.goal.target)
        self.set_clipping(scenario.training.clip, scenario.training.max_norm)
        self._explain(scenario)
        self._fit_height()

    def _explain(self, scenario: Scenario) -> None:
        """What each chart will show, said in it until the first step (see empty_text)."""
        training, goal = scenario.training, scenario.goal
        self.loss.empty_text = (
            "The loss of every training step, and the held-out loss, appear here as the "
            "model trains: space trains, n takes one step."
        )
        self.metric.empty_text = (
            f"Held-out {goal.metric}: measured every {training.eval_every} steps on "
            f"examples the model never trains on; the goal is {goal.target:g}."
        )
        self.grad_time.empty_text = (
            f"‖dL/dh_t‖, every {training.probe_every} steps: how much of the loss's "
            "gradient reaches each timestep t. Falling towards t=1 is a vanishing gradient."
        )
        self._explain_clipping(training.clip, training.max_norm)
        for chart in (self.loss, self.metric, self.grad_time):
            chart.mark_dirty()

    def _explain_clipping(self, clip: bool, max_norm: float) -> None:
        self.grad_norm.empty_text = "The size of the whole gradient at every step" + (
            f"; clipping scales a step above {max_norm:g} down to it (g turns it off)."
            if clip
            else "; clipping is off (g turns it on)."
        )
        self.grad_norm.mark_dirty()

    def set_clipping(self, clip: bool, max_norm: float) -> None:
        self.grad_norm.set_max_norm(max_norm if clip else None)
        self._explain_clipping(clip, max_norm)

    @property
    def loss(self) -> LossChart:
        return self.query_one(LossChart)

    @property
    def metric(self) -> MetricChart:
        return self.query_one(MetricChart)

    @property
    def grad_norm(self) -> GradNormChart:
        return self.query_one(GradNormChart)

    @property
    def grad_time(self) -> GradThroughTimeChart:
        return self.query_one(GradThroughTimeChart)

    def receive(self, report: Report) -> None:
        """Take a report from the training process: step reports become chart points."""
        match report:
            case Steps(_, reports):
                self.add_reports(reports)

    def add_reports(self, reports: tuple[StepReport, ...] | list[StepReport]) -> None:
        """Record step reports; nothing is drawn here."""
        loss, metric, grad_norm = self.loss, self.metric, self.grad_norm
        newest: int | None = None
        for report in reports:
            step = report.step
            if report.diverged:
                continue  # a NaN point would only hide the curve; the banner tells
            newest = step
            loss.add_train(step, report.loss)
            grad_norm.add(step, report.grad_norm, report.clipped)
            if report.eval is not None:
                loss.add_eval(step, report.eval.loss)
                metric.add(step, report.eval.metric)
            if report.probe:
                # The first layer: the gradient that reaches it has crossed every step.
                parts = [(name, norms[0]) for name, norms in report.probe.items()]
                self.grad_time.set_probe(step, parts)
        if newest is not None:
            # One x axis for the three charts over training steps: from 0 to the newest
            # step, so an evaluation lines up with the loss at the same step.
            for chart in (loss, metric, grad_norm):
                chart.set_x_span((0.0, float(newest)))

    def redraw(self, limit: int | None = None, min_interval: float = 0.0) -> int:
        """Draw the charts whose data changed, at most ``limit`` of them (round robin),
        none drawn again sooner than ``min_interval`` seconds.

        A chart redraw costs tens of milliseconds of the UI's time, and on 2 cores that
        time comes out of training: one chart per frame, each at a capped rate.
        """
        charts = [self.loss, self.metric, self.grad_norm, self.grad_time]
        now = time.monotonic()
        drawn = 0
        for _ in range(len(charts)):
            index = self._next_chart
            self._next_chart = (index + 1) % len(charts)
            if now - self._drawn_at[index] < min_interval or not charts[index].dirty:
                continue
            if charts[index].redraw():
                self._drawn_at[index] = now
                drawn += 1
                if limit is not None and drawn >= limit:
                    break
        return drawn
