"""The long-memory scenario: gated cells remember 100 steps back, the vanilla RNN cannot.

Two claims from its description, checked over seeds 0-2 at the file's settings:

- at initialisation, on the same probe batch, ||dL/dh_1|| / ||dL/dh_T|| is at least
  100x smaller for the vanilla RNN than for the LSTM (the gradient vanishes);
- with the same budget and seed, LSTM and GRU reach the goal, the RNN stays near chance.
"""

from __future__ import annotations

import time

import pytest

from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
from tests.scenarios.budget import within_budget

SEEDS = (0, 1, 2)


def trainer_for(cell: str, seed: int) -> Trainer:
    changes = {"model.cell": cell, "training.seed": seed}
    return Trainer(load_scenario("long-memory").with_changes(changes))


def first_to_last_ratio(trainer: Trainer) -> float:
    norms = trainer.probe()["rnn"][0]  # layer 0: ||dL/dh_t|| for t = 1..T
    return float(norms[0] / norms[-1])


def test_scenario_loads_and_is_the_long_one():
    scenario = load_scenario("long-memory")
    assert scenario.topology == "seq2vec" and scenario.goal.metric == "accuracy"
    assert scenario.goal.target >= 0.95
    trainer = trainer_for("lstm", 0)
    assert trainer.dataset.seq_len == scenario.data.params["seq_len"] >= 100
    assert trainer.dataset.baselines["chance_accuracy"] == 0.25


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_vanishes_for_the_rnn_not_the_lstm(seed):
    rnn, lstm = trainer_for("rnn", seed), trainer_for("lstm", seed)
    # Same seed, same data: both probe the same held-out batch.
    assert bool((rnn.probe_batch.inputs == lstm.probe_batch.inputs).all())
    rnn_ratio, lstm_ratio = first_to_last_ratio(rnn), first_to_last_ratio(lstm)
    print(f"seed {seed}: |dL/dh_1| / |dL/dh_T| rnn {rnn_ratio:.3g}, lstm {lstm_ratio:.3g}")
    assert rnn_ratio * 100 <= lstm_ratio
    assert rnn_ratio < 1e-6  # orders of magnitude lost over 100 steps


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_gated_cells_remember_and_the_rnn_stays_near_chance(seed):
    results = {}
    for cell in ("lstm", "gru", "rnn"):
        trainer = trainer_for(cell, seed)
        start = time.perf_counter()
        # The RNN trains its whole budget: its claim is about where the budget leaves it.
        summary = trainer.run() if cell == "rnn" else within_budget(trainer)
        results[cell] = summary
        print(
            f"seed {seed} {cell}: accuracy {summary.final.metric:.3f} after {summary.steps} "
            f"steps in {time.perf_counter() - start:.1f} s"
        )
        assert summary.diverged is None
    assert results["lstm"].reached and results["lstm"].final.metric >= 0.95
    assert results["gru"].reached and results["gru"].final.metric >= 0.95, (
        "the GRU needs its update-gate bias started from model.forget_bias, as the LSTM's "
        "forget gate is (rnn_tui/core/topologies.py, init_recurrent)"
    )
    assert not results["rnn"].reached
    assert results["rnn"].final.metric < 0.25 + 0.1  # chance is 1 / 4
