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

Interventions hook in here: a ``StepEdit`` sees every gate right after its activation
(and before the equations read it), then h_t and c_t after the step, and returns the
value the rest of the computation uses. ``step_edits`` makes an edit active for a module
within a block, so every path that runs the module (loss, prediction, greedy decoding)
runs step by step under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

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


# (row, value) -> the value to use instead; row is a gate name, "h" or "c".
RowEdit = Callable[[str, Tensor], Tensor]
# (t, layer, row, value) -> the value to use instead, t counted from 0.
StepEdit = Callable[[int, int, str, Tensor], Tensor]


def _as_is(row: str, value: Tensor) -> Tensor:
    return value


def cell_step(
    mode: str, w: LayerWeights, x: Tensor, h: Tensor, c: Tensor | None = None, edit: RowEdit | None = None
) -> StepOut:
    """One timestep of one layer. ``mode`` is a fused module's mode (e.g. 'LSTM').

    ``edit`` may replace each gate after its activation; the step's equations then use
    the replaced value (a forced f = 0 really empties the cell).
    """
    edit = edit or _as_is
    gi = F.linear(x, w.weight_ih, w.bias_ih)
    gh = F.linear(h, w.weight_hh, w.bias_hh)
    if mode in ("RNN_TANH", "RNN_RELU"):
        act = torch.tanh if mode == "RNN_TANH" else torch.relu
        return StepOut(act(gi + gh), None, {})
    if mode == "LSTM":
        if c is None:
            raise ValueError("an LSTM step needs the previous cell state c")
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        i, f = edit("i", torch.sigmoid(i)), edit("f", torch.sigmoid(f))
        g, o = edit("g", torch.tanh(g)), edit("o", torch.sigmoid(o))
        c_new = f * c + i * g
        return StepOut(o * torch.tanh(c_new), c_new, {"i": i, "f": f, "g": g, "o": o})
    if mode == "GRU":
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = edit("r", torch.sigmoid(i_r + h_r))
        z = edit("z", torch.sigmoid(i_z + h_z))
        n = edit("n", torch.tanh(i_n + r * h_n))
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
    edit: StepEdit | None = None,
    first_step: int = 0,
    keep_steps: bool = True,
) -> tuple[Tensor, State, list[list[LayerStep]]]:
    """Run a batch-first fused module one step at a time.

    x: (B, T, I). state: like the fused module's (h0 or (h0, c0), each (L, B, H)).
    lengths: (B,) true lengths; past its length a row's state is carried unchanged and its
    output is zero, which matches a packed sequence in the fused module.
    edit: replaces gates inside each step and h, c after it (see ``cell_step``); it sees
    t = first_step + the step's index (a decoder fed one word at a time counts on).
    keep_steps: False when only the output and final state are wanted (an intervened
    prediction): holding every step's tensors measured 1.6x slower at B 256, T 100.
    Returns output (B, T, H) of the top layer, final state, and steps[t][layer] (empty
    without keep_steps).
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
        live = None if lengths is None else (lengths > t).unsqueeze(1)
        inp = x[:, t]
        layer_steps = []
        for k, w in enumerate(weights):
            at = None if edit is None else partial(edit, first_step + t, k)
            out = cell_step(module.mode, w, inp, hs[k], cs[k], at)
            h_new, c_new = out.h, out.c
            c_prev = cs[k]
            if at is not None:  # before the length mask: a padded step stays untouched
                h_new = at("h", h_new)
                c_new = None if c_new is None else at("c", c_new)
            if live is not None:
                h_new = torch.where(live, h_new, hs[k])
                if c_new is not None and c_prev is not None:
                    c_new = torch.where(live, c_new, c_prev)
            if keep_steps:
                layer_steps.append(LayerStep(inp, hs[k], cs[k], h_new, c_new, out.gates))
            hs[k], cs[k] = h_new, c_new
            inp = h_new
            if k + 1 < module.num_layers and module.dropout and module.training:
                inp = F.dropout(inp, module.dropout, True)
        outputs.append(inp if live is None else torch.where(live, inp, 0.0))
        if keep_steps:
            steps.append(layer_steps)
    output = torch.stack(outputs, dim=1) if outputs else x.new_zeros(batch, 0, module.hidden_size)
    h_n = torch.stack(hs, 0)
    final: State = (h_n, torch.stack([c for c in cs if c is not None], 0)) if is_lstm else h_n
    return output, final, steps


_ACTIVE_EDITS: ContextVar[Mapping[nn.RNNBase, StepEdit] | None] = ContextVar("step_edits", default=None)


@contextmanager
def step_edits(edits: Mapping[nn.RNNBase, StepEdit]) -> Iterator[None]:
    """Within the block, each module in ``edits`` runs step by step under its edit.

    A context variable rather than an argument threaded through every topology: the
    loss, the prediction and greedy decoding all reach the module through
    ``topologies.run_recurrent``, which asks ``active_edit``. Per thread and per task.
    """
    token = _ACTIVE_EDITS.set({**(_ACTIVE_EDITS.get() or {}), **edits})
    try:
        yield
    finally:
        _ACTIVE_EDITS.reset(token)


def active_edit(module: nn.RNNBase) -> StepEdit | None:
    edits = _ACTIVE_EDITS.get()
    return None if edits is None else edits.get(module)
