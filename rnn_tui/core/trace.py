"""Per-timestep snapshots of one example under the current weights, as numpy; JSON export."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from rnn_tui.core.cells import GATE_NAMES, cell_kind, layer_weights
from rnn_tui.core.data.base import Dataset, Split
from rnn_tui.core.readable import describe_example, step_labels, step_outputs


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

    @property
    def seq_len(self) -> int:
        return len(self.labels)


@dataclass
class Trace:
    scenario: str
    topology: str
    cell: str
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
        """The documented JSON layout: weights per part and layer, and one entry per step."""
        steps = []
        for part in self.parts:
            for t in range(part.seq_len):
                steps.append({
                    "part": part.name,
                    "t": t,
                    "input": part.labels[t],
                    "output": part.outputs[t],
                    "x": part.x[t].tolist(),
                    "h_prev": part.h_prev[t].tolist(),
                    "c_prev": None if part.c_prev is None else part.c_prev[t].tolist(),
                    "h": part.h[t].tolist(),
                    "c": None if part.c is None else part.c[t].tolist(),
                    "gates": [{g: v[t, k].tolist() for g, v in part.gates.items()} for k in range(self.num_layers)],
                    "grad_h": part.grad_h[t].tolist(),
                })
        return {
            "scenario": self.scenario,
            "topology": self.topology,
            "cell": self.cell,
            "nonlinearity": self.nonlinearity,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "loss": self.loss,
            "input": self.input_text,
            "target": self.target_text,
            "prediction": self.prediction_text,
            "weights": self.weights,
            "steps": steps,
        }


def trace_example(model: torch.nn.Module, dataset: Dataset, example: Split, scenario_name: str = "") -> Trace:
    """Trace a one-example split: states and gates per step, and dL/dh_t for its loss."""
    model.eval()
    with torch.enable_grad():
        forward = model.forward_loss(example, step_by_step=True)
        nodes = [layer.h for steps in forward.steps.values() for layers in steps for layer in layers]
        grads = torch.autograd.grad(forward.loss, nodes, allow_unused=True) if nodes else []
    grad_iter = iter(grads)
    prediction = model.predict(example)
    parts = []
    for name, steps in forward.steps.items():
        part_grads = [[_np(next(grad_iter), like=layer.h) for layer in layers] for layers in steps]
        parts.append(_part_trace(name, steps, part_grads, forward, model, dataset, example))
    first = next(iter(model.parts.values()))
    input_text, target_text, prediction_text = describe_example(dataset, example, prediction)
    model.train()
    return Trace(
        scenario=scenario_name,
        topology=model.topology,
        cell=cell_kind(first),
        nonlinearity=first.nonlinearity if cell_kind(first) == "rnn" else None,
        hidden_size=first.hidden_size,
        num_layers=first.num_layers,
        loss=float(forward.loss.detach()),
        parts=parts,
        input_text=input_text,
        target_text=target_text,
        prediction_text=prediction_text,
        weights={name: export_weights(module) for name, module in model.parts.items()},
    )


def _part_trace(name, steps, grads, forward, model, dataset, example) -> PartTrace:
    kind = cell_kind(model.parts[name])

    def stack(get) -> np.ndarray:
        return np.stack([np.stack([_np(get(layer)) for layer in layers]) for layers in steps])

    labels = step_labels(name, dataset, example, model, len(steps))
    outputs = step_outputs(name, dataset, example, forward.outputs.get(name), len(steps))
    return PartTrace(
        name=name,
        labels=labels,
        outputs=outputs,
        x=np.stack([_np(layers[0].x) for layers in steps]),
        h_prev=stack(lambda s: s.h_prev),
        h=stack(lambda s: s.h),
        c_prev=stack(lambda s: s.c_prev) if kind == "lstm" else None,
        c=stack(lambda s: s.c) if kind == "lstm" else None,
        gates={g: stack(lambda s, g=g: s.gates[g]) for g in GATE_NAMES[kind]},
        grad_h=np.stack([np.stack(row) for row in grads]),
    )


def _np(tensor: torch.Tensor | None, like: torch.Tensor | None = None) -> np.ndarray:
    """First (only) example of a (1, H) tensor as float64 numpy; zeros for an unused node."""
    if tensor is None:
        return np.zeros(like.shape[-1]) if like is not None else np.zeros(0)
    return tensor.detach()[0].double().numpy()


def export_weights(module: torch.nn.RNNBase) -> list[dict[str, Any]]:
    """Per layer, PyTorch's weight_ih/weight_hh/bias_ih/bias_hh as nested lists."""
    layers = []
    for k in range(module.num_layers):
        w = layer_weights(module, k)
        entry = {
            "weight_ih": w.weight_ih.detach().tolist(),
            "weight_hh": w.weight_hh.detach().tolist(),
            "bias_ih": None if w.bias_ih is None else w.bias_ih.detach().tolist(),
            "bias_hh": None if w.bias_hh is None else w.bias_hh.detach().tolist(),
        }
        if cell_kind(module) == "rnn":
            entry["nonlinearity"] = module.nonlinearity
        layers.append(entry)
    return layers

