"""The hyperparameters the Setup panel edits: scenario key, label, type, and what a change costs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import Scenario

# What a change does to the running model, from cheapest to dearest:
# "live": applied to the optimizer at once; "settings": same weights, new batches;
# "model": new weights; "data": new data and new weights.
EFFECTS = ("live", "settings", "model", "data")


@dataclass(frozen=True)
class FieldSpec:
    key: str  # dotted scenario key, as in `rnn-tui train --set KEY=VALUE`
    label: str
    kind: type  # int or float
    effect: str
    hint: str


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("model.hidden_size", "hidden size", int, "model", "units per layer, 1-1024"),
    FieldSpec("model.num_layers", "layers", int, "model", "stacked recurrent layers, 1-3"),
    FieldSpec(
        "training.learning_rate",
        "lr",
        float,
        "live",
        "learning rate, e.g. 0.003; [ and ] halve/double it",
    ),
    FieldSpec("training.batch_size", "batch size", int, "settings", "examples per step, 1-4096"),
    FieldSpec(
        "training.max_norm", "max norm", float, "live", "clip the total gradient norm to this"
    ),
    FieldSpec(
        "model.recurrent_init_scale", "init scale", float, "model", "W_hh starts orthogonal x this"
    ),
    FieldSpec("data.params.seq_len", "seq_len", int, "data", "timesteps per example"),
    FieldSpec("training.seed", "seed", int, "data", "same seed, same data and weights"),
)
FIELD_BY_KEY = {spec.key: spec for spec in FIELDS}
EFFECT_OF_KEY = {
    **{spec.key: spec.effect for spec in FIELDS},
    "training.clip": "live",
    "training.steps": "settings",  # the budget of a run: no new model
    "model.cell": "model",
    "model.nonlinearity": "model",
}


def value_at(scenario: Scenario, key: str) -> Any:
    """The scenario's value at a dotted key (None when absent, e.g. no seq_len)."""
    node: Any = scenario
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            return None
    return node


def applicable(scenario: Scenario) -> list[FieldSpec]:
    """The fields this scenario has (seq_len only where its data takes one)."""
    return [spec for spec in FIELDS if value_at(scenario, spec.key) is not None]


def format_value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_field(spec: FieldSpec, text: str) -> Any:
    """The typed value of a field's text; ValueError with a sentence for the user."""
    text = text.strip()
    if not text:
        raise ValueError(f"{spec.label} is empty; {spec.hint}")
    try:
        if spec.kind is int:
            number = float(text)
            if not number.is_integer():
                raise ValueError
            return int(number)
        return float(text)
    except ValueError:
        kind = "a whole number" if spec.kind is int else "a number"
        raise ValueError(f"{spec.label} must be {kind}, not {text!r}; {spec.hint}") from None


def effect_of(changes: dict[str, Any]) -> str:
    """The dearest effect among the changed keys."""
    effects = [EFFECT_OF_KEY.get(key, "data") for key in changes]
    return max(effects, key=EFFECTS.index, default="live")


def check_changes(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """The scenario with ``changes`` validated (bounds included); ScenarioError if not."""
    scenario = scenario.with_changes(changes)
    if any(key.startswith("data.") for key in changes):
        check_data_params(scenario)
    return scenario


def check_data_params(scenario: Scenario) -> None:
    """Validate data.params against the generator's Params (imports the data package)."""
    from pydantic import ValidationError

    from rnn_tui.core.data import GENERATORS, generator_module
    from rnn_tui.core.scenario import describe_errors

    name = scenario.data.generator
    if name is None or name not in GENERATORS:
        return  # file data and unknown generators are checked when the data is built
    try:
        generator_module(name).Params.model_validate(scenario.data.params)
    except ValidationError as error:
        raise ScenarioError(
            describe_errors(error, f"scenario {scenario.name!r}", None, ("data", "params"))
        ) from None
