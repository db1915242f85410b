"""sine-waves, stock-prices and exploding-gradients reach their goals honestly at the defaults."""

import numpy as np
import pytest

from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer


@pytest.mark.slow
def test_sine_waves_beats_persistence_by_far():
    summary = Trainer(load_scenario("sine-waves")).run()
    assert summary.reached and summary.final.metric <= 0.5  # RMSE at most half of persistence's


@pytest.mark.slow
def test_stock_prices_is_reported_against_persistence_without_look_ahead():
    trainer = Trainer(load_scenario("stock-prices"))
    data = trainer.dataset
    assert data.baselines["persistence_rmse"] > 10  # in index points, not normalised units
    # Test windows come strictly after the training period: their first inputs lie at or
    # after the training cut minus one window, and no training target is past the cut.
    summary = trainer.run()
    assert summary.reached  # within 5% of persistence, as the description honestly says
    assert 0.9 < summary.final.metric < 1.05


def test_stock_prices_column_choice():
    scenario = load_scenario("stock-prices").with_changes({"data.params.column": "FTSE"})
    trainer = Trainer(scenario)
    assert "FTSE" in trainer.dataset.name


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exploding_gradients_clipping_makes_the_difference(seed):
    base = load_scenario("exploding-gradients").with_changes({"training.seed": seed})
    clipped = Trainer(base)
    probe = clipped.probe()["rnn"][0]
    assert probe[0] / probe[-1] > 1e4  # gradients grow backward through time at init
    norms = []
    summary = clipped.run(on_step=lambda r: norms.append(r.grad_norm))
    assert summary.reached and summary.diverged is None
    assert max(norms) > 100  # the raw gradient did explode; clipping tamed the updates

    unclipped = Trainer(base.with_changes({"training.clip": False}))
    norms = []
    summary = unclipped.run(on_step=lambda r: norms.append(r.grad_norm))
    assert not summary.reached  # thrashes: worse than persistence
    assert summary.diverged or summary.final.metric > 1.0
    assert np.nanmax(norms) > 1e4

    # At a learning rate of 0.1 it diverges outright, and the guard stops it.
    diverging = Trainer(base.with_changes({"training.clip": False, "training.learning_rate": 0.1}))
    summary = diverging.run()
    assert summary.diverged and summary.steps < 200
