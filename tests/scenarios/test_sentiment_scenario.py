"""The sentiment scenario at its defaults: the LSTM reaches the goal and beats bag of words where order matters."""

from __future__ import annotations

import time

import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.data.sentiment import subset_accuracy
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
from tests.scenarios.budget import within_budget


def test_scenario_loads_and_builds():
    scenario = load_scenario("sentiment")
    assert scenario.topology == "seq2vec" and scenario.goal.metric == "accuracy"
    dataset = build_dataset(scenario)
    assert dataset.class_names == ("negative", "positive")
    assert "bag_of_words_accuracy_negation_contrast" in dataset.baselines


@pytest.mark.slow
def test_default_lstm_reaches_goal_and_beats_bag_of_words():
    scenario = load_scenario("sentiment")
    start = time.perf_counter()
    trainer = Trainer(scenario)
    summary = within_budget(trainer)
    dataset = trainer.dataset
    predictions = trainer.model.predict(dataset.test).numpy()
    rnn_subset = subset_accuracy(dataset, predictions)
    bow_subset = dataset.baselines["bag_of_words_accuracy_negation_contrast"]
    print(
        f"sentiment {scenario.model.cell}: accuracy {summary.final.metric:.3f} "
        f"(bag of words {dataset.baselines['bag_of_words_accuracy']:.3f}); "
        f"negation/contrast {rnn_subset:.3f} vs bag of words {bow_subset:.3f}; "
        f"{summary.steps} steps in {time.perf_counter() - start:.1f} s"
    )
    assert summary.diverged is None
    assert summary.final.metric >= 0.90
    assert summary.reached
    assert rnn_subset > bow_subset + 0.2
