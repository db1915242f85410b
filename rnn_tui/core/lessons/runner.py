"""Run a lesson headless: execute its actions in-process with the engine, check every claim.

What `rnn-tui learn NAME --check` and the slow tests use. Each step's actions run in
order; then the shown example is traced under the current weights, every quantity is
measured, and the step's question (which choices hold) and check (does the claim hold)
are decided on those numbers. Panels and timesteps are the app's business; here a
timestep only chooses where trace quantities are read.

Conventions the app shares: ``open`` builds the data once per seed and settings and
trains with ``training.seed`` = the run's seed; ``cell`` gives that cell new weights;
``compare`` trains each cell from new weights on the same data, and the current cell's
compared model becomes the current model; a setting whose effect is "model" or "data"
(core.changes.effect_of) means new weights.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from rnn_tui.core.changes import apply_changes, effect_of, parse_setting, parse_value
from rnn_tui.core.data.base import Dataset, Split
from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.lessons.checks import CheckOutcome, decide
from rnn_tui.core.lessons.expressions import Value
from rnn_tui.core.lessons.model import (
    Ablate,
    Action,
    Compare,
    Intervene,
    Lesson,
    OpenScenario,
    SetCell,
    SetField,
    ShowPanel,
    ShowSample,
    ShowTimestep,
    Sweep,
    Train,
)
from rnn_tui.core.lessons.quantities import Evidence, measure
from rnn_tui.core.reports import StepReport
from rnn_tui.core.scenario import Scenario, load_scenario
from rnn_tui.core.training import Trainer
from rnn_tui.core.vocabulary import CELLS

__all__ = ["CheckOutcome", "HeadlessSession", "decide", "run_lesson_headless"]


@dataclass
class HeadlessSession:
    """The state a lesson's actions change: scenario, data, trainers per cell, what is measured."""

    seed: int
    scenario: Scenario | None = None
    dataset: Dataset | None = None
    trainers: dict[str, Trainer] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    sample: int = 0  # the shown held-out example
    on_progress: Callable[[str], None] | None = None

    # -- actions ---------------------------------------------------------------------------
    def run(self, action: Action) -> None:
        match action:
            case OpenScenario(name, settings):
                self.open(name, settings)
            case SetCell(cell):
                self.change({"model.cell": cell})
                self.fresh(cell)
            case SetField(key, value):
                self.change({key: parse_value(value)})
            case ShowPanel():
                pass  # the app's business
            case ShowTimestep(t):
                self.evidence.t = t
            case ShowSample(index, contains):
                self.sample = index if index is not None else self.find_sample(str(contains))
                self.evidence.t = None
            case Train(steps, until_goal):
                self.train(steps, until_goal)
            case Compare(steps):
                self.compare(steps)
            case Sweep(vary, values, cells, steps):
                self.sweep(vary, tuple(parse_value(v) for v in values), cells, steps)
            case Intervene(spec):
                self.intervene(spec)
            case Ablate():
                self.ablate()

    def open(self, name: str, settings: tuple[str, ...]) -> None:
        changes = dict(parse_setting(item) for item in settings)
        scenario = apply_changes(load_scenario(name), {**changes, "training.seed": self.seed})
        self.scenario, self.dataset, self.trainers = scenario, build_dataset(scenario), {}
        self.evidence, self.sample = Evidence(), 0
        self._describe()

    def change(self, changes: dict[str, object]) -> None:
        old = self.current
        new = apply_changes(old, changes)
        effect = effect_of(old, new)
        self.scenario = new
        if effect == "data":
            self.dataset, self.trainers = build_dataset(new), {}
            cells = list(self.evidence.runs)
            for cell in cells:
                del self.evidence.runs[cell]
        elif effect == "model":
            self.trainers.pop(new.model.cell, None)
            self.evidence.start_run(new.model.cell)
        elif new.model.cell in self.trainers:
            self.trainers[new.model.cell].update(new.training)
        self._describe()

    def fresh(self, cell: str) -> Trainer:
        """New weights for ``cell`` on the shared data."""
        scenario = self.current.with_changes({"model.cell": cell})
        trainer = Trainer(scenario, self.data)
        self.trainers[cell] = trainer
        self.evidence.start_run(cell)
        return trainer

    def train(self, steps: int | None, until_goal: bool) -> None:
        trainer = self.trainers.get(self.current.model.cell) or self.fresh(self.current.model.cell)
        self._train(trainer, steps if steps is not None else self.current.training.steps, until_goal)

    def compare(self, steps: int) -> None:
        for cell in CELLS:
            self._train(self.fresh(cell), steps, until_goal=False)

    def _train(self, trainer: Trainer, steps: int, until_goal: bool) -> None:
        cell = trainer.scenario.model.cell
        if self.on_progress:
            self.on_progress(f"training {cell} {steps} steps")
        stop = threading.Event()
        reports: list[StepReport] = []
        goal = trainer.scenario.goal

        def on_step(report: StepReport) -> None:
            reports.append(report)
            if until_goal and report.eval is not None and goal.reached(report.eval.metric):
                stop.set()

        trainer.run(stop, on_step, steps)
        self.evidence.record_steps(cell, reports)
        if not stop.is_set():  # the last step's own evaluation is the latest otherwise
            self.evidence.record_eval(cell, trainer.step, trainer.evaluate())

    def sweep(self, vary: str, values: tuple[Value, ...], cells: tuple[str, ...], steps: int) -> None:
        from rnn_tui.core.sweep import SweepResult, plan_sweep
        from rnn_tui.core.sweep_worker import run_point

        plan = plan_sweep(self.current, vary, values, cells, (self.seed,), steps)
        if self.on_progress:
            self.on_progress(f"sweep of {vary}: {len(plan.runs)} runs of {steps} steps")
        points = tuple(run_point(run) for run in plan.runs)
        self.evidence.record_sweep(SweepResult(plan, points))

    def intervene(self, spec: str) -> None:
        from rnn_tui.core.intervention_trace import parse_for_example, trace_intervened

        trainer = self.current_trainer()
        example = self.example()
        interventions = parse_for_example([spec], trainer.model, example)
        self.evidence.record_intervention(
            trace_intervened(trainer.model, self.data, example, interventions, self.current.name))

    def ablate(self) -> None:
        from rnn_tui.core.ablation import ablate_units

        trainer = self.current_trainer()
        self.evidence.record_ablation(
            ablate_units(trainer.model, self.data, trainer.eval_split, self.current.goal.metric))

    # -- what is shown -------------------------------------------------------------------------
    def find_sample(self, word: str) -> int:
        """The first held-out example whose input has ``word`` (token inputs only)."""
        test, vocab = self.data.test, self.data.source_vocab
        if vocab is None:
            raise RnnTuiError(f"{{ sample = {word!r} }}: scenario {self.current.name!r} reads numbers, "
                              "not words; give an example's index instead.")
        for i in range(len(test)):
            length = int(test.lengths[i]) if test.lengths is not None else test.inputs.shape[1]
            if word in (vocab.tokens[j] for j in test.inputs[i, :length].tolist()):
                return i
        raise RnnTuiError(f"{{ sample = {word!r} }}: no held-out example of scenario "
                          f"{self.current.name!r} contains {word!r}.")

    def example(self) -> Split:
        test = self.data.test
        if self.sample >= len(test):
            raise RnnTuiError(f"sample {self.sample} is out of range: the held-out set has {len(test)} examples.")
        return test.select([self.sample])

    def retrace(self) -> None:
        """Trace the shown example under the current cell's weights (new ones if it has none)."""
        from rnn_tui.core.trace import trace_example

        if self.scenario is not None:  # as in the app, an open scenario always has a model
            trainer = self.current_trainer()
            self.evidence.record_trace(trace_example(trainer.model, self.data, self.example(), self.current.name))

    def current_trainer(self) -> Trainer:
        return self.trainers.get(self.current.model.cell) or self.fresh(self.current.model.cell)

    @property
    def current(self) -> Scenario:
        if self.scenario is None:
            raise RnnTuiError("no scenario is open: a lesson opens one with { open = \"NAME\" } first.")
        return self.scenario

    @property
    def data(self) -> Dataset:
        if self.dataset is None:
            raise RnnTuiError("no scenario is open: a lesson opens one with { open = \"NAME\" } first.")
        return self.dataset

    def _describe(self) -> None:
        from rnn_tui.core.metrics import no_skill_level

        data = self.data
        chance = no_skill_level(self.current.goal.metric, data)
        self.evidence.set_scenario(self.current, data.baselines, chance)


def run_lesson_headless(lesson: Lesson, seed: int,
                        on_progress: Callable[[str], None] | None = None) -> list[CheckOutcome]:
    """Every question and check of ``lesson`` decided on a run with ``seed``."""
    torch.set_num_threads(1)  # two threads on a shared 2-core machine are slower (README)
    session = HeadlessSession(seed=seed, on_progress=on_progress)
    outcomes: list[CheckOutcome] = []
    for step in lesson.steps:
        for action in step.actions:
            session.run(action)
        if step.ask is None and step.check is None:
            continue
        session.retrace()
        outcomes.extend(decide(step, measure(session.evidence)))
    return outcomes
