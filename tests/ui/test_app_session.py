"""The app's state apart from drawing: session bookkeeping, setup fields, the timestep rows."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.core.changes import (
    FIELD_BY_KEY,
    apply_changes,
    effect_of,
    parse_field,
    parse_setting,
)
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.reports import EvalResult, StepReport
from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.protocol import (
    Command,
    Failed,
    Ready,
    Report,
    Reset,
    Run,
    State,
    Steps,
    Update,
    WeightsAt,
)
from rnn_tui.ui.session import Session


class FakeProcess:
    """Records commands; hands out queued reports."""

    def __init__(self) -> None:
        self.sent: list[Command | str] = []
        self.reports: list[Report] = []
        self.alive = True
        self.exitcode: int | None = None  # never ends by itself

    def start(self, *args) -> None:
        self.sent.append("start")

    def send(self, command: Command) -> None:
        self.sent.append(command)

    def drain(self) -> list[Report]:
        out, self.reports = self.reports, []
        return out

    def stop(self, timeout: float = 1.0) -> None:
        self.alive = False


def report(
    step: int,
    loss: float = 1.0,
    seconds: float | None = None,
    diverged: str | None = None,
    eval_metric=None,
) -> StepReport:
    return StepReport(
        step=step,
        loss=loss,
        grad_norm=2.0,
        grad_norm_clipped=1.0,
        clipped=True,
        learning_rate=0.01,
        param_grad_norms={},
        seconds=step * 0.01 if seconds is None else seconds,
        eval=None if eval_metric is None else EvalResult(loss, eval_metric, 10, targets=10),
        diverged=diverged,
    )


def steps(*reports: StepReport) -> Steps:
    return Steps("lstm", reports)


@pytest.fixture
def session() -> Session:
    s = Session(load_scenario("sine-waves"), FakeProcess())
    s.process.reports.append(Ready(0, {"w": np.zeros(2)}, 0.1))
    s.poll()
    return s


def test_not_ready_refuses_training_with_a_reason():
    s = Session(load_scenario("sine-waves"), FakeProcess())
    assert "loading" in s.run()
    assert "loading" in s.step_once()
    assert s.process.sent == []


def test_run_sends_the_steps_left_in_the_budget(session):
    assert session.run() is None
    assert session.process.sent[-1] == Run(session.budget)
    session.process.reports += [
        steps(*(report(s) for s in range(1, 11))),
        State(False, 10, "paused"),
    ]
    session.poll()
    assert session.step == 10 and not session.running and session.why == "paused"
    session.run()
    assert session.process.sent[-1] == Run(session.budget - 10)


def test_steps_per_second_comes_from_the_trainers_clock(session):
    session.process.reports.append(steps(*(report(s, seconds=s / 50) for s in range(1, 101))))
    session.poll()
    assert session.steps_per_second == pytest.approx(50.0)


def test_divergence_is_remembered_with_its_step(session):
    session.process.reports.append(
        steps(report(1), report(2, loss=float("nan"), diverged="loss is nan"))
    )
    session.poll()
    assert session.diverged == "loss is nan" and session.diverged_step == 2
    assert session.latest is not None and session.latest.step == 1  # the last good report


def test_reports_of_a_replaced_trainer_are_dropped(session):
    session.process.reports.append(steps(*(report(s) for s in range(1, 6))))
    session.poll()
    assert session.unsaved_steps == 5
    session.reset()
    session.process.reports += [steps(report(6)), WeightsAt(6, {})]
    session.poll()
    assert session.step == 0 and session.weights is None and not session.ready
    session.process.reports.append(Ready(0, {"w": np.ones(2)}, 0.0))
    session.poll()
    assert session.ready and session.weights[0] == 0


def test_live_changes_go_to_the_trainer_without_a_reset(session):
    changes = {
        "training.learning_rate": session.scenario.training.learning_rate * 3,
        "training.clip": False,
        "training.batch_size": 7,
    }
    changed = apply_changes(session.scenario, changes)
    session.apply(changed, effect_of(session.scenario, changed))
    # One command carries the whole training spec: nothing is dropped on the way.
    assert session.process.sent[-1] == Update(changed.training)
    assert session.ready


def test_model_changes_reset_and_a_failed_build_goes_back(session):
    before = session.scenario
    changed = before.with_changes({"model.hidden_size": 8})
    session.apply(changed, "model")
    assert session.process.sent[-1] == Reset(changed) and not session.ready
    session.process.reports.append(Failed("cannot build"))
    session.poll()
    assert session.revert() is before
    assert session.process.sent[-1] == Reset(before)


def test_fields_parse_and_explain():
    scenario = load_scenario("sine-waves")
    spec = FIELD_BY_KEY["model.hidden_size"]
    assert parse_field(scenario, spec, " 128 ") == 128
    assert parse_field(scenario, spec, "64.0") == 64
    # The hint's range is the schema's own bound (ModelSpec.hidden_size), not a copy.
    with pytest.raises(ValueError, match="whole number.*1-1,024"):
        parse_field(scenario, spec, "12.5")
    with pytest.raises(ValueError, match="empty"):
        parse_field(scenario, spec, "")
    lr = FIELD_BY_KEY["training.learning_rate"]
    assert parse_field(scenario, lr, "1e-3") == pytest.approx(0.001)
    seq_len = FIELD_BY_KEY["data.params.seq_len"]
    with pytest.raises(ValueError, match="2-10,000"):  # from the sine generator's Params
        parse_field(scenario, seq_len, "x")


def effect(changes: dict) -> str:
    scenario = load_scenario("sine-waves")
    return effect_of(scenario, apply_changes(scenario, changes))


def test_effects_and_bounds():
    assert effect({"training.learning_rate": 0.1}) == "live"
    assert effect({"training.clip": False, "training.max_norm": 3.0}) == "live"
    assert effect({"training.batch_size": 8}) == "settings"
    assert effect({"training.learning_rate": 0.1, "training.batch_size": 8}) == "settings"
    assert effect({"training.learning_rate": 0.1, "model.cell": "gru"}) == "model"
    assert effect({"training.optimizer": "sgd"}) == "model"
    assert effect({"goal.target": 0.123}) == "model"
    assert effect({"data.params.seq_len": 30}) == "data"
    assert effect({"training.seed": 3}) == "data"
    assert effect({}) == "live"
    scenario = load_scenario("sine-waves")
    with pytest.raises(ScenarioError, match="hidden_size"):
        apply_changes(scenario, {"model.hidden_size": 5000})
    with pytest.raises(ScenarioError, match="seq_len"):
        apply_changes(scenario, {"data.params.seq_len": 1})
    assert apply_changes(scenario, {"data.params.seq_len": 30}).data.params["seq_len"] == 30


def test_stopping_a_training_process_that_never_started_is_quiet():
    from rnn_tui.ui.training_process import TrainingProcess

    process = TrainingProcess()
    with pytest.raises(Exception):  # noqa: B017 - a lambda cannot cross to a spawn process
        process.start(lambda: None)
    assert process.pid is None
    process.stop()  # raised AssertionError ("can only join a started process")
    assert not process.alive


def test_budget_changes_keep_the_model():
    assert effect({"training.steps": 5000}) == "settings"


def test_a_setup_becomes_a_command_that_rebuilds_it_exactly():
    import shlex

    from rnn_tui.core.changes import command_line, differences

    base = load_scenario("long-memory")
    changed = apply_changes(
        base,
        {
            "model.cell": "gru",
            "training.learning_rate": 0.0125,
            "training.clip": False,
            "data.params.seq_len": 20,
            "training.seed": 3,
        },
    )
    command = command_line("long-memory", base, changed)
    argv = shlex.split(command)
    assert argv[:2] == ["rnn-tui", "long-memory"]
    items = [argv[i + 1] for i, word in enumerate(argv) if word == "--set"]
    rebuilt = apply_changes(base, dict(map(parse_setting, items)))
    assert rebuilt == changed and differences(base, rebuilt) == differences(base, changed)
    # The seed is always said, so the command reproduces the data and weights.
    assert "--seed" in command_line("long-memory", base, base)


def test_the_status_says_what_a_score_is_over_and_the_baseline_beside_it():
    from rnn_tui.core.reports import goal_baseline
    from rnn_tui.ui.panels.status import status_text

    assert goal_baseline("accuracy", {"bag_of_words_accuracy": 0.68, "chance_accuracy": 0.5}) == (
        "bag of words",
        0.68,
    )
    assert goal_baseline("rmse_ratio", {"persistence_rmse": 40.0, "seasonal_naive_rmse": 30.0}) == (
        "seasonal naive",
        0.75,
    )
    assert goal_baseline("exact_match", {"persistence_rmse": 1.0}) is None
    session = Session(load_scenario("sentiment"), FakeProcess())
    session.process.reports.append(Ready(0, {}, 0.1, {"bag_of_words_accuracy": 0.68}))
    session.process.reports.append(steps(report(50, eval_metric=0.91)))
    session.poll()
    text = status_text(session).plain
    assert "accuracy 0.91 on 10 examples" in text and "bag of words 0.68" in text
