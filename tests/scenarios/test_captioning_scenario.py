"""The captioning scenario at its defaults: the decoder captions held-out pictures exactly."""

from __future__ import annotations

import time

import numpy as np
import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer
from tests.scenarios.budget import within_budget


def test_scenario_loads_and_builds():
    scenario = load_scenario("captioning")
    assert scenario.topology == "vec2seq" and scenario.goal.metric == "exact_match"
    assert scenario.goal.target >= 0.9
    dataset = build_dataset(scenario)
    assert dataset.input_kind == "vector" and dataset.output_kind == "tokens"
    images = dataset.extras["test_images"]
    assert images.dtype == np.uint8 and images.shape[0] == len(dataset.test)
    assert dataset.extras["train_images"].shape[0] == len(dataset.train)
    # Ignoring the picture gets nowhere: the most common caption is almost never right.
    assert dataset.baselines["most_common_caption_exact_match"] < 0.05


@pytest.mark.slow
def test_default_cell_captions_held_out_pictures():
    scenario = load_scenario("captioning")
    start = time.perf_counter()
    trainer = Trainer(scenario)
    summary = within_budget(trainer)
    dataset = trainer.dataset
    predicted = trainer.model.predict(dataset.test)
    first = " ".join(dataset.target_vocab.decode(predicted[0].tolist()))
    print(
        f"captioning {scenario.model.cell}: exact match {summary.final.metric:.3f} after "
        f"{summary.steps} steps in {time.perf_counter() - start:.1f} s; e.g. {first!r}"
    )
    assert summary.diverged is None
    assert summary.final.metric >= 0.90
    assert summary.reached
