"""The step-by-step cells match PyTorch's fused modules to 1e-5."""

import pytest
import torch
from torch import nn

from rnn_tui.core.cells import GATE_NAMES, cell_kind, unroll

CASES = [("RNN", "tanh"), ("RNN", "relu"), ("LSTM", None), ("GRU", None)]


def fused(kind: str, nonlinearity: str | None, layers: int) -> nn.RNNBase:
    torch.manual_seed(0)
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
    extra = {"nonlinearity": nonlinearity} if nonlinearity else {}
    return cls(5, 7, num_layers=layers, batch_first=True, **extra).double()


@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize(("kind", "nonlinearity"), CASES)
def test_unroll_matches_fused_module(kind, nonlinearity, layers):
    module = fused(kind, nonlinearity, layers)
    x = torch.randn(4, 9, 5, dtype=torch.double)
    h0 = torch.randn(layers, 4, 7, dtype=torch.double)
    state = (h0, torch.randn_like(h0)) if kind == "LSTM" else h0
    expected_out, expected_state = module(x, state)
    out, final, steps = unroll(module, x, state)
    assert torch.allclose(out, expected_out, atol=1e-5)
    if kind == "LSTM":
        assert torch.allclose(final[0], expected_state[0], atol=1e-5)
        assert torch.allclose(final[1], expected_state[1], atol=1e-5)
    else:
        assert torch.allclose(final, expected_state, atol=1e-5)
    assert len(steps) == 9 and len(steps[0]) == layers
    assert set(steps[3][0].gates) == set(GATE_NAMES[cell_kind(module)])


@pytest.mark.parametrize(("kind", "nonlinearity"), CASES)
def test_unroll_with_lengths_matches_packed_sequence(kind, nonlinearity):
    module = fused(kind, nonlinearity, 2)
    x = torch.randn(3, 6, 5, dtype=torch.double)
    lengths = torch.tensor([6, 2, 4])
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    expected_out, expected_state = module(packed)
    expected_out, _ = nn.utils.rnn.pad_packed_sequence(expected_out, batch_first=True, total_length=6)
    out, final, _ = unroll(module, x, None, lengths)
    assert torch.allclose(out, expected_out, atol=1e-5)
    h = final[0] if kind == "LSTM" else final
    expected_h = expected_state[0] if kind == "LSTM" else expected_state
    assert torch.allclose(h, expected_h, atol=1e-5)


def test_lstm_gates_follow_pytorch_order():
    """Gate 'f' is computed from the second quarter of the weights, as in PyTorch."""
    module = fused("LSTM", None, 1)
    with torch.no_grad():
        module.bias_ih_l0[7:14] = 50.0  # forget gate saturates open
    _, _, steps = unroll(module, torch.randn(1, 2, 5, dtype=torch.double))
    assert torch.allclose(steps[0][0].gates["f"], torch.ones(1, 7, dtype=torch.double))
    assert not torch.allclose(steps[0][0].gates["i"], torch.ones(1, 7, dtype=torch.double))
