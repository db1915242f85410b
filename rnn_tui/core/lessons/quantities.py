"""The measured quantities a lesson can name, and ``Evidence``: what a run has measured so far.

Both faces fill an ``Evidence`` (the headless runner from its own trainers, the app from
the reports its training process sends), and ``measure`` turns it into named numbers
that claims (``evaluate``) and reveal templates (``render``) read. ``QUANTITIES`` is the
documented vocabulary: docs/lessons.md is checked against it by a test.

Names: ``{cell}`` stands for rnn, lstm or gru (the name without it means the current
cell), ``{i}`` for the 1-based position of a swept value, ``{gate}`` for a gate name.
No torch here: traces, sweeps and ablations are read through their numpy fields.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rnn_tui.core.lessons.expressions import (
    ExpressionError,
    MissingQuantity,
    Value,
    evaluate,
    kind,
    names,
    parse,
    render,
    template_fields,
)
from rnn_tui.core.reports import EvalResult, StepReport, goal_baseline
from rnn_tui.core.vocabulary import CELLS, GATE_LABELS, HIGHER_IS_BETTER

if TYPE_CHECKING:
    from rnn_tui.core.ablation import UnitAblation
    from rnn_tui.core.intervention_trace import InterventionTrace
    from rnn_tui.core.scenario import Scenario
    from rnn_tui.core.sweep import SweepResult
    from rnn_tui.core.trace import Trace

__all__ = [
    "QUANTITIES", "Evidence", "ExpressionError", "MissingQuantity", "check_kinds", "claim_names", "evaluate",
    "is_quantity", "measure", "render", "template_names",
]

MAX_SWEEP_VALUES = 8  # values a lesson's sweep may have ({i} runs 1..8)
PER_CELL = ("{cell}",)

# pattern -> (what it is, unit). Per-cell patterns also exist without ".{cell}" (the current cell).
QUANTITIES: dict[str, tuple[str, str]] = {
    # the scenario as it is set now
    "scenario": ("the open scenario's name", "text"),
    "topology": ("the open scenario's topology: seq2seq, seq2vec, vec2seq or encoder-decoder", "text"),
    "cell": ("the current cell: rnn, lstm or gru", "text"),
    "goal": ("the scenario's goal: the target of its held-out metric", "metric"),
    "seq_len": ("data.params.seq_len: timesteps per example (where the data has one)", "steps"),
    "hidden_size": ("model.hidden_size: units per layer", "units"),
    "learning_rate": ("training.learning_rate", "rate"),
    "clip": ("1 when gradient clipping is on, else 0", "0/1"),
    "max_norm": ("training.max_norm: the clipping threshold", "norm"),
    "chance": ("the metric of a model with no skill (1 / classes for balanced classes)", "metric"),
    "baseline": ("the strongest simple baseline of the data on the goal's metric", "metric"),
    # training of each cell since its weights were made
    "steps.{cell}": ("training steps taken since the cell's weights were made", "steps"),
    "metric.{cell}": ("the latest held-out metric (accuracy, RMSE ratio, ...)", "metric"),
    "loss.{cell}": ("the latest held-out loss", "loss"),
    "reached.{cell}": ("1 when the latest held-out metric reaches the goal, else 0", "0/1"),
    "steps_to_goal.{cell}": ("the first evaluated step whose metric reached the goal (inf if none)", "steps"),
    "train_loss.{cell}": ("mean training loss over the last 10 steps", "loss"),
    "train_loss_start.{cell}": ("training loss at the first step", "loss"),
    "grad_ratio.{cell}": ("‖dL/dh_1‖ / ‖dL/dh_T‖ on the probe batch, at the latest probe", "ratio"),
    "grad_ratio_start.{cell}": ("the same ratio at the first probe (the initial weights)", "ratio"),
    "grad_orders.{cell}": ("-log10 of grad_ratio: orders of magnitude lost from t=T back to t=1", "orders"),
    "grad_norm_max.{cell}": ("the largest total gradient norm of a step, before clipping", "norm"),
    "grad_norm_median.{cell}": ("the median total gradient norm of a step, before clipping", "norm"),
    "clipped_share.{cell}": ("the fraction of steps whose gradient was clipped", "fraction"),
    "diverged.{cell}": ("1 when training diverged (NaN or inf) and stopped, else 0", "0/1"),
    "seconds_per_step.{cell}": ("median wall seconds of a training step (after the first 5)", "s"),
    # the shown example's trace under the current weights, at the shown timestep t
    "t": ("the shown timestep (1-based; the last one unless a step chose one)", "step"),
    "T": ("timesteps of the shown example's first recurrent part", "steps"),
    "parts": ("recurrent networks in the model (2 for an encoder-decoder)", "count"),
    "T_decoder": ("timesteps the decoder ran for the shown example (where there is one)", "steps"),
    "input": ("what was read at step t (a word, a number)", "text"),
    "x": ("the first input feature at step t", "value"),
    "h": ("unit 0's hidden state at step t (layer 1)", "value"),
    "h_prev": ("unit 0's hidden state before step t", "value"),
    "pre": ("unit 0's pre-activation W_x x_t + W_h h_{t-1} + b at step t (vanilla RNN)", "value"),
    "tanh_pre": ("tanh(pre): the equation's h_t, computed from the weights", "value"),
    "w_x": ("weight_ih_l0[0, 0]: unit 0's input weight", "value"),
    "w_h": ("weight_hh_l0[0, 0]: unit 0's recurrent weight", "value"),
    "b": ("bias_ih_l0[0] + bias_hh_l0[0]: unit 0's bias", "value"),
    "output": ("the prediction so far after step t, as shown ('positive 83%')", "text"),
    "top": ("the class predicted so far after step t", "text"),
    "p": ("the probability of that class after step t", "probability"),
    "flips": ("how many times the predicted class changes along the example", "count"),
    "flip_input": ("what was read at the last step where the predicted class changed", "text"),
    "prediction": ("the model's answer for the shown example", "text"),
    "target": ("the right answer for the shown example", "text"),
    "correct": ("1 when the answer is right, else 0", "0/1"),
    "trace_grad_ratio": ("‖dL/dh_1‖ / ‖dL/dh_T‖ for the shown example", "ratio"),
    "gate.{gate}": ("the gate's mean over units at step t (layer 1)", "value"),
    "gate_mean.{gate}": ("the gate's mean over units and steps (layer 1)", "value"),
    # a sweep: {i} is the position of a value, from 1
    "sweep.value.{i}": ("the i-th swept value", "value"),
    "sweep.timesteps.{i}": ("recurrent steps per example at the i-th value", "steps"),
    "sweep.metric.{cell}.{i}": ("held-out metric at the i-th value, mean over seeds", "metric"),
    "sweep.reached.{cell}.{i}": ("1 when every seed reached the goal at the i-th value", "0/1"),
    "sweep.diverged.{cell}.{i}": ("1 when a seed diverged at the i-th value", "0/1"),
    "sweep.seconds_per_step.{cell}.{i}": ("median CPU seconds of a training step at the i-th value", "s"),
    "sweep.gives_up.{cell}": ("the first swept value at which the cell misses the goal (inf if none)", "value"),
    "sweep.slope.{cell}": ("log-log slope of seconds per step against timesteps", "slope"),
    "sweep.time_ratio.{cell}": ("seconds per step at the last value / at the first", "ratio"),
    "sweep.length_ratio": ("timesteps at the last value / at the first", "ratio"),
    # ablation of every hidden unit, and an intervention on the shown example
    "ablation.baseline": ("the held-out metric with nothing ablated", "metric"),
    "ablation.top_unit": ("the unit whose ablation hurts the metric most", "unit"),
    "ablation.top_drop": ("how much the metric drops without that unit", "metric"),
    "ablation.second_drop": ("the drop without the second most important unit", "metric"),
    "ablation.median_drop": ("the median drop over all units", "metric"),
    "intervention.before": ("the shown example's answer without the intervention", "text"),
    "intervention.after": ("its answer with the intervention", "text"),
    "intervention.changed": ("1 when the intervention changed the final answer, else 0", "0/1"),
    "intervention.shift": ("how far the final output moved (total variation, 0 to 1)", "fraction"),
}
GATES = tuple(GATE_LABELS)


def vocabulary_markdown() -> str:
    """The table of quantities docs/lessons.md shows (a test keeps the two identical)."""
    rows = ["| name | what it is | unit |", "|---|---|---|"]
    for pattern, (what, unit) in QUANTITIES.items():
        name = pattern + (" (and without .{cell}: the current cell)" if pattern.endswith(".{cell}") else "")
        rows.append(f"| `{name}` | {what.replace('|', chr(92) + '|')} | {unit} |")
    return "\n".join(rows) + "\n"


def _expand(pattern: str) -> list[str]:
    out = [pattern]
    for slot, fills in (("{cell}", CELLS), ("{gate}", GATES),
                        ("{i}", tuple(str(i) for i in range(1, MAX_SWEEP_VALUES + 1)))):
        out = [name.replace(slot, fill) for name in out for fill in fills] if slot in pattern else out
    if pattern.endswith(".{cell}"):
        out.append(pattern.removesuffix(".{cell}"))
    return out


KNOWN: frozenset[str] = frozenset(name for pattern in QUANTITIES for name in _expand(pattern))


def is_quantity(name: str) -> bool:
    return name in KNOWN


def _kinds() -> dict[str, str]:
    out = {}
    for pattern, (_, unit) in QUANTITIES.items():
        # A swept value is a number or a text (an optimizer's name): known only once swept.
        what = "any" if pattern == "sweep.value.{i}" else "text" if unit == "text" else "number"
        out.update(dict.fromkeys(_expand(pattern), what))
    return out


KINDS: dict[str, str] = _kinds()


def check_kinds(expression: str, claim: bool = True) -> None:
    """ExpressionError if the expression mixes texts and numbers, or a claim is a bare text
    (a template's field may be a text: ``{cell}``).

    Run when a lesson loads, so such a mistake names its file and line instead of
    failing halfway through a run.
    """
    if kind(parse(expression), lambda name: KINDS.get(name, "any")) == "text" and claim:
        raise ExpressionError(f"{expression!r} is a text, not a claim; compare it, e.g. cell == \"lstm\"")


def claim_names(claim: str) -> set[str]:
    """Names a claim reads; ExpressionError if it cannot be parsed."""
    return names(parse(claim))


def template_names(template: str) -> set[str]:
    """Names a template's fields read; ExpressionError if one cannot be parsed."""
    found: set[str] = set()
    for expression, _ in template_fields(template):
        found |= names(parse(expression))
    return found


# -- what a run has measured ----------------------------------------------------------------


@dataclass
class CellRun:
    """One cell's training since its weights were made."""

    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    evals: list[tuple[int, EvalResult]] = field(default_factory=list)
    probes: list[float] = field(default_factory=list)  # grad ratio per probe
    steps: int = 0
    diverged: bool = False


@dataclass
class Evidence:
    """What this run has measured so far; filled by the runner or the app, read by ``measure``."""

    scenario: dict[str, Value] = field(default_factory=dict)
    cell: str = ""
    metric_name: str = "accuracy"
    goal: float = math.nan
    runs: dict[str, CellRun] = field(default_factory=dict)
    trace: Trace | None = None
    t: int | None = None  # 1-based; None: the last step
    sweep: SweepResult | None = None
    ablation: UnitAblation | None = None
    intervention: InterventionTrace | None = None

    def set_scenario(self, scenario: Scenario, baselines: Mapping[str, float] | None = None,
                     chance: float | None = None) -> None:
        """The scenario as now set (after a change), with its data's baselines and chance level."""
        self.cell, self.metric_name, self.goal = scenario.model.cell, scenario.goal.metric, scenario.goal.target
        info: dict[str, Value] = {
            "scenario": scenario.name, "topology": scenario.topology, "cell": scenario.model.cell,
            "goal": scenario.goal.target,
            "hidden_size": scenario.model.hidden_size,
            "learning_rate": scenario.training.learning_rate,
            "clip": int(scenario.training.clip), "max_norm": scenario.training.max_norm,
        }
        seq_len = scenario.data.params.get("seq_len")
        if isinstance(seq_len, int):
            info["seq_len"] = seq_len
        if chance is not None:
            info["chance"] = chance
        best = goal_baseline(scenario.goal.metric, baselines or {})
        if best is not None:
            info["baseline"] = best[1]
        self.scenario = info

    def start_run(self, cell: str) -> None:
        """New weights for ``cell``: forget what its old weights measured."""
        self.runs[cell] = CellRun()

    def record_steps(self, cell: str, reports: Sequence[StepReport]) -> None:
        run = self.runs.setdefault(cell, CellRun())
        for report in reports:
            run.steps = report.step
            if report.diverged:
                run.diverged = True
                continue
            run.losses.append(report.loss)
            run.grad_norms.append(report.grad_norm)
            run.clipped.append(report.clipped)
            run.seconds.append(report.seconds)
            if report.eval is not None:
                run.evals.append((report.step, report.eval))
            if report.probe is not None:
                run.probes.append(probe_ratio(report.probe))

    def record_eval(self, cell: str, step: int, result: EvalResult) -> None:
        """An evaluation outside the reports (e.g. after the last step)."""
        self.runs.setdefault(cell, CellRun()).evals.append((step, result))

    def record_trace(self, trace: Trace) -> None:
        self.trace = trace

    def record_sweep(self, result: SweepResult) -> None:
        self.sweep = result

    def record_ablation(self, ablation: UnitAblation) -> None:
        self.ablation = ablation

    def record_intervention(self, intervened: InterventionTrace) -> None:
        self.intervention = intervened


def probe_ratio(probe: Mapping[str, Any]) -> float:
    """||dL/dh_1|| / ||dL/dh_T|| of the first part's first layer."""
    norms = next(iter(probe.values()))
    first, last = float(norms[0, 0]), float(norms[0, -1])
    return first / last if last > 0 else math.nan


def measure(evidence: Evidence) -> dict[str, Value]:
    """Every quantity measured so far, by name."""
    values: dict[str, Value] = dict(evidence.scenario)
    for cell, run in evidence.runs.items():
        for name, value in _training(evidence, run).items():
            values[f"{name}.{cell}"] = value
            if cell == evidence.cell:
                values[name] = value
    if evidence.trace is not None:
        values.update(_trace(evidence.trace, evidence.t))
    if evidence.sweep is not None:
        values.update(_sweep(evidence.sweep, evidence.cell))
    if evidence.ablation is not None:
        values.update(_ablation(evidence.ablation))
    if evidence.intervention is not None:
        values.update(_intervention(evidence.intervention))
    return values


def _training(evidence: Evidence, run: CellRun) -> dict[str, Value]:
    out: dict[str, Value] = {"steps": run.steps, "diverged": int(run.diverged)}
    higher = HIGHER_IS_BETTER.get(evidence.metric_name, True)  # type: ignore[call-overload]

    def reached(metric: float) -> bool:
        return metric >= evidence.goal if higher else metric <= evidence.goal

    if run.evals:
        # The latest step's evaluation; of two at one step, the one recorded last.
        _, (step, last) = max(enumerate(run.evals), key=lambda item: (item[1][0], item[0]))
        out["metric"], out["loss"] = last.metric, last.loss
        out["reached"] = int(reached(last.metric) and not run.diverged)
        first = [s for s, e in sorted(run.evals, key=lambda item: item[0]) if reached(e.metric)]
        out["steps_to_goal"] = first[0] if first else math.inf
    if run.losses:
        out["train_loss"] = statistics.fmean(run.losses[-10:])
        out["train_loss_start"] = run.losses[0]
        out["grad_norm_max"] = max(run.grad_norms)
        out["grad_norm_median"] = statistics.median(run.grad_norms)
        out["clipped_share"] = sum(run.clipped) / len(run.clipped)
    if len(run.seconds) > 6:
        out["seconds_per_step"] = statistics.median(
            b - a for a, b in zip(run.seconds[5:], run.seconds[6:], strict=False))
    if run.probes:
        out["grad_ratio"], out["grad_ratio_start"] = run.probes[-1], run.probes[0]
        ratio = run.probes[-1]
        out["grad_orders"] = -math.log10(ratio) if ratio > 0 else math.inf
    return out


def _trace(trace: Trace, t: int | None) -> dict[str, Value]:
    part = trace.parts[0]
    T = part.seq_len
    k = min(max(t or T, 1), T) - 1  # 0-based
    out: dict[str, Value] = {
        "t": k + 1, "T": T, "parts": len(trace.parts), "input": part.labels[k], "x": float(part.x[k, 0]),
        "h": float(part.h[k, 0, 0]), "h_prev": float(part.h_prev[k, 0, 0]),
        "prediction": trace.prediction_text, "target": trace.target_text,
        "correct": int(trace.prediction_text == trace.target_text),
    }
    decoder = [p for p in trace.parts if p.name == "decoder"]
    if decoder:
        out["T_decoder"] = decoder[0].seq_len
    grad = [float(sum(v * v for v in row.ravel()) ** 0.5) for row in part.grad_h]
    if grad and grad[-1] > 0:
        out["trace_grad_ratio"] = grad[0] / grad[-1]
    weights = trace.weights.get(part.name)
    if weights:
        out.update(_unit_zero(weights[0], part.x[k], part.h_prev[k, 0], trace.cell))
    for gate, values in part.gates.items():
        out[f"gate.{gate}"] = float(values[k, 0].mean())
        out[f"gate_mean.{gate}"] = float(values[:, 0].mean())
    if part.output_values is not None and part.output_values.ndim == 2 and trace.topology != "seq2seq":
        out.update(_running_prediction(part.labels, part.outputs, part.output_values, k))
    return out


def _unit_zero(layer: Mapping[str, Any], x: Any, h_prev: Any, cell: str) -> dict[str, Value]:
    """Unit 0's weights, and for a vanilla tanh RNN its equation worked from them."""
    w_ih, w_hh = layer["weight_ih"], layer["weight_hh"]
    b_ih, b_hh = layer.get("bias_ih") or [0.0] * len(w_ih), layer.get("bias_hh") or [0.0] * len(w_hh)
    if None in (w_ih[0][0], w_hh[0][0], b_ih[0], b_hh[0]):  # non-finite weights (diverged)
        return {}
    out: dict[str, Value] = {"w_x": w_ih[0][0], "w_h": w_hh[0][0], "b": b_ih[0] + b_hh[0]}
    rows = [*w_ih[0], *w_hh[0]]
    if cell == "rnn" and layer.get("nonlinearity", "tanh") == "tanh" and None not in rows:
        pre = (sum(w * float(v) for w, v in zip(w_ih[0], x, strict=True))
               + sum(w * float(v) for w, v in zip(w_hh[0], h_prev, strict=True)) + b_ih[0] + b_hh[0])
        out["pre"], out["tanh_pre"] = pre, math.tanh(pre)
    return out


def _running_prediction(labels: Sequence[str], outputs: Sequence[str], values: Any, k: int) -> dict[str, Value]:
    tops = [int(row.argmax()) for row in values]
    changes = [s for s in range(1, len(tops)) if tops[s] != tops[s - 1]]
    out: dict[str, Value] = {"output": outputs[k], "p": float(values[k].max()),
                             "top": outputs[k].rsplit(" ", 1)[0], "flips": len(changes)}
    if changes:
        out["flip_input"] = labels[changes[-1]]
    return out


def _sweep(result: SweepResult, current: str) -> dict[str, Value]:
    """The sweep's quantities; the per-cell ones also without ".{cell}" for ``current``."""
    plan = result.plan
    out: dict[str, Value] = {}
    aggregates = {(repr(a.value), a.cell): a for a in result.aggregates()}
    for i, value in enumerate(plan.values[:MAX_SWEEP_VALUES], start=1):
        out[f"sweep.value.{i}"] = value if isinstance(value, (int, float, str)) else str(value)
        for cell in plan.cells:
            a = aggregates.get((repr(value), cell))
            if a is None:
                continue
            out[f"sweep.timesteps.{i}"] = a.timesteps
            out[f"sweep.metric.{cell}.{i}"] = a.metric_mean
            out[f"sweep.reached.{cell}.{i}"] = int(a.reached == a.seeds)
            out[f"sweep.diverged.{cell}.{i}"] = int(a.diverged > 0)
            out[f"sweep.seconds_per_step.{cell}.{i}"] = a.seconds_per_step
    for cell in plan.cells:
        misses = [out[f"sweep.value.{i}"] for i in range(1, len(plan.values[:MAX_SWEEP_VALUES]) + 1)
                  if out.get(f"sweep.reached.{cell}.{i}") == 0]
        first_miss = misses[0] if misses else math.inf
        out[f"sweep.gives_up.{cell}"] = first_miss if isinstance(first_miss, (int, float)) else math.nan
        fit = result.timing_fits().get(cell)
        if fit is not None:
            out[f"sweep.slope.{cell}"] = fit.slope
        n = len(plan.values[:MAX_SWEEP_VALUES])
        first, last = out.get(f"sweep.seconds_per_step.{cell}.1"), out.get(f"sweep.seconds_per_step.{cell}.{n}")
        if isinstance(first, float) and isinstance(last, float) and first > 0:
            out[f"sweep.time_ratio.{cell}"] = last / first
        if cell == current:
            for name in ("gives_up", "slope", "time_ratio"):
                if f"sweep.{name}.{cell}" in out:
                    out[f"sweep.{name}"] = out[f"sweep.{name}.{cell}"]
    first_t, last_t = out.get("sweep.timesteps.1"), out.get(f"sweep.timesteps.{len(plan.values[:MAX_SWEEP_VALUES])}")
    if isinstance(first_t, int) and isinstance(last_t, int) and first_t > 0:
        out["sweep.length_ratio"] = last_t / first_t
    return out


def _ablation(ablation: UnitAblation) -> dict[str, Value]:
    ranking = ablation.ranking
    effect = ablation.effect
    out: dict[str, Value] = {"ablation.baseline": ablation.baseline}
    if len(ranking):
        out["ablation.top_unit"] = int(ranking[0])
        out["ablation.top_drop"] = float(effect[ranking[0]])
        out["ablation.median_drop"] = float(statistics.median(float(effect[u]) for u in ranking))
    if len(ranking) > 1:
        out["ablation.second_drop"] = float(effect[ranking[1]])
    return out


def _intervention(intervened: InterventionTrace) -> dict[str, Value]:
    out: dict[str, Value] = {"intervention.before": intervened.before.prediction_text,
                             "intervention.after": intervened.after.prediction_text}
    out["intervention.changed"] = int(out["intervention.before"] != out["intervention.after"])
    if intervened.effects:
        out["intervention.shift"] = float(intervened.effects[-1].shift[-1])
    return out
