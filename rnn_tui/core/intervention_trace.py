"""One example traced with and without interventions: states after, predictions before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from rnn_tui.core.data.base import Dataset, Split
from rnn_tui.core.interventions import (
    Intervention,
    check_intervention,
    intervening,
    parse_intervention,
)
from rnn_tui.core.jsonable import finite
from rnn_tui.core.topologies import RecurrentModel
from rnn_tui.core.trace import Trace, trace_example


@dataclass
class PartEffect:
    """What one part output at every step, without and with the interventions.

    ``kind`` is "probabilities" (values (T, K) over classes or words) or "values"
    ((T, F) predictions in the data's own units).
    """

    part: str
    kind: str
    before: list[str]  # readable, as the trace shows them ("c 97%")
    after: list[str]
    before_values: np.ndarray
    after_values: np.ndarray

    @property
    def shift(self) -> np.ndarray:
        """(T,) how far the output moved: total variation distance between the two
        distributions (0 to 1), or the largest absolute change of a value (data units)."""
        difference = np.abs(self.after_values - self.before_values)
        shift: np.ndarray = 0.5 * difference.sum(-1) if self.kind == "probabilities" else difference.max(-1)
        return shift

    @property
    def changed(self) -> np.ndarray:
        """(T,) whether the answer changed: another top class or word, or another value."""
        changed: np.ndarray
        if self.kind == "probabilities":
            changed = self.before_values.argmax(-1) != self.after_values.argmax(-1)
        else:
            changed = ~np.isclose(self.before_values, self.after_values, rtol=1e-5, atol=1e-8).all(-1)
        return changed


@dataclass
class InterventionTrace:
    """``after`` is the trace under the interventions (states, gates, dL/dh_t, outputs)."""

    interventions: list[Intervention]
    before: Trace
    after: Trace
    effects: list[PartEffect]

    def to_json(self) -> dict[str, Any]:
        """The trace JSON of ``after``, plus the interventions, the loss and prediction
        before, and per part with an output and per step (t from 0) both predictions."""
        effects = []
        for effect in self.effects:
            shift, changed = effect.shift.tolist(), effect.changed.tolist()
            for t in range(len(effect.before)):
                effects.append({
                    "part": effect.part, "t": t, "kind": effect.kind,
                    "before": effect.before[t], "after": effect.after[t],
                    "before_values": effect.before_values[t].tolist(),
                    "after_values": effect.after_values[t].tolist(),
                    "shift": shift[t], "changed": changed[t],
                })
        return {
            **self.after.to_json(),
            "interventions": [iv.to_json() for iv in self.interventions],
            "before": finite({"loss": self.before.loss, "prediction": self.before.prediction_text}),
            "effects": finite(effects),
        }


def trace_intervened(
    model: RecurrentModel,
    dataset: Dataset,
    example: Split,
    interventions: Sequence[Intervention],
    scenario_name: str = "",
) -> InterventionTrace:
    """Trace a one-example split as it is, then again with the sequence re-run under
    ``interventions`` from their first step on (each checked against the model and the
    example's length first)."""
    before = trace_example(model, dataset, example, scenario_name)
    lengths = {part.name: part.seq_len for part in before.parts}
    for iv in interventions:
        check_intervention(iv, model, lengths)
    with intervening(model, interventions):
        after = trace_example(model, dataset, example, scenario_name)
    effects = []
    for b, a in zip(before.parts, after.parts, strict=True):
        if b.output_values is None:
            continue
        if a.output_values is None:  # the same model on the same example: cannot happen
            raise ValueError(f"intervened trace: part {b.name!r} had outputs before the "
                             "interventions and none after")
        effects.append(PartEffect(
            part=b.name,
            kind="values" if dataset.output_kind == "series" else "probabilities",
            before=b.outputs, after=a.outputs,
            before_values=b.output_values, after_values=a.output_values,
        ))
    return InterventionTrace(list(interventions), before, after, effects)


def part_lengths(model: RecurrentModel, example: Split) -> dict[str, int]:
    """How many steps each part runs on a one-example split, as a trace counts them:
    to check an intervention's steps before tracing."""
    with torch.no_grad():
        forward = model.forward_loss(example, step_by_step=True)
    return {name: len(steps) for name, steps in forward.steps.items()}


def parse_for_example(specs: Sequence[str], model: RecurrentModel, example: Split) -> list[Intervention]:
    """Specs (see ``interventions``) checked against the model and this example's length."""
    if not specs:
        return []
    lengths = part_lengths(model, example)
    return [parse_intervention(spec, model, lengths) for spec in specs]
