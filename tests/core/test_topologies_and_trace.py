"""Every topology and cell trains, predicts and traces; traces agree with the fused model."""

import json

import numpy as np
import pytest
import torch

from rnn_tui.core.trace import trace_example
from rnn_tui.core.training import Trainer
from tests.core.fixtures import scenario_for

TOPOLOGIES = ["seq2seq", "seq2vec", "vec2seq", "encoder-decoder"]
PARTS = {"seq2seq": ["rnn"], "seq2vec": ["rnn"], "vec2seq": ["decoder"], "encoder-decoder": ["encoder", "decoder"]}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_trains_and_traces(tmp_path, topology, cell):
    scenario, dataset = scenario_for(tmp_path, topology, cell, layers=2)
    trainer = Trainer(scenario, dataset)
    reports = []
    summary = trainer.run(on_step=reports.append)
    assert summary.steps == 5 and len(reports) == 5
    assert all(np.isfinite(r.loss) for r in reports)
    assert reports[0].probe is not None and set(reports[0].probe) == set(PARTS[topology])
    trace = trace_example(trainer.model, trainer.dataset, trainer.dataset.test.select([0]), "t")
    assert [p.name for p in trace.parts] == PARTS[topology]
    for part in trace.parts:
        assert part.h.shape == (part.seq_len, 2, 8)
        assert np.allclose(part.h_prev[1:], part.h[:-1])  # h_{t-1} of step t is h of step t-1
        assert (part.c is not None) == (cell == "lstm")
        assert len(part.gates) == {"rnn": 0, "lstm": 4, "gru": 3}[cell]
        assert np.isfinite(part.grad_h).all() and np.abs(part.grad_h).sum() > 0
    data = json.loads(json.dumps(trace.to_json()))
    assert set(data) >= {"scenario", "topology", "cell", "hidden_size", "num_layers", "weights", "steps"}
    first = data["steps"][0]
    assert set(first) >= {"part", "t", "x", "h_prev", "c_prev", "h", "c", "gates", "grad_h"}
    assert len(first["h"]) == 2 and len(first["h"][0]) == 8
    if cell == "rnn":
        assert data["weights"][PARTS[topology][0]][0]["nonlinearity"] == "tanh"


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_trace_final_state_matches_fused_forward(tmp_path, topology):
    """The last traced h of the first part equals the fused module's output on that example."""
    scenario, dataset = scenario_for(tmp_path, topology, "gru")
    trainer = Trainer(scenario, dataset)
    example = trainer.dataset.test.select([1])
    trace = trace_example(trainer.model, trainer.dataset, example, "t")
    model, part = trainer.model, trace.parts[0]
    with torch.no_grad():
        if topology == "vec2seq":
            state = model.initial_state(example.inputs)
            previous = torch.cat([torch.full_like(example.targets[:, :1], 2), example.targets[:, :-1]], 1)
            out, _ = model.decoder.rnn(model.decoder.embedding(previous), state)
        elif topology == "encoder-decoder":
            out, _ = model.encoder(model.source(example))
        elif topology == "seq2vec":
            out, _ = model.rnn(model._inputs(example))
        else:
            out, _ = model.rnn(example.inputs)
    assert np.allclose(part.h[-1, -1], out[0, -1].double().numpy(), atol=1e-5)


def test_same_seed_same_numbers(tmp_path):
    scenario, _ = scenario_for(tmp_path, "seq2vec")
    losses = []
    for _ in range(2):
        reports = []
        Trainer(scenario).run(on_step=reports.append)
        losses.append([r.loss for r in reports] + [r.grad_norm for r in reports])
    assert losses[0] == losses[1]
    other = []
    Trainer(scenario.with_changes({"training.seed": 7})).run(on_step=lambda r: other.append(r.loss))
    assert other != losses[0][:5]
