"""Scenario -> Dataset: find the generator or file loader, validate its params, build."""

from __future__ import annotations

import importlib
from pathlib import Path

from pydantic import ValidationError

from rnn_tui.core.data import GENERATORS, generator_module
from rnn_tui.core.data.base import Dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import Scenario, describe_errors
from rnn_tui.core.toml_lines import line_of_key

FILE_LOADERS = {".csv": "rnn_tui.core.data.csv_series", ".tsv": "rnn_tui.core.data.tsv_text"}


def build_dataset(scenario: Scenario) -> Dataset:
    """The scenario's data, validated against its topology; raises ScenarioError."""
    spec = scenario.data
    where = str(scenario.path) if scenario.path else f"scenario {scenario.name!r}"
    text = _scenario_text(scenario)
    if spec.generator is not None:
        if spec.generator not in GENERATORS:
            raise ScenarioError(
                f"{where}{_line(text, ['data', 'generator'])}: data.generator = {spec.generator!r} is not a "
                f"built-in generator; allowed: {', '.join(sorted(GENERATORS))}."
            )
        module = generator_module(spec.generator)
        label = f"data.generator = {spec.generator!r}"
    else:
        path = (scenario.base_dir / spec.file).resolve()
        loader = FILE_LOADERS.get(path.suffix.lower())
        if loader is None:
            raise ScenarioError(
                f"{where}{_line(text, ['data', 'file'])}: data.file = {spec.file!r} has an unknown type; "
                "allowed: a .csv file (a numeric time series) or a .tsv file (text<TAB>label, or source<TAB>target)."
            )
        module = importlib.import_module(loader)
        label = f"data.file = {spec.file!r}"
    if scenario.topology not in module.TOPOLOGIES:
        raise ScenarioError(
            f"{where}{_line(text, ['topology'])}: topology = {scenario.topology!r} does not fit {label}, "
            f"whose data fits: {', '.join(module.TOPOLOGIES)}."
        )
    try:
        params = module.Params.model_validate(spec.params)
    except ValidationError as error:
        raise ScenarioError(describe_errors(error, where, text, ("data", "params"))) from None
    if spec.generator is not None:
        return module.generate(params, scenario.training.seed)
    return module.load(path, params, scenario.topology, where=f"{where}: data.file = {spec.file!r}")


def _scenario_text(scenario: Scenario) -> str | None:
    try:
        return Path(scenario.path).read_text(encoding="utf-8") if scenario.path else None
    except OSError:
        return None


def _line(text: str | None, loc: list[str]) -> str:
    line = line_of_key(text, loc) if text else None
    return f" (line {line})" if line else ""
