"""Per-timestep snapshots of one example under the current weights, as numpy; JSON export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from rnn_tui.core.cells import GATE_NAMES, LayerStep, cell_kind, layer_weights
from rnn_tui.core.data.base import Dataset, Split
from rnn_tui.core.jsonable import finite, finite_rows
from rnn_tui.core.readable import describe_example, step_labels, step_outputs, step_values
from rnn_tui.core.topologies import Forward, RecurrentModel
from rnn_tui.core.vocabulary import Cell, Topology


@dataclass
class PartTrace:
    """One recurrent part ("rnn", "encoder" or "decoder") over its timesteps.

    Arrays are (T, layers, hidden) unless noted; ``x`` is (T, input) as fed to layer 0.
    """

    name: str
    labels: list[str]  # what was read at each step, readable ("good", "0.53", "<bos>")
    outputs: list[str]  # what the model output at each step, readable ("" if nothing)
    x: np.ndarray
    h_prev: np.ndarray
    h: np.ndarray
    c_prev: np.ndarray | None
    c: np.ndarray | None
    gates: dict[str, np.ndarray]  # gate name -> (T, layers, hidden)
    grad_h: np.ndarray  # dL/dh_t, the total derivative through the recurrence
    # The numbers behind ``outputs``: (T, K) probabilities or (T, F) values; None if no output.
    output_values: np.ndarray | None = None

    @property
    def seq_len(self) -> int:
        return len(self.labels)


@dataclass
class Trace:
    scenario: str
    topology: Topology
    cell: Cell
    nonlinearity: str | None
    hidden_size: int
    num_layers: int
    loss: float
    parts: list[PartTrace]
    input_text: str
    target_text: str
    prediction_text: str
    weights: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def part(self, name: str) -> PartTrace:
        return next(p for p in self.parts if p.name == name)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON layout: weights per part and layer, and one entry per step.

        Non-finite numbers (a loss of inf, NaN states from diverged weights) are None, so
        ``json.dumps`` writes null and the file stays JSON for every parser.
        """
        steps = []
        for part in self.parts:
            x, h_prev, h, grad_h = (finite_rows(a) for a in (part.x, part.h_prev, part.h, part.grad_h))
            c_prev, c = (None if a is None else finite_rows(a) for a in (part.c_prev, part.c))
            gates = {g: finite_rows(v) for g, v in part.gates.items()}
            for t in range(part.seq_len):
                steps.append({
                    "part": part.name,
                    "t": t,
                    "input": part.labels[t],
                    "output": part.outputs[t],
                    "x": x[t].tolist(),
                    "h_prev": h_prev[t].tolist(),
                    "c_prev": None if c_prev is None else c_prev[t].tolist(),
                    "h": h[t].tolist(),
                    "c": None if c is None else c[t].tolist(),
                    "gates": [{g: v[t, k].tolist() for g, v in gates.items()} for k in range(self.num_layers)],
                    "grad_h": grad_h[t].tolist(),
                })
        return {
            "scenario": self.scenario,
            "topology": self.topology,
            "cell": self.cell,
            "nonlinearity": self.nonlinearity,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "loss": finite(self.loss),
            "input": self.input_text,
            "target": self.target_text,
            "prediction": self.prediction_text,
            "weights": self.weights,
            "steps": steps,
        }


def trace_example(model: RecurrentModel, dataset: Dataset, example: Split, scenario_name: str = "") -> Trace:
    """Trace a one-example split: states and gates per step, and dL/dh_t for its loss."""
    model.eval()
    with torch.enable_grad():
        forward = model.forward_loss(example, step_by_step=True)
        nodes = [layer.h for steps in forward.steps.values() for layers in steps for layer in layers]
        grads = torch.autograd.grad(forward.loss, nodes, allow_unused=True) if nodes else []
    # An unused node (e.g. a decoder step after the loss's last target) has no gradient: zeros.
    grads = [torch.zeros_like(h) if g is None else g for g, h in zip(grads, nodes, strict=True)]
    prediction = model.predict(example)
    parts = []
    start = 0
    for name, steps in forward.steps.items():
        count = sum(len(layers) for layers in steps)
        parts.append(_part_trace(name, steps, grads[start : start + count], forward, model, dataset, example))
        start += count
    first = next(iter(model.parts.values()))
    input_text, target_text, prediction_text = describe_example(dataset, example, prediction)
    model.train()
    return Trace(
        scenario=scenario_name,
        topology=model.topology,
        cell=cell_kind(first),
        nonlinearity=first.nonlinearity if isinstance(first, torch.nn.RNN) else None,
        hidden_size=first.hidden_size,
        num_layers=first.num_layers,
        loss=float(forward.loss.detach()),
        parts=parts,
        input_text=input_text,
        target_text=target_text,
        prediction_text=prediction_text,
        weights={name: export_weights(module) for name, module in model.parts.items()},
    )


def _part_trace(
    name: str,
    steps: list[list[LayerStep]],
    grads: list[torch.Tensor],
    forward: Forward,
    model: RecurrentModel,
    dataset: Dataset,
    example: Split,
) -> PartTrace:
    kind = cell_kind(model.parts[name])
    seq_len, layers = len(steps), len(steps[0]) if steps else 0

    def stack(get: Callable[[LayerStep], torch.Tensor]) -> np.ndarray:
        return _np_steps([get(layer) for per_step in steps for layer in per_step], seq_len, layers)

    def stack_gate(gate: str) -> np.ndarray:
        return stack(lambda s: s.gates[gate])

    labels = step_labels(name, dataset, example, model, len(steps))
    outputs = step_outputs(name, dataset, example, forward.outputs.get(name), len(steps))
    return PartTrace(
        name=name,
        labels=labels,
        outputs=outputs,
        x=_np_steps([per_step[0].x for per_step in steps], seq_len, 1)[:, 0],
        h_prev=stack(lambda s: s.h_prev),
        h=stack(lambda s: s.h),
        c_prev=stack(lambda s: _cell_state(s.c_prev)) if kind == "lstm" else None,
        c=stack(lambda s: _cell_state(s.c)) if kind == "lstm" else None,
        gates={g: stack_gate(g) for g in GATE_NAMES[kind]},
        grad_h=_np_steps(grads, seq_len, layers),
        output_values=step_values(dataset, example, forward.outputs.get(name), len(steps)),
    )


def _cell_state(c: torch.Tensor | None) -> torch.Tensor:
    """An LSTM step's c or c_prev, which the step-by-step cell maths always records."""
    if c is None:
        raise ValueError("an LSTM layer step has no cell state c: the cell maths did not record it")
    return c


def _np_steps(tensors: list[torch.Tensor], seq_len: int, layers: int) -> np.ndarray:
    """(T, layers, width) float64 numpy of the first (only) example of T*layers (1, width) tensors.

    One torch.stack and one conversion, not one per tensor: at T = 1,000 an LSTM trace
    has 8,000 such tensors.
    """
    if not tensors:
        return np.zeros((seq_len, layers, 0))
    with torch.no_grad():  # cheaper than a detach() per tensor
        stacked = torch.stack(tensors)[:, 0]
    return stacked.double().numpy().reshape(seq_len, layers, -1)


def export_weights(module: torch.nn.RNNBase) -> list[dict[str, Any]]:
    """Per layer, PyTorch's weight_ih/weight_hh/bias_ih/bias_hh as nested lists (NaN as None)."""
    layers = []
    for k in range(module.num_layers):
        w = layer_weights(module, k)
        entry = {
            "weight_ih": finite(w.weight_ih.detach().numpy()),
            "weight_hh": finite(w.weight_hh.detach().numpy()),
            "bias_ih": None if w.bias_ih is None else finite(w.bias_ih.detach().numpy()),
            "bias_hh": None if w.bias_hh is None else finite(w.bias_hh.detach().numpy()),
        }
        if cell_kind(module) == "rnn":
            entry["nonlinearity"] = module.nonlinearity
        layers.append(entry)
    return layers

