"""Trainer behaviour: clipping, divergence guard, stop event, settings changes."""

import math
import threading

import pytest
import torch

from rnn_tui.core.training import Trainer
from tests.core.fixtures import scenario_for


def test_clipping_limits_the_applied_norm(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2seq")
    trainer = Trainer(scenario.with_changes({"training.max_norm": 1e-4}))
    report = trainer.train_step()
    assert report.clipped and report.grad_norm > 1e-4
    assert math.isclose(report.grad_norm_clipped, 1e-4)
    trainer.update(trainer.training.model_copy(update={"clip": False}))
    report = trainer.train_step()
    assert not report.clipped and report.grad_norm_clipped == report.grad_norm


def test_divergence_stops_and_restores_last_good_weights(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2seq")
    trainer = Trainer(scenario)
    trainer.train_step()
    good = [p.detach().clone() for p in trainer.model.parameters()]
    with torch.no_grad():  # a corrupted update: the next loss is NaN
        trainer.model.head.weight.fill_(float("nan"))
    reports = []
    summary = trainer.run(on_step=reports.append, steps=10)
    assert len(reports) == 1 and "loss is nan at step 2" in reports[0].diverged
    assert summary.diverged and not summary.reached
    # Restored: the weights that produced the last finite loss (before step 1's update).
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    assert not all(torch.equal(a, b) for a, b in zip(good, trainer.model.parameters(), strict=True))


def test_stop_event_stops_promptly(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2seq")
    trainer = Trainer(scenario)
    stop = threading.Event()

    def on_step(report):
        if report.step == 3:
            stop.set()

    summary = trainer.run(stop, on_step, steps=1000)
    assert summary.steps == 3


def test_update_applies_every_training_setting_at_once(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2vec")
    trainer = Trainer(scenario)
    changed = scenario.with_changes(
        {"training.learning_rate": 0.5, "training.batch_size": 3, "training.eval_size": 5}
    )
    trainer.update(changed.training)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.5
    assert trainer.train_step().learning_rate == 0.5
    assert len(trainer._sample_batch()) == 3
    assert trainer.evaluate().examples == 5


def test_update_refuses_what_needs_a_new_trainer(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2vec")
    trainer = Trainer(scenario)
    with pytest.raises(ValueError, match="new one"):
        trainer.update(scenario.with_changes({"training.optimizer": "sgd"}).training)


def test_reports_hold_only_plain_values(tmp_path):
    scenario, _ = scenario_for(tmp_path, "encoder-decoder")
    report = Trainer(scenario).train_step()
    for value in (report.loss, report.grad_norm, *report.param_grad_norms.values()):
        assert type(value) is float
    assert all(type(v).__module__ == "numpy" for v in report.probe.values())
    assert "encoder.weight_hh_l0" in report.param_grad_norms


def test_loaded_weights_are_what_a_divergence_at_the_first_step_restores(tmp_path):
    """Before: the trainer's last good copy was its random initial weights, whatever was loaded."""
    scenario, _ = scenario_for(tmp_path, "seq2seq")
    donor = Trainer(scenario.with_changes({"training.seed": 1}))
    with torch.no_grad():  # finite weights whose output overflows: the loss is inf at once
        donor.model.head.weight.mul_(1e30)
    state = {name: value.clone() for name, value in donor.model.state_dict().items()}
    trainer = Trainer(scenario)
    trainer.load_state(state)
    reports = []
    summary = trainer.run(on_step=reports.append, steps=5)
    assert len(reports) == 1 and "loss is inf at step 1" in reports[0].diverged and summary.diverged
    assert all(torch.equal(value, state[name]) for name, value in trainer.model.state_dict().items())
    assert trainer.weights_step == 0


def test_weights_step_names_the_restored_weights(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2seq")
    trainer = Trainer(scenario)
    trainer.run(steps=3)
    assert trainer.step == trainer.weights_step == 3
    with torch.no_grad():
        trainer.model.head.weight.fill_(float("nan"))
    trainer.run(steps=3)
    # Step 4's loss is NaN; the weights that gave step 3 its finite loss come back.
    assert trainer.step == 4 and trainer.weights_step == 2
    trainer.load_state(trainer.model.state_dict())
    assert trainer.diverged is None and trainer.weights_step == 4
