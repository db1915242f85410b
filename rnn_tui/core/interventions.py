"""Interventions: set a unit's h, c or gate over some steps and re-run the rest of the sequence.

The grammar (one intervention per spec)::

    [PART.][layerN.]ROW:UNITS@STEPS=VALUE

    PART   rnn | encoder | decoder (needed only when the model has two parts)
    layerN the layer, counted from 1 as the app shows it (L1 = PyTorch's ``_l0``);
           default layer1
    ROW    h (hidden state), c (LSTM cell state), or a gate of the cell: LSTM i f g o,
           GRU r z n (PyTorch's names and order); a vanilla RNN has h only
    UNITS  a unit index counted from 0 as the heatmap shows it (12), a list (3,7,12),
           a range (0..7, both ends included) or * (every unit)
    STEPS  a step counted from 1 as the app shows it (t=5), a range (5..9), from a step
           to the end of the sequence (5..), or * (every step)
    VALUE  the number the unit is set to: a sigmoid gate (i f o r z) in [0, 1], a tanh
           gate (g n) and h of a tanh cell in [-1, 1], h of a relu RNN >= 0, c any number

    h:12@5=0          unit 12 of h set to 0 after step 5
    h:12@5..=0        ... clamped to 0 from step 5 to the end
    h:12@*=0          ... ablated over every step
    f:*@2=0           every forget gate closed at step 2 (the cell forgets everything)
    decoder.layer2.z:3@1..=1   a GRU decoder's unit 3 of layer 2 keeps its state throughout

Semantics: a forced gate replaces the gate's value after its activation inside the step,
so that step's equations use it (f = 0: c_t = i ⊙ g); a set h or c replaces the state the
step hands on (to the next step, to the layer above and to the output head), after the
step's equations ran: setting c at step t changes h from step t+1, not h_t. Later specs
win where two touch the same unit and step. On a padded batch a row's steps past its
length are left alone, as the packed fused module leaves them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from rnn_tui.core.cells import GATE_NAMES, StepEdit, cell_kind, step_edits
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.topologies import RecurrentModel

GRAMMAR = "[PART.][layerN.]ROW:UNITS@STEPS=VALUE, e.g. h:12@5=0, h:12@5..=0, h:12@*=0 or f:*@2=0"
SIGMOID_GATES = ("i", "f", "o", "r", "z")  # the others (g, n) are tanh
ROW_MEANINGS = {"h": "hidden state", "c": "cell state", "i": "input gate", "f": "forget gate",
                "g": "candidate", "o": "output gate", "r": "reset gate", "z": "update gate",
                "n": "candidate"}
_LAYER = re.compile(r"layer(\d+)")
_INT = re.compile(r"\d+")


class InterventionError(RnnTuiError):
    """An intervention spec that cannot apply to this model."""


@dataclass(frozen=True)
class Intervention:
    """Set ``units`` of ``row`` in one layer of one part to ``value`` at steps first_t..last_t.

    Indices are the engine's, from 0: ``layer``, ``units`` (None = every unit), ``first_t``
    and ``last_t`` (None = to the end of the sequence). ``spec`` is the text it came from.
    """

    part: str
    layer: int
    row: str
    units: tuple[int, ...] | None
    first_t: int
    last_t: int | None
    value: float
    spec: str = ""

    def covers(self, t: int) -> bool:
        return self.first_t <= t and (self.last_t is None or t <= self.last_t)

    def apply(self, values: Tensor) -> Tensor:
        """``values`` (B, H) with this intervention's units set: a new tensor that stays a node
        of the graph (a trace takes dL/dh_t through it; the set units get zero gradient)."""
        if self.units is None:
            index = torch.arange(values.shape[-1], device=values.device)
        else:
            index = torch.tensor(self.units, dtype=torch.long, device=values.device)
        return values.index_fill(-1, index, self.value)

    def describe(self) -> str:
        """In words, with the app's counting (steps and layers from 1), for a status line."""
        units = "every unit" if self.units is None else (
            f"unit {self.units[0]}" if len(self.units) == 1 else f"units {_ranges(self.units)}")
        first = self.first_t + 1
        if self.last_t is None:
            steps = "at every step" if self.first_t == 0 else f"from t={first} to the end"
        elif self.last_t == self.first_t:
            steps = f"at t={first}"
        else:
            steps = f"at t={first}..{self.last_t + 1}"
        return f"{self.part} layer {self.layer + 1}: {ROW_MEANINGS[self.row]} {self.row}, {units}, = {self.value:g} {steps}"

    def to_json(self) -> dict[str, Any]:
        """The parsed form, with the trace JSON's own indices (t and layer from 0)."""
        return {"spec": self.spec, "part": self.part, "layer": self.layer, "row": self.row,
                "units": None if self.units is None else list(self.units),
                "first_t": self.first_t, "last_t": self.last_t, "value": self.value,
                "meaning": self.describe()}


def parse_intervention(text: str, model: RecurrentModel, seq_lens: Mapping[str, int] | None = None) -> Intervention:
    """A spec (see the module docstring) as an ``Intervention`` checked against ``model``.

    ``seq_lens``: part -> number of steps of the sequence it will run on, to check STEPS;
    without it only the grammar, part, layer, row, units and value are checked.
    """
    spec = text.strip()
    left, eq, value_text = spec.rpartition("=")
    target, at, steps_text = left.partition("@")
    where, colon, units_text = target.partition(":")
    if not (eq and at and colon) or not where:
        raise _error(spec, "is not of the form " + GRAMMAR)
    part, layer, row = _where(spec, where, model)
    first_t, last_t = _steps(spec, steps_text.strip())
    units, value = _units(spec, units_text.strip()), _value(spec, value_text.strip())
    intervention = Intervention(part, layer, row, units, first_t, last_t, value, spec)
    check_intervention(intervention, model, seq_lens)
    return intervention


def check_intervention(iv: Intervention, model: RecurrentModel, seq_lens: Mapping[str, int] | None = None) -> None:
    """Raise ``InterventionError`` unless ``iv`` fits ``model`` (and the sequence lengths)."""
    spec = iv.spec or "(built in code)"
    if iv.part not in model.parts:
        raise _error(spec, f"names part {iv.part!r}; this model has {_listed(model.parts)}")
    module = model.parts[iv.part]
    if not 0 <= iv.layer < module.num_layers:
        layers = "only layer1" if module.num_layers == 1 else f"layer1 to layer{module.num_layers}"
        raise _error(spec, f"names layer{iv.layer + 1}; the {iv.part} has {module.num_layers} "
                           f"layer{'s' if module.num_layers > 1 else ''} ({layers})")
    allowed = rows_of(module)
    if iv.row not in allowed:
        raise _error(spec, f"names row {iv.row!r}, which {_cell_name(module)} does not have; its rows are "
                           + ", ".join(f"{r} ({ROW_MEANINGS[r]})" for r in allowed))
    hidden = module.hidden_size
    bad = [u for u in iv.units or () if not 0 <= u < hidden]
    if bad:
        raise _error(spec, f"names unit {bad[0]}; the {iv.part} has {hidden} units per layer (0 to {hidden - 1})")
    low, high = value_range(module, iv.row)
    if not (math.isfinite(iv.value) and low <= iv.value <= high):
        raise _error(spec, f"sets {iv.row} to {iv.value:g}; {ROW_MEANINGS[iv.row]} {iv.row} of {_cell_name(module)} "
                           f"takes values {_interval(low, high)}")
    if iv.last_t is not None and iv.last_t < iv.first_t:
        raise _error(spec, f"has steps {iv.first_t + 1}..{iv.last_t + 1}, which end before they start")
    length = None if seq_lens is None else seq_lens.get(iv.part)
    if length is not None and iv.first_t >= length:
        raise _error(spec, f"starts at t={iv.first_t + 1}, but the {iv.part} runs {length} steps here (t=1 to {length})")
    if length is not None and iv.last_t is not None and iv.last_t >= length:
        raise _error(spec, f"ends at t={iv.last_t + 1}, but the {iv.part} runs {length} steps here (t=1 to {length}); "
                           f"write {iv.first_t + 1}.. to run to the end")


def rows_of(module: nn.RNNBase) -> tuple[str, ...]:
    """The rows an intervention may name for this cell: h, c (LSTM), then its gates."""
    kind = cell_kind(module)
    return ("h", "c", *GATE_NAMES[kind]) if kind == "lstm" else ("h", *GATE_NAMES[kind])


def value_range(module: nn.RNNBase, row: str) -> tuple[float, float]:
    """The values ``row`` can take in this cell: an intervention stays within them."""
    if row in SIGMOID_GATES:
        return 0.0, 1.0
    if row == "c":
        return -math.inf, math.inf
    if row == "h" and module.mode == "RNN_RELU":
        return 0.0, math.inf
    return -1.0, 1.0  # g, n, and h = tanh(...) or o ⊙ tanh(c)


@contextmanager
def intervening(model: RecurrentModel, interventions: Sequence[Intervention]) -> Iterator[None]:
    """Within the block every run of ``model`` (loss, prediction, decoding) is intervened."""
    edits = {model.parts[part]: _step_edit([iv for iv in interventions if iv.part == part])
             for part in dict.fromkeys(iv.part for iv in interventions)}
    with step_edits(edits):
        yield


def _step_edit(interventions: list[Intervention]) -> StepEdit:
    by_row: dict[tuple[int, str], list[Intervention]] = {}
    for iv in interventions:
        by_row.setdefault((iv.layer, iv.row), []).append(iv)

    def edit(t: int, layer: int, row: str, values: Tensor) -> Tensor:
        for iv in by_row.get((layer, row), ()):
            if iv.covers(t):
                values = iv.apply(values)
        return values

    return edit


# -- the grammar's pieces ------------------------------------------------------------

def _where(spec: str, where: str, model: RecurrentModel) -> tuple[str, int, str]:
    """[PART.][layerN.]ROW -> (part, layer from 0, row)."""
    pieces = where.strip().split(".")
    row = pieces.pop()
    part = None
    layer = 0
    for piece in pieces:
        match = _LAYER.fullmatch(piece)
        if match:
            layer = int(match.group(1)) - 1
            if layer < 0:
                raise _error(spec, "names layer0; layers count from 1 as the app shows them (layer1 is the bottom one)")
        elif piece in ("rnn", "encoder", "decoder") and part is None:
            part = piece
        else:
            raise _error(spec, f"has {piece!r} before the row; allowed there are a part "
                               f"({_listed(model.parts)}) and layerN, as in " + GRAMMAR)
    if part is None:
        if len(model.parts) > 1:
            raise _error(spec, f"does not say which part; this model has {_listed(model.parts)}: "
                               f"write e.g. {next(iter(model.parts))}.{spec}")
        part = next(iter(model.parts))
    if not row:
        raise _error(spec, "names no row; rows are h, c (LSTM) or a gate (LSTM i f g o, GRU r z n)")
    return part, layer, row


def _units(spec: str, text: str) -> tuple[int, ...] | None:
    if text == "*":
        return None
    units: list[int] = []
    for item in text.split(","):
        low, dots, high = item.strip().partition("..")
        if not _INT.fullmatch(low) or (dots and not _INT.fullmatch(high)):
            raise _error(spec, f"has units {text!r}; write a unit counted from 0 (12), a list (3,7,12), "
                               "a range (0..7) or * for every unit")
        first, last = int(low), int(high) if dots else int(low)
        if last < first:
            raise _error(spec, f"has the unit range {item.strip()!r}, which ends before it starts")
        units.extend(range(first, last + 1))
    return tuple(dict.fromkeys(units))


def _steps(spec: str, text: str) -> tuple[int, int | None]:
    """STEPS as (first_t, last_t) counted from 0 (last_t None: to the end)."""
    if text == "*":
        return 0, None
    low, dots, high = text.partition("..")
    if not _INT.fullmatch(low) or (dots and high and not _INT.fullmatch(high)):
        raise _error(spec, f"has steps {text!r}; write a step counted from 1 (5), a range (5..9), "
                           "from a step to the end (5..) or * for every step")
    first = int(low)
    last = None if dots and not high else int(high) if dots else first
    if first == 0 or last == 0:
        raise _error(spec, "names step 0; steps count from 1 as the app shows them (t=1 is the first input)")
    return first - 1, None if last is None else last - 1


def _value(spec: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _error(spec, f"sets the value {text!r}, which is not a number") from None
    if not math.isfinite(value):
        raise _error(spec, f"sets the value {text!r}; give a finite number")
    return value


def _error(spec: str, problem: str) -> InterventionError:
    return InterventionError(f"intervention {spec!r} {problem}.")


def _listed(parts: Mapping[str, object]) -> str:
    names = list(parts)
    return f"one part, {names[0]}" if len(names) == 1 else "the parts " + " and ".join(names)


def _cell_name(module: nn.RNNBase) -> str:
    kind = cell_kind(module)
    return "a vanilla RNN" if kind == "rnn" else f"an {kind.upper()}" if kind == "lstm" else f"a {kind.upper()}"


def _interval(low: float, high: float) -> str:
    if math.isinf(low) and math.isinf(high):
        return "any finite number"
    if math.isinf(high):
        return f">= {low:g}"
    return f"from {low:g} to {high:g}"


def _ranges(units: Sequence[int]) -> str:
    """3,4,5,9 -> '3..5, 9'."""
    runs: list[list[int]] = []
    for u in units:
        if runs and u == runs[-1][1] + 1:
            runs[-1][1] = u
        else:
            runs.append([u, u])
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs)
