"""Gradient through time equals autograd on a manually unrolled copy of the model."""

import numpy as np
import pytest
import torch

from rnn_tui.core.probes import gradient_through_time
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.training import Trainer


def manual_grad_norms(module, head, x, target, lstm: bool):
    """Unroll with nn.*Cell-free maths written out here, retaining h_t; dL/dh_t by autograd."""
    hidden = module.hidden_size
    h = torch.zeros(x.shape[0], hidden)
    c = torch.zeros_like(h)
    hs, outs = [], []
    w_ih, w_hh, b_ih, b_hh = module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0
    for t in range(x.shape[1]):
        gates = x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        if lstm:
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        else:
            h = torch.tanh(gates)
        h.retain_grad()
        hs.append(h)
        outs.append(head(h))
    loss = torch.nn.functional.mse_loss(torch.stack(outs, 1), target)
    loss.backward()
    return np.array([float(h.grad.norm()) for h in hs])


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_probe_is_total_derivative(cell):
    scenario = load_scenario("sine-waves").with_changes({"model.cell": cell, "model.hidden_size": 8})
    trainer = Trainer(scenario)
    batch = trainer.probe_batch
    norms = gradient_through_time(trainer.model, batch)["rnn"][0]
    expected = manual_grad_norms(trainer.model.rnn, trainer.model.head, batch.inputs, batch.targets, cell == "lstm")
    np.testing.assert_allclose(norms, expected, rtol=1e-4, atol=1e-9)
    # The total derivative at early steps includes paths through later steps, so it is
    # larger than the direct path alone would give at t = 0 for a long sequence.
    assert norms.shape == (batch.inputs.shape[1],)


def test_probe_leaves_parameter_gradients_alone():
    trainer = Trainer(load_scenario("sine-waves"))
    trainer.probe()
    assert all(p.grad is None for p in trainer.model.parameters())
