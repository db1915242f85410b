"""Sweep panel: train every (value, cell, seed) of one varied setting and chart the results.

The same engine as `rnn-tui sweep` (``core.sweep``): the plan is checked, then the runs go
to a pool of spawned worker processes, driven from a thread worker that holds a stop
event (escape sets it; the pool is terminated and what finished is kept). Each finished
run redraws the chart, so the picture grows while the sweep runs. A sweep saved as JSON
(by the CLI, or here) opens in the same charts. Two views: the goal metric against the
varied value, and (when T varies) the CPU time of a training step against T, log-log.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, Label, Static
from textual.worker import Worker, WorkerState

from rnn_tui.core.changes import DATA_PACKAGE
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.sweep import SweepPlan, SweepPoint, SweepResult, value_text
from rnn_tui.ui.panels.sweep_plan import SweepSpec, default_spec, plan_from, suggested_file
from rnn_tui.ui.widgets.sweep_chart import SweepChart
from rnn_tui.ui.widgets.sweep_time_chart import WHY_BELOW_ONE, WHY_TIME_GROWS, SweepTimeChart

if TYPE_CHECKING:
    from rnn_tui.ui.screens.screen_parts import ScreenParts

STOP_SECONDS = 2.0  # how long stopping waits for the pool to be terminated
WORKERS = max(1, (os.cpu_count() or 2) - 1)  # one core stays with the app
LONG_CAPTION_HEIGHT = 30  # rows of the panel from which the timing caption says more
FIELDS = ("key", "values", "cells", "seeds", "steps")


class SweepPanel(Vertical):
    """Fields (vary, values, cells, seeds, steps), a progress line, the chart and its caption."""

    DEFAULT_CSS = """
    SweepPanel { padding: 0 1; }
    SweepPanel .sweep-row { height: 1; }
    SweepPanel .sweep-row Label { width: auto; color: $text-muted; padding: 0 1 0 0; }
    SweepPanel .sweep-row Input { width: 1fr; margin-right: 1; }
    SweepPanel #sweep-key { max-width: 26; }
    SweepPanel #sweep-cells { max-width: 16; }
    SweepPanel #sweep-seeds { max-width: 10; }
    SweepPanel #sweep-steps { max-width: 8; }
    SweepPanel .sweep-row Input:focus { text-style: bold; }
    SweepPanel #sweep-status { height: auto; }
    SweepPanel #sweep-views { height: 1fr; }
    SweepPanel #sweep-caption { height: auto; color: $text-muted; }
    """

    BINDINGS = [
        Binding("down", "next_field(1)", "next field", show=False),
        Binding("up", "next_field(-1)", "previous field", show=False),
        Binding("ctrl+t", "toggle_view", "metric / time"),
        Binding("ctrl+o", "open_file", "open sweep"),
        Binding("escape", "stop_or_leave", "stop / leave field", show=False),
    ]

    @dataclass
    class Planned(Message):
        plan: SweepPlan

    @dataclass
    class PointDone(Message):
        point: SweepPoint

    @dataclass
    class StepsDone(Message):
        steps: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SweepPanel.StepsDone)  # only the newest count matters

    @dataclass
    class Finished(Message):
        result: SweepResult | None
        error: str = ""

    def __init__(self, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        # The default sweep asks the data generators for their bounds, which imports
        # torch: on the first screen that would stall the UI thread while the training
        # process imports it too. Until the data modules are loaded (or the panel is
        # shown) the fields wait empty.
        self.defaults_for: str | None = None  # the scenario whose default sweep is in the fields
        self.spec = SweepSpec("", "", "", "", "")
        if _data_loaded():
            self.spec, self.defaults_for = default_spec(scenario), scenario.name
        self.plan: SweepPlan | None = None
        self.points: list[SweepPoint] = []
        self.result: SweepResult | None = None  # the sweep shown (running, finished or opened)
        self.steps_done = 0
        self.view = "metric"  # or "time"
        self.processes = WORKERS  # worker processes; 0: in this process, in a thread (tests)
        self.worker: Worker[None] | None = None
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._finished.set()

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("Sweep: train each (value, cell, seed); chart the goal metric against the value",
                     classes="panel-title")
        spec = self.spec
        with Horizontal(classes="sweep-row"):
            yield Label("vary")
            yield Input(spec.key, compact=True, id="sweep-key")
            yield Label("values")
            yield Input(spec.values, compact=True, id="sweep-values")
        with Horizontal(classes="sweep-row"):
            yield Label("cells")
            yield Input(spec.cells, compact=True, id="sweep-cells")
            yield Label("seeds")
            yield Input(spec.seeds, compact=True, id="sweep-seeds", restrict=r"[0-9, ]*")
            yield Label("steps")
            yield Input(spec.steps, compact=True, id="sweep-steps", restrict=r"[0-9]*")
        yield Static(self._idle_text(), id="sweep-status")
        with ContentSwitcher(initial="sweep-metric", id="sweep-views"):
            yield SweepChart(id="sweep-metric")
            yield SweepTimeChart(id="sweep-time")
        yield Static("", id="sweep-caption")

    @property
    def parts(self) -> ScreenParts:
        return self.screen  # type: ignore[return-value]  # mounted on MainScreen

    @property
    def running(self) -> bool:
        return not self._finished.is_set()

    def _field(self, name: str) -> Input:
        return self.query_one(f"#sweep-{name}", Input)

    def focus_default(self) -> None:
        """Entered (enter): the first field takes the keys."""
        self._ensure_defaults()
        self.screen.set_focus(self._field("key"))  # at once: a fast second key lands in it

    def _ensure_defaults(self) -> None:
        """The scenario's default sweep in the fields, unless they already hold it."""
        if self.defaults_for != self.scenario.name:
            self.defaults_for = self.scenario.name
            self._fill(default_spec(self.scenario))

    def action_next_field(self, delta: int) -> None:
        focused = self.screen.focused
        names = [f"sweep-{name}" for name in FIELDS]
        index = names.index(focused.id) if focused is not None and focused.id in names else -1
        self.screen.set_focus(self._field(FIELDS[(index + delta) % len(FIELDS)]))

    def set_scenario(self, scenario: Scenario) -> None:
        """Another scenario: the fields offer its default sweep (a running one goes on);
        the same scenario with other settings keeps what the user typed."""
        renamed = scenario.name != self.scenario.name
        self.scenario = scenario
        if not renamed:
            return
        if _data_loaded():  # else frame() fills them once shown (importing torch here would stall)
            self._ensure_defaults()
        if not self.running and self.result is None:
            self._say(self._idle_text())

    def _fill(self, spec: SweepSpec) -> None:
        for name in FIELDS:
            self._field(name).value = getattr(spec, name)

    def _idle_text(self) -> Text:
        return Text("enter runs · escape stops · ctrl+t metric / time · ctrl+o opens a saved sweep")

    # -- running --------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start(SweepSpec(*(self._field(name).value for name in FIELDS)))

    def start(self, spec: SweepSpec) -> None:
        """Plan and run ``spec`` on the current scenario (the plan is checked in the worker)."""
        if self.running:
            self._say(Text("A sweep is running; escape stops it first.", style="bold"))
            return
        panels = getattr(self.parts, "panels", None)
        if panels is not None and panels.compare.running:  # two at once would halve both
            self._say(Text("A comparison is running (Compare panel); escape there stops it.",
                           style="bold"))
            return
        self.plan, self.points, self.result, self.steps_done = None, [], None, 0
        self._show_result()
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._say(Text("Checking the plan and building each value's data…"))
        session = getattr(self.parts, "session", None)
        if session is not None:
            session.pause()  # two trainings at once would halve both on 2 cores
        self.worker = self._sweep(self.scenario, spec, self.processes, self._stop, self._finished)

    @work(thread=True, exclusive=True, group="sweep", exit_on_error=False)
    def _sweep(
        self, scenario: Scenario, spec: SweepSpec, workers: int, stop: threading.Event,
        finished: threading.Event,
    ) -> None:
        from rnn_tui.core.sweep import run_sweep

        try:
            plan = plan_from(scenario, spec)
            if stop.is_set():  # stopped (or the app ended) while the data was being checked
                self.post_message(self.Finished(SweepResult(plan, (), interrupted=True)))
                return
            self.post_message(self.Planned(plan))

            def on_point(point: SweepPoint) -> None:
                self.post_message(self.PointDone(point))

            def on_progress(steps: int) -> None:
                self.post_message(self.StepsDone(steps))

            result = run_sweep(plan, workers, on_point, on_progress, stop=stop, quiet=True)
            self.post_message(self.Finished(result))
        except RnnTuiError as error:
            self.post_message(self.Finished(None, str(error)))
        finally:
            finished.set()

    def on_sweep_panel_planned(self, message: Planned) -> None:
        message.stop()
        self.plan = message.plan
        self._show_result()

    def on_sweep_panel_point_done(self, message: PointDone) -> None:
        message.stop()
        if self.plan is None:
            return
        self.points.append(message.point)
        self._show_result()

    def on_sweep_panel_steps_done(self, message: StepsDone) -> None:
        message.stop()
        self.steps_done = message.steps
        self._say(self._progress_text())

    def on_sweep_panel_finished(self, message: Finished) -> None:
        message.stop()
        result = message.result
        if result is None:
            self._say(Text("✖ " + message.error, style="bold"))
            return
        self.plan, self.points = result.plan, list(result.points)
        self._show_result(result)
        done, planned = len(result.points), len(result.plan.runs)
        if result.interrupted:
            self._say(Text(f"Stopped: {done} / {planned} runs finished (shown) · enter runs again",
                           style="bold"))
        else:
            self._say(Text(f"Done: {done} / {planned} runs in {result.seconds:.0f} s · ctrl+t time "
                           "per step · ctrl+p save as JSON"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in the sweep's worker: one line, not a traceback."""
        if event.worker.group != "sweep" or event.state != WorkerState.ERROR:
            return
        event.stop()
        self._say(Text(f"✖ the sweep failed: {event.worker.error}", style="bold"))

    def _progress_text(self) -> Text:
        plan = self.plan
        if plan is None:
            return Text("")
        text = Text(f"{len(self.points)} / {len(plan.runs)} runs", style="bold")
        total = plan.total_steps
        if total:
            text.append(f" · {self.steps_done:,} / {total:,} steps")
        if self.points:
            p = self.points[-1]
            text.append(f" · {p.cell} {value_text(p.value)} seed {p.seed}: {plan.metric} {p.metric:.3g}")
        text.append(" · esc stops")
        return text

    def action_stop_or_leave(self) -> None:
        if self.running:
            self._stop.set()
            self._say(Text("Stopping… (the runs that finished stay)", style="bold"))
            return
        self.screen.set_focus(None)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop a running sweep and wait up to ``timeout`` seconds for its pool to end."""
        self._stop.set()
        self._finished.wait(timeout)

    def on_unmount(self) -> None:
        self.stop()

    # -- showing --------------------------------------------------------------------
    def show_result(self, result: SweepResult, source: str = "") -> None:
        """Show a finished sweep (e.g. read from a file) unless one is running."""
        if self.running:
            self._say(Text("A sweep is running; escape stops it first.", style="bold"))
            return
        self.plan, self.points = result.plan, list(result.points)
        self._show_result(result)
        plan = result.plan
        if plan.scenario == self.scenario.name:  # enter runs it again (other scenarios' keys may not fit)
            self._fill(SweepSpec(plan.key, ",".join(map(value_text, plan.values)), ",".join(plan.cells),
                                 ",".join(map(str, plan.seeds)), str(max(run.steps for run in plan.runs))))
        where = f" {source}" if source else ""
        self._say(Text(f"Opened{where} ({plan.scenario}, {len(result.points)} / {len(plan.runs)} runs"
                       + (", interrupted" if result.interrupted else "") + ") · ctrl+t time"))

    def _show_result(self, result: SweepResult | None = None) -> None:
        if result is None and self.plan is not None:
            result = SweepResult(self.plan, tuple(self.points), interrupted=self.running)
        self.result = result
        self.query_one(SweepChart).show(result)
        self.query_one(SweepTimeChart).show(result)
        self._caption()
        if self.running and self.plan is not None:
            self._say(self._progress_text())

    def action_toggle_view(self) -> None:
        self.set_view("time" if self.view == "metric" else "metric")

    def set_view(self, view: str) -> None:
        """"metric": the goal metric against the value; "time": seconds per step against T."""
        self.view = view
        self.query_one(ContentSwitcher).current = f"sweep-{view}"
        self._caption()
        self.redraw()

    def _caption(self) -> None:
        long = self.size.height >= LONG_CAPTION_HEIGHT
        self.query_one("#sweep-caption", Static).update(caption(self.result, self.view, long))

    def on_resize(self) -> None:
        self._caption()

    def action_open_file(self) -> None:
        from rnn_tui.ui.screens.files import ask_path

        ask_path(self.parts, "Open a sweep saved as JSON (rnn-tui sweep --json):",  # type: ignore[arg-type]
                 suggested_file(), self.open_file)

    def open_file(self, path: str) -> None:
        try:
            result = SweepResult.from_json(path)
        except RnnTuiError as error:
            self._say(Text("✖ " + str(error), style="bold"))
            return
        self.show_result(result, path)

    def save_file(self, path: str) -> None:
        """Write the shown sweep as `rnn-tui sweep --json` does."""
        import json

        if self.result is None or not self.result.points:
            self._say(Text("✖ no sweep to save yet: run one (enter) first.", style="bold"))
            return
        target = Path(path).expanduser()
        try:
            target.write_text(json.dumps(self.result.to_json(), indent=1), encoding="utf-8")
        except OSError as error:
            self._say(Text(f"✖ {target}: cannot write there ({error.strerror}).", style="bold"))
            return
        self._say(Text(f"Saved the sweep to {target}"))

    def frame(self, shown: bool) -> None:
        """Called on the screen's frame timer: redraw the shown chart if its data changed."""
        if shown:
            self._ensure_defaults()
            self.redraw()

    def redraw(self) -> None:
        chart = self.query_one(SweepChart) if self.view == "metric" else self.query_one(SweepTimeChart)
        chart.redraw()

    def _say(self, text: Text) -> None:
        self.query_one("#sweep-status", Static).update(text)


def _data_loaded() -> bool:
    return DATA_PACKAGE in sys.modules


def caption(result: SweepResult | None, view: str, long: bool = False) -> Text:
    """What the chart shows, in words: over what, how, and (timing) why; ``long`` adds
    what a slope below 1 means (when the panel has the rows)."""
    if result is None:
        return Text("No sweep shown yet: enter runs the one in the fields; ctrl+o opens a saved "
                    "one (docs/sweeps has some).")
    plan = result.plan
    steps = "/".join(f"{s:,}" for s in sorted({run.steps for run in plan.runs}))
    seeds = ", ".join(map(str, plan.seeds))
    if view == "metric":
        over = (f"mean over seeds {seeds}, │ from the lowest to the highest"
                if len(plan.seeds) > 1 else f"seed {seeds}")
        text = f"{plan.scenario}: {over}; {steps} training steps per run."
        diverged = sum(p.diverged is not None for p in result.points)
        if diverged:
            text += f" {diverged} run{'s' if diverged > 1 else ''} diverged."
        return Text(text)
    timesteps = sorted({p.timesteps for p in result.points})
    if len(timesteps) < 2:
        return Text(f"Every run has T = {timesteps[0] if timesteps else '?'} recurrent steps: no slope "
                    "to fit. Vary a sequence length (data.params.seq_len) to see time against T.")
    fits = result.timing_fits("step")
    slopes = ", ".join(f"{cell} {fit.slope:.2f}" for cell, fit in fits.items() if fit is not None)
    timing = Text("log-log slope: ", style="bold")
    timing.append(f"{slopes} (1: time ∝ T). {WHY_TIME_GROWS}")
    if long:
        timing.append(f" {WHY_BELOW_ONE} Median over seeds.")
    return timing
