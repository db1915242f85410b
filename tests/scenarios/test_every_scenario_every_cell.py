"""Every built-in scenario loads, describes itself, and trains a few steps with every cell."""

import time

import numpy as np
import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.scenario import builtin_names, load_scenario
from rnn_tui.core.training import Trainer

NAMES = builtin_names()


def test_all_use_cases_are_built_in():
    expected = {"stock-prices", "sine-waves", "sentiment", "captioning", "translation", "long-memory", "exploding-gradients"}
    assert expected <= set(NAMES)
    topologies = {load_scenario(name).topology for name in NAMES}
    assert topologies == {"seq2seq", "seq2vec", "vec2seq", "encoder-decoder"}


@pytest.mark.parametrize("name", NAMES)
def test_scenario_is_described_and_data_is_fast(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert len(scenario.description) > 200 and "try" in scenario.description.lower()
    # CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
    start = time.process_time()
    build_dataset(scenario)
    assert time.process_time() - start < 3  # under 1 s of CPU for every built-in


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("name", NAMES)
def test_every_cell_trains_a_few_steps(name, cell):
    scenario = load_scenario(name).with_changes({"model.cell": cell})
    trainer = Trainer(scenario)
    reports = []
    trainer.run(on_step=reports.append, steps=3)
    assert len(reports) == 3 and all(np.isfinite(r.loss) for r in reports)
    assert reports[0].probe and all(np.isfinite(v).all() for v in reports[0].probe.values())
