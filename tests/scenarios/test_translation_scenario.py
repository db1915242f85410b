"""The translation scenario at its defaults: >= 90% exact-match translations of held-out sentences."""

from __future__ import annotations

import time

import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
from tests.scenarios.budget import within_budget


def test_scenario_loads_and_builds():
    scenario = load_scenario("translation")
    assert scenario.topology == "encoder-decoder" and scenario.goal.metric == "exact_match"
    dataset = build_dataset(scenario)
    assert max(int(n) for n in dataset.test.lengths) >= 10
    assert dataset.notes


@pytest.mark.slow
def test_default_model_translates_held_out_sentences():
    scenario = load_scenario("translation")
    start = time.perf_counter()
    summary = within_budget(Trainer(scenario))
    print(
        f"translation {scenario.model.cell} (reverse_source={scenario.model.reverse_source}): "
        f"exact match {summary.final.metric:.3f} on {summary.final.examples} held-out sentences; "
        f"{summary.steps} steps in {time.perf_counter() - start:.1f} s"
    )
    assert summary.diverged is None
    assert summary.final.metric >= 0.90
    assert summary.reached
