"""A lesson's actions done in the live app; what they measured goes into the core's Evidence.

Each action goes through the app's own machinery, so the learner sees it happen: the
Setup flow for scenarios, cells and fields; the training process for Train (step
reports counted as they arrive); the Compare panel's process for Compare; the Inside
panel for interventions and the ablation ranking; a sweep in a thread (the sweep's own
pool of processes). What the runs report is recorded into ``core.lessons.quantities``'s
``Evidence``, and the step's check is evaluated by the core's ``measure``/``evaluate``/
``render``: the app and ``rnn-tui learn NAME --check`` judge the same claims the same way.

Waiting is on conditions (the session's state, a panel's flag), polled on the app's
loop; nothing here has a deadline: the learner can always go on (>) or leave (X),
which cancels the step.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from rnn_tui.core.changes import apply_changes, effect_of, parse_setting, parse_value
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.lessons import model as lm
from rnn_tui.core.lessons.checks import decide
from rnn_tui.core.lessons.quantities import Evidence, measure
from rnn_tui.core.reports import EvalResult, StepReport
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.vocabulary import CELL_LABELS, CELLS, Cell
from rnn_tui.ui.lessons.walk import StepRecord
from rnn_tui.ui.protocol import CellDone, Ready, Report, Steps, Weights, WeightsAt

if TYPE_CHECKING:
    from rnn_tui.core.sweep import SweepResult
    from rnn_tui.ui.mirror import Mirror
    from rnn_tui.ui.screens.main import MainScreen

POLL_SECONDS = 0.1  # how often a waiting action looks at the app's state
SWEEP_WORKERS = 1  # the main training is paused meanwhile; one core stays the UI's


def cell_label(cell: str) -> str:
    """The cell's label ("vanilla RNN"), or the name as written when it is not a cell."""
    return next((label for name, label in CELL_LABELS.items() if name == cell), cell)


QUIET = (lm.ShowPanel, lm.ShowTimestep)
# The panel that shows an action's work while it runs.
SHOWN_BY: dict[type, str] = {lm.Compare: "compare", lm.Intervene: "inside", lm.Ablate: "inside"}


class ActionFailed(Exception):
    """An action could not be done; the message is one paragraph for the pane."""


def describe(action: lm.Action) -> str:
    """An action in a few words, for the pane's list of what the step did."""
    match action:
        case lm.OpenScenario(scenario, settings):
            # The keys' last parts: "seq_len=8", not "data.params.seq_len=8".
            short = ", ".join(
                item.split("=")[0].split(".")[-1] + "=" + item.partition("=")[2]
                for item in settings
            )
            return f"opened {scenario}" + (f": {short}" if settings else "")
        case lm.SetCell(cell):
            return f"cell: {cell_label(cell)}"
        case lm.SetField(field, value):
            return f"set {field} = {value}"
        case lm.ShowPanel(panel):
            return f"showing the {panel} panel"
        case lm.ShowTimestep(t):
            return f"timestep t={t}"
        case lm.ShowSample(index, contains):
            if contains is None:
                return f"held-out sample {index}"
            return f"a held-out sample that reads {contains!r}"
        case lm.Train(steps, until_goal):
            return f"trained {steps or ''} steps".replace("  ", " ") + (
                " (or until the goal)" if until_goal else ""
            )
        case lm.Compare(steps):
            return f"compared rnn, lstm and gru, {steps} steps each"
        case lm.Sweep(vary, values, cells, steps):
            return f"swept {vary} over {', '.join(values)} ({', '.join(cells)}, {steps} steps)"
        case lm.Intervene(spec):
            return f"intervened: {spec}"
        case lm.Ablate():
            return "ranked the units by ablation"
    return str(action)


class LiveLesson:
    """Does one lesson's actions on ``screen`` and keeps the Evidence of this run."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.evidence = Evidence()
        self.t: int | None = None  # the timestep trace quantities are read at (ShowTimestep)
        # Main training's step reports since the last measurement, by cell: the learner's
        # own training (space) counts too.
        self.pending: dict[Cell, list[StepReport]] = {}
        self.compare_steps: dict[Cell, list[StepReport]] = {}
        self.compare_done: dict[Cell, CellDone] = {}
        self.compare_weights: dict[Cell, Weights] = {}
        self.sweep_stop: threading.Event | None = None
        self.training = False  # a Train action runs the main training now

    # -- reports from the app's processes ------------------------------------------------
    def receive(self, report: Report) -> None:
        """A report of the main training process (the screen's frame hands each one)."""
        match report:
            case Steps(cell, reports):
                self.pending.setdefault(cell, []).extend(reports)
            case Ready():
                # New weights (a lesson's change, or the learner's reset or cell switch):
                # what the cell's old weights measured no longer counts.
                self.flush()
                self.evidence.start_run(self.screen.scenario.model.cell)

    def _compare_report(self, report: Report) -> None:
        match report:
            case Steps(cell, reports):
                self.compare_steps.setdefault(cell, []).extend(reports)
            case CellDone(cell):
                self.compare_done[cell] = report
            case WeightsAt(_, weights) if self.compare_steps:
                # After a cell's steps, before its CellDone: that cell's trained weights.
                self.compare_weights[list(self.compare_steps)[-1]] = weights

    def flush(self) -> None:
        """Hand the step reports gathered so far, and the scenario as now set, to the Evidence."""
        screen = self.screen
        mirror = screen.mirror
        chance = None
        if mirror is not None and mirror.fits(screen.scenario):
            from rnn_tui.core.metrics import no_skill_level  # torch: loaded with the mirror

            chance = no_skill_level(screen.scenario.goal.metric, mirror.dataset)
        self.evidence.set_scenario(screen.scenario, screen.session.baselines, chance)
        for cell, reports in self.pending.items():
            if reports:
                self.evidence.record_steps(cell, reports)
        self.pending = {}

    def cancel(self) -> None:
        """The step was left while running: stop what it started."""
        if self.sweep_stop is not None:
            self.sweep_stop.set()
        panels = self.screen.panels
        if panels is not None and panels.compare.listener is not None:
            panels.compare.listener = None
            panels.compare.stop()
        self.screen.session.pause()

    # -- the step ---------------------------------------------------------------------
    async def run(
        self, step: lm.LessonStep, record: StepRecord, redraw: Callable[[], None]
    ) -> None:
        """Do ``step``'s actions, then judge its question and check on this run's numbers."""
        for action in step.actions:
            record.progress = describe(action) + "…"
            redraw()
            try:
                await self.do(action, record, redraw)
            except ActionFailed as error:
                raise ActionFailed(
                    f"Could not do this step's “{describe(action)}”: {error}"
                ) from None
            if not isinstance(action, QUIET):  # a panel or timestep shown needs no line
                record.done.append(describe(action))
            record.progress = ""
            redraw()
        if step.check is None and step.ask is None:
            return
        record.progress = "measuring…"
        redraw()
        values = await self.values()
        # The headless runner's own judgement (`rnn-tui learn NAME --check`): the same
        # claims decided the same way, here on this live run's numbers.
        try:
            outcomes = decide(step, values)
        except RnnTuiError as error:
            raise ActionFailed(str(error)) from None
        for outcome in outcomes:
            if outcome.claim.startswith("ask: "):
                record.right = tuple(outcome.right)
            else:
                record.holds, record.result = outcome.holds, outcome.text

    async def values(self) -> dict[str, Any]:
        """Every quantity measured so far, with the shown sample traced under the newest weights."""
        trace = await self._fresh_trace()
        self.flush()
        if trace is not None:
            self.evidence.record_trace(trace)
            self.evidence.t = self.t
        return dict(measure(self.evidence))

    async def _fresh_trace(self) -> Any:
        screen = self.screen
        session = screen.session
        await self._until(lambda: screen.mirror is not None and session.weights is not None)
        await self._until(
            lambda: (
                session.weights is not None
                and (session.running or session.weights[0] >= session.step)
            )
        )
        mirror, weights = screen.mirror, session.weights
        if mirror is None or weights is None or not mirror.fits(screen.scenario):
            return None
        version, sample = session.weights_version, screen.sample

        def trace() -> Any:
            with mirror.lock:
                if not mirror.catch_up(weights, version):
                    return None
                return mirror.trace(sample)

        return await asyncio.to_thread(trace)

    async def restore(self, steps: tuple[lm.LessonStep, ...]) -> None:
        """Apply the settings ``steps`` make (scenario, cell, fields, sample, panel),
        without their training, comparisons, sweeps or interventions: for resuming."""
        setting = (lm.OpenScenario, lm.SetCell, lm.SetField, lm.ShowPanel)
        record = StepRecord()
        for step in steps:
            for action in step.actions:
                if isinstance(action, setting):
                    await self.do(action, record, lambda: None)

    # -- actions ----------------------------------------------------------------------------
    async def do(self, action: lm.Action, record: StepRecord, redraw: Callable[[], None]) -> None:
        # The panel whose machinery does the action comes into view (not one the lesson hides).
        where = SHOWN_BY.get(type(action))
        if where is not None and self.screen.panel != where:
            self.screen.show_panel(where)
        match action:
            case lm.OpenScenario(name, settings):
                await self._open(name, settings)
            case lm.SetCell(cell):
                await self._change({"model.cell": cell})
            case lm.SetField(field, value):
                await self._change({field: parse_value(value)})
            case lm.ShowPanel(panel):
                self.screen.show_panel(panel, hidden_too=True)
            case lm.ShowTimestep(t):
                await self._timestep(t)
            case lm.ShowSample(index, contains):
                await self._sample(index, contains)
            case lm.Train(steps, until_goal):
                await self._train(steps, until_goal, record, redraw)
            case lm.Compare(steps):
                await self._compare(steps, record, redraw)
            case lm.Sweep():
                await self._sweep(action, record, redraw)
            case lm.Intervene(spec):
                await self._intervene(spec)
            case lm.Ablate():
                await self._ablate(record, redraw)

    async def _until(
        self, condition: Callable[[], bool], redraw: Callable[[], None] | None = None
    ) -> None:
        """Wait for ``condition``; a failure of the training process ends the wait with it."""
        session = self.screen.session
        while not condition():
            if session.error and not session.running and session.awaiting_ready is False:
                raise ActionFailed(session.error)
            if session.error and session.why == "error":
                raise ActionFailed(session.error)
            if redraw is not None:
                redraw()
            await asyncio.sleep(POLL_SECONDS)

    async def _ready(self) -> None:
        session = self.screen.session
        await self._until(lambda: session.ready)

    async def _open(self, name: str, settings: tuple[str, ...]) -> None:
        screen = self.screen
        try:
            scenario = screen.catalog.get(name) or load_scenario(name)
            if settings:
                scenario = apply_changes(scenario, dict(map(parse_setting, settings)))
        except RnnTuiError as error:
            raise ActionFailed(str(error)) from None
        session = screen.session
        # Opened already and not trained (the lesson's first scenario, started with the app).
        if not (scenario == screen.scenario and session.step == 0):
            session.apply(scenario, "data")
            screen.sample = 0
            screen.scenario_changed(scenario, note="")
        self.t = None
        await self._ready()

    async def _change(self, changes: dict[str, Any]) -> None:
        screen = self.screen
        try:
            changed = apply_changes(screen.scenario, changes)
        except RnnTuiError as error:
            raise ActionFailed(str(error)) from None
        effect = effect_of(screen.scenario, changed)
        summary = ", ".join(f"{key.split('.')[-1]} = {value}" for key, value in changes.items())
        screen._apply(changed, effect, summary)
        await self._ready()

    async def _timestep(self, t: int) -> None:
        screen = self.screen
        await self._until(
            lambda: screen.panels is not None and screen.panels.timestep.trace is not None
        )
        assert screen.panels is not None
        panel = screen.panels.timestep
        self.t = t
        panel.jump(False)
        panel.move(t - 1)

    async def _sample(self, index: int | None, contains: str | None) -> None:
        """Show held-out example ``index`` (0-based), or the first whose input has ``contains``."""
        screen = self.screen
        await self._mirror_ready()
        mirror = screen.mirror
        assert mirror is not None
        if index is not None:
            if index >= mirror.test_size:
                raise ActionFailed(
                    f"sample {index}: this data has {mirror.test_size} held-out examples "
                    f"(0 to {mirror.test_size - 1})."
                )
            found = index
        else:
            runner = await asyncio.to_thread(importlib.import_module, "rnn_tui.core.lessons.runner")
            # The runner's own search, so the app shows the example `--check` reads.
            search = runner.HeadlessSession(0, screen.scenario, mirror.dataset)
            try:
                found = await asyncio.to_thread(search.find_sample, str(contains))
            except RnnTuiError as error:
                raise ActionFailed(str(error)) from None
        screen.sample = found
        screen.typed = None
        screen.trace_stale = True

    async def _train(
        self, steps: int | None, until_goal: bool, record: StepRecord, redraw: Callable[[], None]
    ) -> None:
        screen = self.screen
        session = screen.session
        await self._ready()
        panels = screen.panels
        if panels is not None and panels.compare.running:
            panels.compare.stop()
        if session.running:
            session.pause()
            await self._until(lambda: not session.running)
        cap = steps or session.budget
        start = session.step
        self.training = True
        try:
            await self._run_training(cap, until_goal, record, redraw)
        finally:
            self.training = False
        diverged = session.diverged_step is not None and session.diverged_step > start
        if diverged:
            record.done.append(f"diverged at step {session.diverged_step}: {session.diverged}")
        elif not (until_goal and self._reached(start)):
            await self._final_eval()

    def _reached(self, start: int) -> bool:
        """Whether an evaluation after step ``start`` reached the scenario's goal."""
        last = self.screen.session.last_eval
        goal = self.screen.scenario.goal
        return last is not None and last[0] > start and goal.reached(last[1].metric)

    async def _run_training(
        self, cap: int, until_goal: bool, record: StepRecord, redraw: Callable[[], None]
    ) -> None:
        """Train ``cap`` steps in the training process; towards a goal, in runs that end
        at evaluation steps, so training stops right after the one that reached it (as
        the runner does), not a fraction of a second of steps later."""
        screen = self.screen
        session = screen.session
        start = session.step
        label = CELL_LABELS[screen.scenario.model.cell]
        every = screen.scenario.training.eval_every
        while session.step < start + cap:
            chunk = start + cap - session.step
            if until_goal:
                chunk = min(chunk, every - session.step % every)
            target = session.step + chunk
            problem = session.run(chunk)
            if problem:
                raise ActionFailed(problem)

            def stopped(target: int = target) -> bool:
                record.progress = f"training {label}: step {session.step - start} / {cap}"
                if session.diverged_step is not None and session.diverged_step > start:
                    return not session.running
                return not session.running and (session.step >= target or session.why == "paused")

            await self._until(stopped, redraw)
            diverged = session.diverged_step is not None and session.diverged_step > start
            if diverged or session.why in ("paused", "error"):
                return  # diverged, or the learner paused it (space)
            if until_goal and self._reached(start):
                return

    async def _final_eval(self) -> None:
        """The held-out result at the last step, as the runner records it after training
        (the training process evaluates every eval_every steps only)."""
        screen, session = self.screen, self.screen.session
        last = session.last_eval
        if last is not None and last[0] == session.step:
            return
        await self._mirror_ready()
        mirror, weights = screen.mirror, session.weights
        if mirror is None or weights is None:
            return
        version, step, cell = session.weights_version, session.step, screen.scenario.model.cell
        self.flush()  # the reports before it, then the evaluation after them

        def evaluate() -> EvalResult | None:
            with mirror.lock:
                if not mirror.catch_up(weights, version):
                    return None
                return evaluate_model(mirror)

        result = await asyncio.to_thread(evaluate)
        if result is not None:
            self.evidence.record_eval(cell, step, result)

    async def _compare(self, steps: int, record: StepRecord, redraw: Callable[[], None]) -> None:
        screen = self.screen
        await self._ready()
        panels = screen.panels
        assert panels is not None
        compare = panels.compare
        screen.session.pause()
        self.compare_steps, self.compare_done, self.compare_weights = {}, {}, {}
        compare.listener = self._compare_report
        compare.start(steps)

        def finished() -> bool:
            record.progress = "comparing: " + compare.progress_text().plain
            return not compare.running

        try:
            await self._until(finished, redraw)
        finally:
            compare.listener = None
        if compare.failure:
            raise ActionFailed(f"the comparison failed: {compare.failure}")
        # Each cell trained from fresh weights: its measurements replace the cell's earlier ones.
        for cell in CELLS:
            if cell in self.compare_steps:
                self.evidence.start_run(cell)
                self.evidence.record_steps(cell, self.compare_steps[cell])
                done = self.compare_done.get(cell)
                if done is not None and done.final is not None:
                    steps = self.compare_steps[cell][-1].step
                    self.evidence.record_eval(cell, steps, done.final)
        await self._adopt_compared()

    async def _adopt_compared(self) -> None:
        """The current cell's compared model becomes the current model (as in the runner):
        its weights go into the training process, and the Timestep view follows."""
        session = self.screen.session
        weights = self.compare_weights.get(self.screen.scenario.model.cell)
        if weights is None or session.error:
            return
        version = session.weights_version
        session.load_weights(weights)
        await self._until(lambda: session.weights_version > version)

    async def _sweep(
        self, action: lm.Sweep, record: StepRecord, redraw: Callable[[], None]
    ) -> None:
        from rnn_tui.core.sweep import parse_vary, plan_sweep, run_sweep

        screen = self.screen
        screen.session.pause()
        try:
            key, values = parse_vary(f"{action.vary}={','.join(action.values)}")
            plan = plan_sweep(screen.scenario, key, values, action.cells, None, action.steps)
        except RnnTuiError as error:
            raise ActionFailed(str(error)) from None
        total = plan.total_steps
        done = [0]
        self.sweep_stop = stop = threading.Event()

        def progress(steps: int) -> None:
            done[0] = steps

        def sweep() -> SweepResult:
            # run_sweep starts its pool with the real streams (Textual's have no fd).
            return run_sweep(plan, SWEEP_WORKERS, on_progress=progress, stop=stop)

        task = asyncio.ensure_future(asyncio.to_thread(sweep))
        try:
            while not task.done():
                record.progress = f"sweeping {key}: {done[0]} / {total} training steps"
                redraw()
                await asyncio.sleep(POLL_SECONDS)
            result = task.result()
        except RnnTuiError as error:
            raise ActionFailed(str(error)) from None
        finally:
            stop.set()
            self.sweep_stop = None
        self.evidence.record_sweep(result)
        record.table = sweep_table(result)
        panels = screen.panels
        if panels is not None:  # charted on the Sweep panel, which comes into view
            panels.sweep.show_result(result, "from the lesson")
            screen.show_panel("sweep")

    async def _intervene(self, spec: str) -> None:
        screen = self.screen
        await self._mirror_ready()
        assert screen.panels is not None
        inside = screen.panels.inside
        inside.field.value = spec  # the field shows what runs (the panel offers its own otherwise)
        inside.run(spec)
        await self._until(lambda: not inside.running)
        if inside.result is None or inside.spec != spec:
            meaning = inside.query_one("#inside-meaning", Static).content
            raise ActionFailed(f"the intervention {spec!r} did not run: {meaning}")
        self.evidence.record_intervention(inside.result)

    async def _ablate(self, record: StepRecord, redraw: Callable[[], None]) -> None:
        screen = self.screen
        await self._mirror_ready()
        assert screen.panels is not None
        inside = screen.panels.inside
        inside.ablation = None
        inside.action_rank_units()
        worker = inside.ranking_worker
        await self._until(lambda: worker is None or not worker.is_running, redraw)
        if inside.ablation is None:
            raise ActionFailed("the ranking of units did not finish")
        self.evidence.record_ablation(inside.ablation)

    async def _mirror_ready(self) -> None:
        screen = self.screen
        session = screen.session
        await self._ready()
        await self._until(
            lambda: (
                screen.mirror is not None
                and screen.mirror.fits(screen.scenario)
                and session.weights is not None
                and screen.panels is not None
                and screen.panels.inside.mirror_id == id(screen.mirror)
            )
        )


def sweep_table(result: SweepResult) -> list[str]:
    """The sweep's held-out metric per value and cell, as aligned lines for the pane
    (the Sweep panel charts it beside)."""
    plan = result.plan
    cells = list(plan.cells)
    width = max(12, *(len(cell_label(c)) + 2 for c in cells))
    key = plan.key.rsplit(".", 1)[-1]
    lines = [f"{key:<10}" + "".join(f"{cell_label(c):>{width}}" for c in cells)]
    by_value: dict[str, dict[str, str]] = {}
    for aggregate in result.aggregates():
        row = by_value.setdefault(str(aggregate.value), {})
        mark = " ✔" if aggregate.reached else "  "
        row[aggregate.cell] = f"{aggregate.metric_mean:.3g}{mark}"
    for value, row in by_value.items():
        lines.append(f"{value:<10}" + "".join(f"{row.get(c, '-  '):>{width}}" for c in cells))
    lines.append(f"{plan.metric} on held-out data; ✔ reached the goal {plan.target:g}")
    return lines


def evaluate_model(mirror: Mirror) -> EvalResult:
    """The held-out loss and metric of the mirror's model on the training's evaluation
    subset: what ``Trainer.evaluate`` measures, on the UI's copy of the weights."""
    from rnn_tui.core.training import evaluate_split

    scenario, dataset = mirror.scenario, mirror.dataset
    test = dataset.test
    split = test.select(range(min(scenario.training.eval_size, len(test))))
    return evaluate_split(mirror.model, scenario, dataset, split)
