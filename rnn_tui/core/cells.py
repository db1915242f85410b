"""Step-by-step cell maths from the weights of a fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``.

The fused modules are fast but hide each timestep. Here every step is computed from the
same parameters (PyTorch's names ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
``bias_hh_l{k}`` and gate order), so the gates and states can be shown, and autograd
through the unrolled graph gives the total derivative dL/dh_t at every step.

Equations (PyTorch's form), x_t input, h_{t-1} previous hidden state:

- RNN:  h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh or relu
- LSTM: i, f, g, o = σ, σ, tanh, σ of (W_i* x_t + b_i* + W_h* h_{t-1} + b_h*)
        c_t = f ⊙ c_{t-1} + i ⊙ g;   h_t = o ⊙ tanh(c_t)
- GRU:  r, z = σ(W_i* x_t + b_i* + W_h* h_{t-1} + b_h*)
        n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn));  h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnn_tui.core.vocabulary import GATE_NAMES, Cell

__all__ = ["GATE_NAMES", "cell_kind", "layer_weights"]


def cell_kind(module: nn.RNNBase) -> Cell:
    """'rnn', 'lstm' or 'gru' for a fused module."""
    kinds: dict[str, Cell] = {"RNN_TANH": "rnn", "RNN_RELU": "rnn", "LSTM": "lstm", "GRU": "gru"}
    return kinds[module.mode]


@dataclass
class LayerWeights:
    """One layer's parameters, in PyTorch's layout (gates stacked along dim 0)."""

    weight_ih: Tensor
    weight_hh: Tensor
    bias_ih: Tensor | None
    bias_hh: Tensor | None


def layer_weights(module: nn.RNNBase, layer: int) -> LayerWeights:
    bias = module.bias
    return LayerWeights(
        getattr(module, f"weight_ih_l{layer}"),
        getattr(module, f"weight_hh_l{layer}"),
        getattr(module, f"bias_ih_l{layer}") if bias else None,
        getattr(module, f"bias_hh_l{layer}") if bias else None,
    )


@dataclass
class StepOut:
    """One layer at one timestep: new hidden state, cell state (LSTM) and gate values."""

    h: Tensor
    c: Tensor | None
    gates: dict[str, Tensor]


def cell_step(mode: str, w: LayerWeights, x: Tensor, h: Tensor, c: Tensor | None = None) -> StepOut:
    """One timestep of one layer. ``mode`` is a fused module's mode (e.g. 'LSTM')."""
    gi = F.linear(x, w.weight_ih, w.bias_ih)
    gh = F.linear(h, w.weight_hh, w.bias_hh)
    if mode in ("RNN_TANH", "RNN_RELU"):
        act = torch.tanh if mode == "RNN_TANH" else torch.relu
        return StepOut(act(gi + gh), None, {})
    if mode == "LSTM":
        if c is None:
            raise ValueError("an LSTM step needs the previous cell state c")
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_new = f * c + i * g
        return StepOut(o * torch.tanh(c_new), c_new, {"i": i, "f": f, "g": g, "o": o})
    if mode == "GRU":
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return StepOut((1 - z) * n + z * h, None, {"r": r, "z": z, "n": n})
    raise ValueError(f"unknown recurrent mode {mode!r}")


@dataclass
class LayerStep:
    """What one layer did at one timestep (tensors are graph nodes: retain_grad works)."""

    x: Tensor  # input to this layer
    h_prev: Tensor
    c_prev: Tensor | None
    h: Tensor
    c: Tensor | None
    gates: dict[str, Tensor]


State = Tensor | tuple[Tensor, Tensor]


def zero_state(module: nn.RNNBase, batch: int) -> State:
    weight = module.weight_hh_l0
    assert isinstance(weight, Tensor)
    h = weight.new_zeros(module.num_layers, batch, module.hidden_size)
    return (h, h.clone()) if module.mode == "LSTM" else h


def unroll(
    module: nn.RNNBase,
    x: Tensor,
    state: State | None = None,
    lengths: Tensor | None = None,
) -> tuple[Tensor, State, list[list[LayerStep]]]:
    """Run a batch-first fused module one step at a time.

    x: (B, T, I). state: like the fused module's (h0 or (h0, c0), each (L, B, H)).
    lengths: (B,) true lengths; past its length a row's state is carried unchanged and its
    output is zero, which matches a packed sequence in the fused module.
    Returns output (B, T, H) of the top layer, final state, and steps[t][layer].
    """
    if not module.batch_first:
        raise ValueError("unroll expects a batch_first module")
    batch, seq_len, _ = x.shape
    is_lstm = module.mode == "LSTM"
    state = zero_state(module, batch) if state is None else state
    cs: list[Tensor | None]
    if isinstance(state, tuple):  # LSTM: (h, c)
        hs, cs = list(state[0].unbind(0)), list(state[1].unbind(0))
    else:
        hs, cs = list(state.unbind(0)), [None] * module.num_layers
    weights = [layer_weights(module, k) for k in range(module.num_layers)]
    outputs, steps = [], []
    for t in range(seq_len):
        live = None if lengths is None else (lengths > t).to(x.dtype).unsqueeze(1)
        inp = x[:, t]
        layer_steps = []
        for k, w in enumerate(weights):
            out = cell_step(module.mode, w, inp, hs[k], cs[k])
            h_new, c_new = out.h, out.c
            c_prev = cs[k]
            if live is not None:
                h_new = live * h_new + (1 - live) * hs[k]
                if c_new is not None and c_prev is not None:
                    c_new = live * c_new + (1 - live) * c_prev
            layer_steps.append(LayerStep(inp, hs[k], cs[k], h_new, c_new, out.gates))
            hs[k], cs[k] = h_new, c_new
            inp = h_new
            if k + 1 < module.num_layers and module.dropout and module.training:
                inp = F.dropout(inp, module.dropout, True)
        outputs.append(inp if live is None else inp * live)
        steps.append(layer_steps)
    output = torch.stack(outputs, dim=1) if outputs else x.new_zeros(batch, 0, module.hidden_size)
    h_n = torch.stack(hs, 0)
    final: State = (h_n, torch.stack([c for c in cs if c is not None], 0)) if is_lstm else h_n
    return output, final, steps
