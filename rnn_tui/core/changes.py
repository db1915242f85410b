"""Changing a scenario's settings: parse, check, and work out what the change costs.

Shared by the command line (``--set KEY=VALUE``) and the app's Setup panel, so both
accept the same keys, refuse the same values with the same sentences, and agree on
whether a change is live (the optimizer takes it at once), needs new batches, new
weights, or new data.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import ModelSpec, Scenario, TrainingSpec, describe_errors
from rnn_tui.core.vocabulary import EFFECTS, Effect

# Training settings the optimizer or the loop take at once, between two steps.
LIVE_TRAINING_KEYS = frozenset({"learning_rate", "clip", "max_norm"})
# Training settings a live trainer cannot take: they shape the run from its start.
REBUILD_TRAINING_KEYS = frozenset({"optimizer", "momentum"})
DATA_PACKAGE = "rnn_tui.core.data"  # the data generators' schemas; importing it imports torch


def parse_setting(item: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with the value read as TOML (so 128, 0.01, true, "gru" all work)."""
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            f"--set {item!r}: expected KEY=VALUE, e.g. --set model.hidden_size=128."
        )
    return key.strip(), parse_value(text)


def parse_value(text: str) -> Any:
    """A value as TOML reads it; a bare word (gru, relu) as itself."""
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def apply_changes(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """The scenario with ``changes`` (dotted keys) applied and validated, data params included.

    ScenarioError with one paragraph naming the key, the value and what is allowed.
    """
    if not changes:
        return scenario
    try:
        changed = scenario.with_changes(changes)
    except (KeyError, TypeError):
        keys = ", ".join(changes)
        raise ScenarioError(
            f"cannot set {keys}: use dotted keys of the scenario file, e.g. model.hidden_size, "
            "training.learning_rate, data.params.seq_len."
        ) from None
    if any(key.startswith("data.") for key in changes):
        check_data_params(changed)
    return changed


def check_data_params(scenario: Scenario) -> None:
    """Validate data.params against the generator's Params (imports the data package)."""
    from rnn_tui.core.data import GENERATORS, generator_module

    name = scenario.data.generator
    if name is None or name not in GENERATORS:
        return  # file data and unknown generators are checked when the data is built
    try:
        generator_module(name).Params.model_validate(scenario.data.params)
    except ValidationError as error:
        raise ScenarioError(
            describe_errors(error, f"scenario {scenario.name!r}", None, ("data", "params"))
        ) from None


def effect_of(old: Scenario, new: Scenario) -> Effect:
    """What going from ``old`` to ``new`` costs a trained model, worked out by comparing them."""
    if (old.data, old.topology, old.training.seed) != (new.data, new.topology, new.training.seed):
        return "data"
    if old.model != new.model or _others_differ(old, new):
        return "model"
    changed = {
        key
        for key in TrainingSpec.model_fields
        if getattr(old.training, key) != getattr(new.training, key)
    }
    if changed & REBUILD_TRAINING_KEYS:
        return "model"
    if changed - LIVE_TRAINING_KEYS:
        return "settings"
    return "live"


def dearest(effects: list[Effect]) -> Effect:
    return max(effects, key=EFFECTS.index, default="live")


def _others_differ(old: Scenario, new: Scenario) -> bool:
    """Anything outside data, model and training (the goal, the name) changed: the trainer
    reads those from its scenario, so it is rebuilt rather than patched."""
    keep = {"data", "model", "training", "topology"}
    fields = [key for key in Scenario.model_fields if key not in keep]
    return any(getattr(old, key) != getattr(new, key) for key in fields)


# -- the fields the Setup panel edits ---------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    key: str  # dotted scenario key, as in `rnn-tui train --set KEY=VALUE`
    label: str
    kind: type  # int or float
    what: str  # what the number means, for the hint


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("model.hidden_size", "hidden size", int, "units per layer"),
    FieldSpec("model.num_layers", "layers", int, "stacked recurrent layers"),
    FieldSpec("training.learning_rate", "lr", float, "learning rate; [ and ] halve/double it"),
    FieldSpec("training.batch_size", "batch size", int, "examples per step"),
    FieldSpec("training.max_norm", "max norm", float, "clip the total gradient norm to this"),
    FieldSpec("model.recurrent_init_scale", "init scale", float, "W_hh starts orthogonal × this"),
    FieldSpec("data.params.seq_len", "seq_len", int, "timesteps per example"),
    FieldSpec("training.seed", "seed", int, "same seed, same data and weights"),
)
FIELD_BY_KEY = {spec.key: spec for spec in FIELDS}


def bounds_text(scenario: Scenario, key: str, import_data: bool = True) -> str:
    """The allowed range of a key, read from the schema's own bounds ("1-1024", "> 0, ≤ 10").

    ``import_data=False``: "" for a data parameter unless the data generators (which import
    torch, seconds) are loaded already; the app's first screen must not wait for them."""
    model = _schema_for(scenario, key, import_data)
    if model is None:
        return ""
    info = model.model_fields.get(key.rsplit(".", 1)[-1])
    if info is None:
        return ""
    limits: dict[str, Any] = {}
    for item in info.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                limits[name] = getattr(item, name)
    if "ge" in limits and "le" in limits and info.annotation is int:
        return f"{limits['ge']:,}-{limits['le']:,}"
    words = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    return ", ".join(f"{words[name]} {value:g}" for name, value in limits.items())


def hint(scenario: Scenario, spec: FieldSpec, import_data: bool = True) -> str:
    """What a field means and its allowed range (``import_data``: see ``bounds_text``)."""
    allowed = bounds_text(scenario, spec.key, import_data)
    return f"{spec.what}, {allowed}" if allowed else spec.what


def _schema_for(
    scenario: Scenario, key: str, import_data: bool = True
) -> type[BaseModel] | None:
    section = key.split(".", 1)[0]
    if section == "model":
        return ModelSpec
    if section == "training":
        return TrainingSpec
    if not import_data and DATA_PACKAGE not in sys.modules:
        return None
    if key.startswith("data.params.") and scenario.data.generator:
        from rnn_tui.core.data import GENERATORS, generator_module

        if scenario.data.generator in GENERATORS:
            params: type[BaseModel] = generator_module(scenario.data.generator).Params
            return params
    return None


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


def parse_field(scenario: Scenario, spec: FieldSpec, text: str) -> Any:
    """The typed value of a field's text; ValueError with a sentence for the user."""
    text = text.strip()
    if not text:
        raise ValueError(f"{spec.label} is empty; {hint(scenario, spec)}")
    try:
        if spec.kind is int:
            number = float(text)
            if not number.is_integer():
                raise ValueError
            return int(number)
        return float(text)
    except ValueError:
        kind = "a whole number" if spec.kind is int else "a number"
        raise ValueError(
            f"{spec.label} must be {kind}, not {text!r}; {hint(scenario, spec)}"
        ) from None


# -- a setup as a command a teacher can hand out -------------------------------------------


def differences(base: Scenario, changed: Scenario) -> dict[str, Any]:
    """The dotted keys whose values differ from ``base`` to ``changed`` (``--set`` items)."""
    out: dict[str, Any] = {}
    _diff(base.model_dump(), changed.model_dump(), "", out)
    return out


def _diff(old: Any, new: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and not prefix.endswith("params."):
        for key in sorted(set(old) | set(new)):
            _diff(old.get(key), new.get(key), f"{prefix}{key}.", out)
    elif isinstance(old, dict) and isinstance(new, dict):  # data.params: a free table
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                out[f"{prefix}{key}"] = new.get(key)
    elif old != new:
        out[prefix.rstrip(".")] = new


def toml_value(value: Any) -> str:
    """A value as ``parse_value`` reads it back (TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def command_line(source: str, base: Scenario, changed: Scenario) -> str:
    """`rnn-tui SOURCE --set KEY=VALUE ...`: opens exactly ``changed`` (seed included)."""
    import shlex

    argv = ["rnn-tui", source]
    for key, value in differences(base, changed).items():
        argv += ["--set", f"{key}={toml_value(value)}"]
    if "training.seed" not in differences(base, changed):
        argv += ["--seed", str(changed.training.seed)]  # said even when unchanged: reproducible
    return shlex.join(argv)
