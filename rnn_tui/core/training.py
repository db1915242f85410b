"""The training loop: batches, clipping, divergence guard, evaluation and probes.

Nothing here is about a particular topology: the model brings ``forward_loss`` and
``predict``, the dataset brings splits, and the loop reports through ``on_step`` with
numpy/Python values only, so a UI (in this process or another) can draw them.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable

import torch

from rnn_tui.core import no_compiler
from rnn_tui.core.data.base import Dataset, Split
from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.metrics import compute_metric, rmse, scored_targets
from rnn_tui.core.probes import gradient_through_time, parameter_grad_norms
from rnn_tui.core.reports import EvalResult, Probe, RunSummary, StepReport
from rnn_tui.core.scenario import Scenario, TrainingSpec
from rnn_tui.core.topologies import RecurrentModel, build_model
from rnn_tui.core.vocabulary import GATE_COUNT

__all__ = ["EvalResult", "RunSummary", "StepReport", "Trainer"]

PROBE_BATCH = 16  # held-out examples in the fixed gradient-through-time probe batch
MEMORY_SHARE = 0.5  # of this machine's memory that one training step or evaluation may need


class Trainer:
    """Owns a scenario's dataset, model and optimizer; ``run`` trains until told to stop."""

    def __init__(self, scenario: Scenario, dataset: Dataset | None = None) -> None:
        self.scenario = scenario
        settings = scenario.training
        self.dataset = dataset if dataset is not None else build_dataset(scenario)
        check_memory(scenario, self.dataset)
        torch.manual_seed(settings.seed)
        self.model = build_model(scenario.topology, scenario.model, self.dataset)
        self.parameters = list(self.model.named_parameters())
        self.optimizer = make_optimizer(self.model, scenario)
        self.step = 0
        self.diverged: str | None = None
        self._batches = torch.Generator().manual_seed(settings.seed)
        test = self.dataset.test
        self.eval_split = test.select(range(min(settings.eval_size, len(test))))
        self.probe_batch = test.select(range(min(PROBE_BATCH, len(test))))
        self._last_good = [p.detach().clone() for _, p in self.parameters]
        # The step after which the current weights (and the last good copy) were made:
        # after a divergence the weights are older than ``step``.
        self.weights_step = self._last_good_step = 0
        self._started = time.perf_counter()

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        """Weights from elsewhere (a file, the app); a divergence now restores these, not the ones they replaced."""
        self.model.load_state_dict(state)
        torch._foreach_copy_(self._last_good, [p.detach() for _, p in self.parameters])
        self.weights_step = self._last_good_step = self.step
        self.diverged = None

    # -- settings that may change while training ------------------------------------
    @property
    def training(self) -> TrainingSpec:
        """The training settings in force: the one place the loop reads them from."""
        return self.scenario.training

    @property
    def learning_rate(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def update(self, training: TrainingSpec) -> None:
        """Apply new training settings at once: learning rate, clipping, batch size, cadences.

        The optimizer's kind, its momentum and the seed shape the run from its start:
        changing them needs a new Trainer (``core.changes.effect_of`` says "model"/"data").
        """
        old = self.training
        fixed = ("optimizer", "momentum", "seed")
        if any(getattr(old, key) != getattr(training, key) for key in fixed):
            raise ValueError(f"{', '.join(fixed)} cannot change on a live trainer; build a new one")
        self.scenario = self.scenario.model_copy(update={"training": training})
        for group in self.optimizer.param_groups:
            group["lr"] = training.learning_rate
        if training.eval_size != old.eval_size:
            test = self.dataset.test
            self.eval_split = test.select(range(min(training.eval_size, len(test))))

    # -- the loop --------------------------------------------------------------------
    def run(
        self,
        stop: threading.Event | None = None,
        on_step: Callable[[StepReport], None] | None = None,
        steps: int | None = None,
    ) -> RunSummary:
        """Train ``steps`` more steps (default: the scenario's budget) or until ``stop`` is set."""
        end = self.step + (self.training.steps if steps is None else steps)
        while self.step < end and not (stop is not None and stop.is_set()):
            report = self.train_step()
            if on_step is not None:
                on_step(report)
            if report.diverged:
                break
        return self.summary()

    def train_step(self) -> StepReport:
        """One optimisation step; on NaN/Inf the last good weights are restored."""
        settings = self.training
        self.step += 1
        self.model.train()
        probe = self.probe() if (self.step - 1) % settings.probe_every == 0 else None
        batch = self._sample_batch()
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.model.forward_loss(batch).loss
        loss_value = loss.detach().item()
        if not math.isfinite(loss_value):
            return self._diverge(loss_value, f"loss is {loss_value} at step {self.step}", probe)
        torch.autograd.backward(loss)
        per_param, total = parameter_grad_norms(self.parameters)
        if not math.isfinite(total):
            return self._diverge(loss_value, f"gradient norm is {total} at step {self.step}", probe, total)
        max_norm = settings.max_norm
        clipped = settings.clip and total > max_norm
        if clipped:
            torch._foreach_mul_([p.grad for _, p in self.parameters if p.grad is not None], max_norm / (total + 1e-6))
        torch._foreach_copy_(self._last_good, [p.detach() for _, p in self.parameters])
        self._last_good_step = self.weights_step
        no_compiler.step(self.optimizer)  # optimizer.step() minus the compiler import
        self.weights_step = self.step
        self.diverged = None
        return StepReport(
            step=self.step,
            loss=loss_value,
            grad_norm=total,
            grad_norm_clipped=min(total, max_norm) if clipped else total,
            clipped=bool(clipped),
            learning_rate=self.learning_rate,
            param_grad_norms=self._named(per_param),
            seconds=time.perf_counter() - self._started,
            eval=self.evaluate() if self.step % settings.eval_every == 0 or self.step == 1 else None,
            probe=probe,
        )

    def _diverge(
        self, loss: float, cause: str, probe: Probe | None, total: float = math.nan
    ) -> StepReport:
        with torch.no_grad():
            torch._foreach_copy_([p for _, p in self.parameters], self._last_good)
        self.weights_step = self._last_good_step
        self.optimizer.zero_grad(set_to_none=True)
        self.diverged = cause + "; training stopped and the last good weights were restored"
        return StepReport(
            step=self.step, loss=loss, grad_norm=total, grad_norm_clipped=total, clipped=False,
            learning_rate=self.learning_rate, param_grad_norms={}, probe=probe,
            seconds=time.perf_counter() - self._started, diverged=self.diverged,
        )

    def _named(self, values: list[float]) -> dict[str, float]:
        names = [name for name, p in self.parameters if p.grad is not None]
        return dict(zip(names, values, strict=True))

    def _sample_batch(self) -> Split:
        train = self.dataset.train
        size = min(self.training.batch_size, len(train))
        index = torch.randint(len(train), (size,), generator=self._batches)
        return train.select(index)

    # -- measurements ----------------------------------------------------------------
    def evaluate(self, split: Split | None = None) -> EvalResult:
        """Held-out loss and the goal metric (default: the fixed evaluation subset)."""
        split = self.eval_split if split is None else split
        return evaluate_split(self.model, self.scenario, self.dataset, split)

    def probe(self) -> Probe:
        """Gradient through time on the fixed probe batch, at the current weights."""
        return gradient_through_time(self.model, self.probe_batch)

    def summary(self) -> RunSummary:
        final = self.evaluate(self.dataset.test)
        goal = self.scenario.goal
        return RunSummary(
            steps=self.step,
            final=final,
            metric=goal.metric,
            target=goal.target,
            reached=goal.reached(final.metric) and self.diverged is None,
            diverged=self.diverged,
            seconds=time.perf_counter() - self._started,
            baselines=dict(self.dataset.baselines),
        )


def activation_bytes(scenario: Scenario, dataset: Dataset) -> tuple[int, int]:
    """Rough bytes of activations for one training step and for one periodic evaluation.

    Per example and timestep, every layer keeps its gates and states (and, in training,
    their gradients); the embedding and the per-step output head add their widths.
    """
    spec, settings = scenario.model, scenario.training
    steps = recurrent_steps(dataset)
    embedding = spec.embedding_size if "tokens" in (dataset.input_kind, dataset.output_kind) else 0
    per_step = spec.num_layers * (GATE_COUNT[spec.cell] + 2) * spec.hidden_size + embedding + dataset.output_size
    batch = min(settings.batch_size, len(dataset.train))
    evaluated = min(settings.eval_size, len(dataset.test))
    return 4 * batch * steps * per_step * 2, 4 * evaluated * steps * per_step


def recurrent_steps(dataset: Dataset) -> int:
    """Timesteps the recurrent parts run per example: the input's, plus a decoder's."""
    steps = int(dataset.train.inputs.shape[1]) if dataset.input_kind in ("tokens", "series") else 0
    if dataset.output_kind == "tokens":
        steps += int(dataset.train.targets.shape[1])
    return steps


def check_memory(scenario: Scenario, dataset: Dataset) -> None:
    """Refuse settings whose activations cannot fit in memory, before torch fails mid-step."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not knowable here (e.g. Windows): do not guess
        return
    train, evaluation = activation_bytes(scenario, dataset)
    if max(train, evaluation) <= MEMORY_SHARE * memory:
        return
    spec, settings = scenario.model, scenario.training
    where = str(scenario.path) if scenario.path else f"scenario {scenario.name!r}"
    gb = 1024**3
    worst = "a training step" if train >= evaluation else "an evaluation"
    raise ScenarioError(
        f"{where}: these settings need about {max(train, evaluation) / gb:,.0f} GB of memory for {worst} "
        f"(training.batch_size = {settings.batch_size}, training.eval_size = {settings.eval_size}, "
        f"model.hidden_size = {spec.hidden_size}, model.num_layers = {spec.num_layers}, "
        f"{recurrent_steps(dataset):,} recurrent steps per example) and this machine has {memory / gb:.0f} GB; "
        "lower the batch or evaluation size, the hidden size or the sequence length."
    )


def make_optimizer(model: torch.nn.Module, scenario: Scenario) -> torch.optim.Optimizer:
    no_compiler.skip_compiler_import()  # 1.7 s of CPU saved in every process (see no_compiler.py)
    settings = scenario.training
    if settings.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=settings.learning_rate, momentum=settings.momentum)
    return torch.optim.Adam(model.parameters(), lr=settings.learning_rate)


@torch.no_grad()
def evaluate_split(model: RecurrentModel, scenario: Scenario, dataset: Dataset, split: Split) -> EvalResult:
    """Loss and the goal metric of ``model`` on ``split`` (the model is left in training
    mode): what Trainer.evaluate measures, and a lesson measures on the app's model copy."""
    model.eval()
    loss = float(model.forward_loss(split).loss)
    predicted = model.predict(split)
    metric = compute_metric(scenario.goal.metric, predicted, split, dataset)
    series = dataset.output_kind == "series"
    error = rmse(predicted, split, dataset.scale) if series else None
    model.train()
    return EvalResult(loss, metric, len(split), scored_targets(split, dataset.output_kind), error)
