"""What the unrolled-network picture shows: one column per timestep, from a scenario or a trace.

Pure data, no drawing and no torch: the picture can be drawn from the scenario alone
while the engine is still loading, and with the model's real inputs and outputs once a
trace exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rnn_tui.core.vocabulary import CELL_LABELS, Cell, Topology

UNKNOWN_STEPS = 6  # steps drawn for a part whose length only the data decides (captions)
CARRIED: dict[str, str] = {"rnn": "h", "lstm": "h,c", "gru": "h"}
"""What one step hands to the next: the LSTM carries its cell state c beside h."""


@dataclass(frozen=True)
class UnrolledStep:
    """One timestep: the cell reads ``x`` (None: no input) and outputs ``y`` (None: none)."""

    part: str  # "rnn", "encoder" or "decoder"
    t: int  # index within its part, from 0
    x: str | None
    y: str | None


@dataclass(frozen=True)
class UnrolledPlan:
    """The columns of the picture, left to right, and what enters the first state."""

    cell: Cell
    steps: tuple[UnrolledStep, ...]
    start: str  # what sets the first step's state: "h_0", or the input vector (vec2seq)
    open_end: bool = False  # the last part goes on for as long as the data decides
    symbolic: bool = False  # drawn from the scenario alone: x_1, y_1 rather than values
    pinned: tuple[int, ...] = ()  # steps shown even far from the cursor (a lone output)

    @property
    def box(self) -> str:
        """Text in each cell's box: the cell's name (the same weights at every step)."""
        return "RNN" if self.cell == "rnn" else CELL_LABELS[self.cell]

    @property
    def carried(self) -> str:
        return CARRIED[self.cell]

    @cached_property
    def parts(self) -> list[str]:
        """The parts in order: ["rnn"], or ["encoder", "decoder"]. Asked for every label."""
        return list(dict.fromkeys(step.part for step in self.steps))


def _symbolic_steps(
    topology: Topology, seq_len: int | None
) -> tuple[list[UnrolledStep], bool]:
    """x_1, y_1 ... per topology; (steps, open_end)."""
    length = seq_len if seq_len and seq_len > 0 else UNKNOWN_STEPS
    last = length - 1
    if topology == "seq2seq":
        return [UnrolledStep("rnn", t, f"x_{t + 1}", f"y_{t + 1}") for t in range(length)], False
    if topology == "seq2vec":
        return [
            UnrolledStep("rnn", t, f"x_{t + 1}", "y" if t == last else None)
            for t in range(length)
        ], False
    decoder = [
        UnrolledStep("decoder", t, "<bos>" if t == 0 else f"y_{t}", f"y_{t + 1}")
        for t in range(UNKNOWN_STEPS)
    ]
    if topology == "vec2seq":
        return decoder, True
    encoder = [UnrolledStep("encoder", t, f"x_{t + 1}", None) for t in range(length)]
    return encoder + decoder, True


def plan_from_scenario(scenario: Any) -> UnrolledPlan:
    """The picture before any trace: the topology and cell of ``scenario``, symbols for values."""
    seq_len = scenario.data.params.get("seq_len")
    seq_len = seq_len if isinstance(seq_len, int) else None
    steps, open_end = _symbolic_steps(scenario.topology, seq_len)
    start = "x" if scenario.topology == "vec2seq" else "h_0"
    return UnrolledPlan(
        scenario.model.cell, tuple(steps), start, open_end, True, _pins(scenario.topology, steps)
    )


def _pins(topology: str, steps: list[UnrolledStep]) -> tuple[int, ...]:
    """Steps the picture keeps in view: seq2vec's one output at the end; the hand-over
    from encoder to decoder."""
    if topology == "seq2vec":
        return (len(steps) - 1,)
    if topology == "encoder-decoder":
        first_decoder = next(i for i, step in enumerate(steps) if step.part == "decoder")
        return (first_decoder - 1, first_decoder)
    return ()


def short_output(output: str) -> str:
    """A readable column label: "positive 52%" -> "pos 52%", "-0.09494" -> "-0.095"."""
    try:
        return f"{float(output):.3g}"
    except ValueError:
        pass
    name, _, percent = output.rpartition(" ")
    if name and percent.endswith("%"):
        return f"{name[:3]} {percent}"
    return output


def plan_from_trace(trace: Any, vector: str = "x") -> UnrolledPlan:
    """The picture of one traced sample: what each step read and output.

    A sequence-to-vector network outputs only after its last step (its per-step "so
    far" guesses are not outputs of the model). ``vector`` names a vec2seq input.
    """
    steps = []
    for part in trace.parts:
        last = part.seq_len - 1
        for t in range(part.seq_len):
            output: str | None = part.outputs[t] or None
            if part.name == "encoder" or (trace.topology == "seq2vec" and t != last):
                output = None
            steps.append(
                UnrolledStep(
                    part.name,
                    t,
                    short_output(part.labels[t]),
                    None if output is None else short_output(output),
                )
            )
    start = vector if trace.topology == "vec2seq" else "h_0"
    return UnrolledPlan(trace.cell, tuple(steps), start, pinned=_pins(trace.topology, steps))
