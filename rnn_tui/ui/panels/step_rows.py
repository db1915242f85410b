"""From a trace to what the timestep panel draws: bar rows, sequence rows, equation numbers,
heatmap rows, and the lines of text around them."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_tui.core.vocabulary import GATE_LABELS, GATE_NAMES
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
STATE_LABELS = {"h": "hidden state", "c": "cell state"}
MEMORY_HINT = "a stripe = a unit holding its value = memory"
ROW_HINTS = {
    "h": MEMORY_HINT,
    "c": MEMORY_HINT,
    "i": "near 1: g_t is written into c_t",
    "f": "near 1: c_{t-1} is kept; near 0: forgotten",
    "g": "what may be written into c_t",
    "o": "near 1: c_t shows in h_t",
    "r": "near 0: h_{t-1} is ignored in n_t",
    "z": "near 1: h_{t-1} is kept (memory); near 0: n_t replaces it",
    "n": "what may replace h_{t-1}",
}
"""What a learner should look for in the heatmap of each row."""


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
    label = "reads" if part.name == "encoder" else "input"
    rows = [(label, part.labels)]
    if any(part.outputs):
        rows.append(("so far", [_short(o) for o in part.outputs]))
    return rows, None


# -- the heatmap's row: h, c or a gate, over every step ---------------------------------
def heatmap_rows(cell: str) -> list[str]:
    """The rows the heatmap can show for ``cell``, in the order the key cycles them."""
    return ["h"] + (["c"] if cell == "lstm" else []) + list(GATE_NAMES[cell])  # type: ignore[index]


def row_label(symbol: str) -> str:
    """ "forget gate", "hidden state"... """
    return GATE_LABELS.get(symbol) or STATE_LABELS[symbol]


def row_kind(symbol: str, nonlinearity: str | None) -> str:
    """How a row's values are coloured (see BarRow.kind)."""
    if symbol == "h":
        return "state" if nonlinearity == "relu" else "signed"
    if symbol == "c":
        return "state"
    return GATE_KINDS[symbol]


def row_values(part: Any, symbol: str, layer: int) -> np.ndarray:
    """(units, T) of one row of one layer of ``part``: what the heatmap draws."""
    if symbol == "h":
        values = part.h
    elif symbol == "c":
        values = part.c
    else:
        values = part.gates[symbol]
    return values[:, layer, :].T


def row_scale(arrays: list[np.ndarray], kind: str) -> float:
    """Value drawn at full colour: 1, or for an unbounded row its largest |value| (at least 1)."""
    if kind != "state":
        return 1.0
    finite = [np.abs(a[np.isfinite(a)]) for a in arrays]
    top = max((float(f.max()) for f in finite if f.size), default=1.0)
    return max(1.0, top)


# -- lines of text -----------------------------------------------------------------------
def fit(pieces: list[str], width: int, separator: str = " · ") -> str:
    """The first piece, then as many of the others (in order of importance) as fit."""
    text = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        if piece and len(text) + len(separator) + len(piece) <= width:
            text += separator + piece
    return text


def true_label(trace: Any) -> str | None:
    """The true class of a classification sample, or None (series, sequences, typed input)."""
    if trace.topology != "seq2vec" or not trace.target_text:
        return None
    last = trace.parts[-1].outputs[-1] if trace.parts[-1].outputs else ""
    return None if _floats([last]) is not None else trace.target_text


def source_text(trace: Any, short: bool = False) -> str | None:
    """For an encoder-decoder: the source sentence, and whether the encoder read it backwards
    (``short``: in few words, for a narrow screen)."""
    if trace.topology != "encoder-decoder" or not trace.input_text:
        return None
    words = trace.input_text.split()
    read = trace.part("encoder").labels
    if read == words[::-1] and read != words:
        if short:
            return f"source: {trace.input_text} · read backwards (reverse_source)"
        return (
            f"source: {trace.input_text} · the encoder reads it backwards (reverse_source), "
            "so the first words, which the decoder writes first, are the last it read"
        )
    return f"source: {trace.input_text} · the encoder reads it in order"
