"""From a trace to what the timestep panel draws: bar rows, sequence rows, equation numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_tui.ui.widgets import BarRow

GATE_KINDS = {
    "i": "gate",
    "f": "gate",
    "o": "gate",
    "r": "gate",
    "z": "gate",
    "g": "signed",
    "n": "signed",
}
LABEL_WIDTH = 6  # a class output in the strip: "pos 54" fits; the info line has it in full


def layer_input(part: Any, t: int, layer: int) -> np.ndarray:
    """What layer ``layer`` read at step t: x_t for the first, the layer below's h_t above it."""
    return part.x[t] if layer == 0 else part.h[t, layer - 1]


def bar_rows(trace: Any, part: Any, t: int, layer: int) -> list[BarRow]:
    """x_t, h_{t-1} (c_{t-1}), the gates, (c_t), h_t and dL/dh_t at step t of one layer."""
    h_kind = "state" if trace.nonlinearity == "relu" else "signed"
    rows = [
        BarRow("x_t", layer_input(part, t, layer), "state"),
        BarRow("h_t-1", part.h_prev[t, layer], h_kind),
    ]
    if part.c_prev is not None:
        rows.append(BarRow("c_t-1", part.c_prev[t, layer], "state"))
    rows += [
        BarRow(name, values[t, layer], GATE_KINDS[name]) for name, values in part.gates.items()
    ]
    if part.c is not None:
        rows.append(BarRow("c_t", part.c[t, layer], "state"))
    rows.append(BarRow("h_t", part.h[t, layer], h_kind))
    rows.append(BarRow("∂L/∂h", relative_gradient(part, t, layer), "signed"))
    return rows


def relative_gradient(part: Any, t: int, layer: int) -> np.ndarray:
    """dL/dh_t divided by the largest |dL/dh| of the part at any step, so it lies in [-1, 1].

    Raw gradients are orders of magnitude below 1 and would draw as blank; relative to
    the sequence's largest, stepping back in time shows them fade (vanishing) or grow.
    """
    grad = part.grad_h[:, layer]
    finite = np.abs(grad[np.isfinite(grad)])
    top = float(finite.max()) if finite.size else 0.0
    return part.grad_h[t, layer] / top if top > 0 else part.grad_h[t, layer]


def gradient_norm(part: Any, t: int, layer: int) -> float:
    return float(np.linalg.norm(part.grad_h[t, layer]))


def equation_summary(trace: Any, part: Any, t: int, layer: int) -> dict[str, np.ndarray]:
    """Values per equation symbol (i, f, g, o, c, h / r, z, n, h / h) at step t."""
    values = {name: v[t, layer] for name, v in part.gates.items()}
    if part.c is not None:
        values["c"] = part.c[t, layer]
    values["h"] = part.h[t, layer]
    return values


def _floats(labels: list[str]) -> np.ndarray | None:
    try:
        return np.array([float(label) for label in labels], dtype=np.float64)
    except ValueError:
        return None


def _short(output: str) -> str:
    """A class output "positive 54%" as "pos 54" so the strip stays readable."""
    name, _, percent = output.rpartition(" ")
    if name and percent.endswith("%"):
        return f"{name[:3]} {percent[:-1]}"
    return output[: LABEL_WIDTH + 4]


def strip_rows(
    trace: Any, part: Any, typed: bool = False
) -> tuple[list[tuple[str, Any]], tuple[int, int] | None]:
    """Rows of the sequence strip for one part, and which two rows to compare (or None).

    ``typed``: the user's own input, which has no target to show.
    """
    inputs = _floats(part.labels)
    outputs = _floats([o for o in part.outputs if o]) if any(part.outputs) else None
    if part.name == "decoder" and typed:
        return [("reads", part.labels), ("output", part.outputs)], None
    if part.name == "decoder":
        target = trace.target_text.split() + ["<eos>"]
        return [
            ("reads", part.labels),
            ("target", target[: part.seq_len]),
            ("output", part.outputs),
        ], (1, 2)
    if inputs is not None:
        rows: list[tuple[str, Any]] = [("input", inputs)]
        if outputs is not None and len(outputs) == part.seq_len:
            target = None if typed else _floats(trace.target_text.split())
            if target is not None and len(target) == part.seq_len:
                rows.append(("target", target))
            rows.append(("output", outputs))
        elif any(part.outputs):
            rows.append(("so far", [_short(o) for o in part.outputs]))
        return rows, None
    label = "source" if part.name == "encoder" else "input"
    rows = [(label, part.labels)]
    if any(part.outputs):
        rows.append(("so far", [_short(o) for o in part.outputs]))
    return rows, None
