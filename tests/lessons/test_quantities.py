"""Evidence -> measured quantities: what training reports become, per cell and for the current one."""

import math

import numpy as np

from rnn_tui.core.lessons.quantities import KNOWN, QUANTITIES, Evidence, is_quantity, measure
from rnn_tui.core.reports import EvalResult, StepReport
from rnn_tui.core.scenario import load_scenario


def report(step, loss=1.0, grad=0.5, clipped=False, metric=None, probe=None, seconds=None, diverged=None):
    return StepReport(step=step, loss=loss, grad_norm=grad, grad_norm_clipped=min(grad, 1.0), clipped=clipped,
                      learning_rate=0.01, param_grad_norms={}, seconds=step * 0.1 if seconds is None else seconds,
                      eval=None if metric is None else EvalResult(loss=loss, metric=metric, examples=100),
                      probe=probe, diverged=diverged)


def evidence_for(cell="lstm"):
    evidence = Evidence()
    scenario = load_scenario("long-memory").with_changes({"model.cell": cell})
    evidence.set_scenario(scenario, {"chance_accuracy": 0.25}, chance=0.25)
    return evidence


def test_the_scenario_as_set():
    values = measure(evidence_for())
    assert values["scenario"] == "long-memory" and values["topology"] == "seq2vec" and values["cell"] == "lstm"
    assert values["goal"] == 0.95 and values["seq_len"] == 100 and values["chance"] == 0.25
    assert values["baseline"] == 0.25 and values["clip"] == 1 and values["hidden_size"] == 64


def test_training_reports_per_cell_and_for_the_current_cell():
    evidence = evidence_for("lstm")
    first_probe = {"rnn": np.array([[1e-10, 1e-5, 1.0]])}
    last_probe = {"rnn": np.array([[0.5, 0.8, 2.0]])}
    reports = [report(1, loss=1.4, grad=3.0, clipped=True, metric=0.3, probe=first_probe)]
    reports += [report(s, loss=1.0, grad=0.5) for s in range(2, 10)]
    reports += [report(10, loss=0.2, grad=100.0, clipped=True, metric=0.96, probe=last_probe)]
    evidence.record_steps("lstm", reports)
    evidence.record_steps("rnn", [report(1, metric=0.25, probe=first_probe), report(2, metric=0.24)])
    evidence.record_eval("rnn", 2, EvalResult(loss=1.3, metric=0.26, examples=256))
    values = measure(evidence)
    assert values["steps.lstm"] == 10 and values["metric.lstm"] == 0.96 and values["reached.lstm"] == 1
    assert values["steps_to_goal.lstm"] == 10 and values["steps_to_goal.rnn"] == math.inf
    assert values["train_loss_start.lstm"] == 1.4
    assert math.isclose(values["train_loss.lstm"], (1.4 + 8 * 1.0 + 0.2) / 10)  # the last 10 steps
    assert values["grad_norm_max.lstm"] == 100.0 and values["grad_norm_median.lstm"] == 0.5
    assert values["clipped_share.lstm"] == 0.2 and values["diverged.lstm"] == 0
    assert values["grad_ratio_start.lstm"] == 1e-10 and values["grad_ratio.lstm"] == 0.25
    assert values["grad_orders.lstm"] == 0.6020599913279624  # -log10(0.25)
    assert math.isclose(values["seconds_per_step.lstm"], 0.1)
    assert values["metric.rnn"] == 0.26 and values["reached.rnn"] == 0  # the later evaluation counts
    # Without a cell: the current cell's.
    assert values["metric"] == values["metric.lstm"] and values["steps"] == 10
    evidence.start_run("lstm")  # new weights: the old run is forgotten
    assert "metric.lstm" not in measure(evidence) and measure(evidence)["steps.lstm"] == 0


def test_a_divergence_counts_and_is_not_a_reached_goal():
    evidence = evidence_for("rnn")
    evidence.record_steps("rnn", [report(1, metric=0.97), report(2, loss=math.inf, diverged="loss is inf")])
    values = measure(evidence)
    assert values["diverged.rnn"] == 1 and values["reached.rnn"] == 0 and values["steps.rnn"] == 2


def test_the_vocabulary_expands_its_placeholders():
    assert {"metric.rnn", "metric.lstm", "metric.gru", "metric"} <= KNOWN
    assert {"gate.f", "gate_mean.z", "sweep.metric.gru.8", "sweep.value.1"} <= KNOWN
    assert not is_quantity("sweep.metric.gru.9") and not is_quantity("metric.cnn") and not is_quantity("gate.x")
    assert all(unit and what for what, unit in QUANTITIES.values())
