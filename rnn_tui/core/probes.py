"""Gradient probes: dL/dh_t through time, and per-parameter gradient norms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from rnn_tui.core.data.base import Split
from rnn_tui.core.reports import Float64Array

if TYPE_CHECKING:
    from rnn_tui.core.topologies import RecurrentModel


def gradient_through_time(model: RecurrentModel, batch: Split) -> dict[str, Float64Array]:
    """Per recurrent part, the norm of dL/dh_t for every layer and timestep: (layers, T).

    h_t is a node of the step-by-step graph that feeds both the output at t and the
    recurrence at t+1 (and the layer above), so its gradient is the total derivative,
    not just the direct path from the output at t. The parameters' .grad is untouched.
    """
    with torch.enable_grad():
        forward = model.forward_loss(batch, step_by_step=True)
        nodes = [(part, t, k, layer.h) for part, steps in forward.steps.items()
                 for t, layers in enumerate(steps) for k, layer in enumerate(layers)]
        grads = torch.autograd.grad(forward.loss, [n[3] for n in nodes], allow_unused=True)
    shapes = {part: (len(steps[0]) if steps else 0, len(steps)) for part, steps in forward.steps.items()}
    norms: dict[str, Float64Array] = {part: np.zeros(shape, dtype=np.float64) for part, shape in shapes.items()}
    values = [g.norm() if g is not None else torch.zeros(()) for g in grads]
    flat = torch.stack(values).tolist() if values else []
    for (part, t, k, _), value in zip(nodes, flat, strict=True):
        norms[part][k, t] = value
    return norms


def parameter_grad_norms(parameters: Sequence[tuple[str, Tensor]]) -> tuple[list[float], float]:
    """Each parameter's gradient norm and the total norm (one pass, one sync)."""
    grads = [p.grad for _, p in parameters if p.grad is not None]
    if not grads:
        return [0.0] * len(parameters), 0.0
    per = torch._foreach_norm(grads)
    stacked = torch.stack(per)
    total = torch.linalg.vector_norm(stacked)
    values = torch.cat([stacked, total.unsqueeze(0)]).tolist()
    return values[:-1], values[-1]
