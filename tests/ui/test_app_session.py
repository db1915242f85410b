"""The app's state apart from drawing: session bookkeeping, setup fields, the timestep rows."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.fields import FIELD_BY_KEY, check_changes, effect_of, parse_field
from rnn_tui.ui.session import Session


class FakeProcess:
    """Records commands; hands out queued reports."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []
        self.reports: list[tuple] = []
        self.alive = True

    def start(self, *args) -> None:
        self.sent.append(("start",))

    def send(self, *command) -> None:
        self.sent.append(command)

    def drain(self) -> list[tuple]:
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
):
    return {
        "step": step,
        "loss": loss,
        "grad_norm": 2.0,
        "grad_norm_clipped": 1.0,
        "clipped": True,
        "learning_rate": 0.01,
        "param_grad_norms": {},
        "seconds": step * 0.01 if seconds is None else seconds,
        "eval": None
        if eval_metric is None
        else {"loss": loss, "metric": eval_metric, "examples": 10},
        "probe": None,
        "diverged": diverged,
    }


@pytest.fixture
def session() -> Session:
    s = Session(load_scenario("sine-waves"), FakeProcess())
    s.process.reports.append(("ready", 0, {"w": np.zeros(2)}, {"seconds": 0.1}))
    s.poll()
    return s


def test_not_ready_refuses_training_with_a_reason():
    s = Session(load_scenario("sine-waves"), FakeProcess())
    assert "loading" in s.run()
    assert "loading" in s.step_once()
    assert s.process.sent == []


def test_run_sends_the_steps_left_in_the_budget(session):
    assert session.run() is None
    assert session.process.sent[-1] == ("run", session.budget)
    session.process.reports += [
        ("steps", [report(s) for s in range(1, 11)]),
        ("state", False, 10, "paused"),
    ]
    session.poll()
    assert session.step == 10 and not session.running and session.why == "paused"
    session.run()
    assert session.process.sent[-1] == ("run", session.budget - 10)


def test_steps_per_second_comes_from_the_trainers_clock(session):
    session.process.reports.append(("steps", [report(s, seconds=s / 50) for s in range(1, 101)]))
    session.poll()
    assert session.steps_per_second == pytest.approx(50.0)


def test_divergence_is_remembered_with_its_step(session):
    session.process.reports.append(
        ("steps", [report(1), report(2, loss=float("nan"), diverged="loss is nan")])
    )
    session.poll()
    assert session.diverged == "loss is nan" and session.diverged_step == 2
    assert session.latest["step"] == 1  # the last good report


def test_reports_of_a_replaced_trainer_are_dropped(session):
    session.process.reports.append(("steps", [report(s) for s in range(1, 6)]))
    session.poll()
    assert session.unsaved_steps == 5
    session.reset()
    session.process.reports += [("steps", [report(6)]), ("weights", 6, {})]
    session.poll()
    assert session.step == 0 and session.weights is None and not session.ready
    session.process.reports.append(("ready", 0, {"w": np.ones(2)}, {}))
    session.poll()
    assert session.ready and session.weights[0] == 0


def test_live_changes_go_to_the_trainer_without_a_reset(session):
    changes = {
        "training.learning_rate": session.scenario.training.learning_rate * 3,
        "training.clip": False,
    }
    changed = session.scenario.with_changes(changes)
    session.apply(changed, effect_of(changes))
    assert ("set_lr", changes["training.learning_rate"]) in session.process.sent
    assert ("set_clip", False, changed.training.max_norm) in session.process.sent
    assert session.ready


def test_model_changes_reset_and_a_failed_build_goes_back(session):
    before = session.scenario
    changed = before.with_changes({"model.hidden_size": 8})
    session.apply(changed, "model")
    assert session.process.sent[-1] == ("reset", changed) and not session.ready
    session.process.reports.append(("error", "cannot build"))
    session.poll()
    assert session.revert() is before
    assert session.process.sent[-1] == ("reset", before)


def test_fields_parse_and_explain():
    spec = FIELD_BY_KEY["model.hidden_size"]
    assert parse_field(spec, " 128 ") == 128
    assert parse_field(spec, "64.0") == 64
    with pytest.raises(ValueError, match="whole number"):
        parse_field(spec, "12.5")
    with pytest.raises(ValueError, match="empty"):
        parse_field(spec, "")
    assert parse_field(FIELD_BY_KEY["training.learning_rate"], "1e-3") == pytest.approx(0.001)


def test_effects_and_bounds():
    assert effect_of({"training.learning_rate": 0.1}) == "live"
    assert effect_of({"training.batch_size": 8}) == "settings"
    assert effect_of({"training.learning_rate": 0.1, "model.cell": "gru"}) == "model"
    assert effect_of({"data.params.seq_len": 30}) == "data"
    scenario = load_scenario("sine-waves")
    with pytest.raises(ScenarioError, match="hidden_size"):
        check_changes(scenario, {"model.hidden_size": 5000})
    with pytest.raises(ScenarioError, match="seq_len"):
        check_changes(scenario, {"data.params.seq_len": 1})
    assert check_changes(scenario, {"data.params.seq_len": 30}).data.params["seq_len"] == 30


def test_stopping_a_training_process_that_never_started_is_quiet():
    from rnn_tui.ui.training_process import TrainingProcess

    process = TrainingProcess()
    with pytest.raises(Exception):  # noqa: B017 - a lambda cannot cross to a spawn process
        process.start(lambda: None)
    assert process.pid is None
    process.stop()  # raised AssertionError ("can only join a started process")
    assert not process.alive


def test_budget_changes_keep_the_model():
    assert effect_of({"training.steps": 5000}) == "settings"
