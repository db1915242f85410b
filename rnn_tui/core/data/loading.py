"""Scenario -> Dataset: find the generator or file loader, validate its params, build."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel, ValidationError

from rnn_tui.core.data import GENERATORS, generator_module
from rnn_tui.core.data.base import Dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import Scenario, describe_errors
from rnn_tui.core.toml_lines import line_of_key

FILE_LOADERS = {".csv": "rnn_tui.core.data.csv_series", ".tsv": "rnn_tui.core.data.tsv_text"}
# Sequences x timesteps in one dataset. At this size a generator takes ~5 s and ~1 GB
# here; far beyond it (sine allows 200,000 x 10,000) memory runs out before an error.
MAX_TIMESTEPS = 10_000_000


def build_dataset(scenario: Scenario) -> Dataset:
    """The scenario's data, validated against its topology; raises ScenarioError."""
    source = _checked_source(scenario)
    if source.path is None:
        return _generate(source.module, source.params, scenario.training.seed, source.where_params)
    loaded: Dataset = source.module.load(
        source.path, source.params, scenario.topology, where=source.where_file
    )
    return loaded


def check_data(scenario: Scenario) -> None:
    """Every check ``build_dataset`` makes before reading or generating any data.

    Cheap (no data built), so a sweep can check all its settings before training any.
    """
    source = _checked_source(scenario)
    if source.path is None:
        _check_generator_size(source.params, source.where_params)


@dataclass(frozen=True)
class _Source:
    module: ModuleType  # the generator or file loader
    params: BaseModel  # its validated ``Params``
    path: Path | None  # the data file, or None for a generator
    where_params: str  # "file (line n)" for messages about data.params
    where_file: str  # "file: data.file = ..." for messages from a file loader


def _checked_source(scenario: Scenario) -> _Source:
    """The generator or loader module and its validated params; raises ScenarioError."""
    spec = scenario.data
    where = str(scenario.path) if scenario.path else f"scenario {scenario.name!r}"
    text = _scenario_text(scenario)
    path = None
    if spec.generator is not None:
        if spec.generator not in GENERATORS:
            raise ScenarioError(
                f"{where}{_line(text, ['data', 'generator'])}: data.generator = {spec.generator!r} is not a "
                f"built-in generator; allowed: {', '.join(sorted(GENERATORS))}."
            )
        module = generator_module(spec.generator)
        label = f"data.generator = {spec.generator!r}"
    elif spec.file is not None:
        # The type comes from the name the user wrote, not a symlink's target (which may
        # have no suffix at all); reading the path still follows the link.
        path = (scenario.base_dir / spec.file).absolute()
        loader = FILE_LOADERS.get(path.suffix.lower())
        if loader is None:
            raise ScenarioError(
                f"{where}{_line(text, ['data', 'file'])}: data.file = {spec.file!r} has an unknown type; "
                "allowed: a .csv file (a numeric time series) or a .tsv file (text<TAB>label, or source<TAB>target)."
            )
        module = importlib.import_module(loader)
        label = f"data.file = {spec.file!r}"
    else:  # the schema already refuses this; said again for a scenario built in code
        raise ScenarioError(f"{where}: give exactly one of data.generator or data.file.")
    if scenario.topology not in module.TOPOLOGIES:
        raise ScenarioError(
            f"{where}{_line(text, ['topology'])}: topology = {scenario.topology!r} does not fit {label}, "
            f"whose data fits: {', '.join(module.TOPOLOGIES)}."
        )
    try:
        params = module.Params.model_validate(spec.params)
    except ValidationError as error:
        raise ScenarioError(describe_errors(error, where, text, ("data", "params"))) from None
    return _Source(module, params, path, f"{where}{_line(text, ['data', 'params'])}",
                   f"{where}: data.file = {spec.file!r}")


def _generate(module: ModuleType, params: BaseModel, seed: int, where: str) -> Dataset:
    _check_generator_size(params, where)
    try:
        generated: Dataset = module.generate(params, seed)
        return generated
    except ValueError as error:  # a generator's word that these params cannot work together
        raise ScenarioError(f"{where}: data.params cannot be used together: {error}.") from None


def _check_generator_size(params: BaseModel, where: str) -> None:
    n_train, n_test, seq_len = (getattr(params, key, None) for key in ("n_train", "n_test", "seq_len"))
    if n_train is not None and seq_len is not None:
        check_timesteps(n_train + (n_test or 0), seq_len, where, "lower data.params.n_train, n_test or seq_len")


def check_timesteps(sequences: int, seq_len: int, where: str, advice: str) -> None:
    """Refuse a dataset too big to hold, before building it."""
    if sequences * seq_len > MAX_TIMESTEPS:
        raise ScenarioError(
            f"{where}: {sequences:,} sequences of {seq_len:,} steps is {sequences * seq_len:,} timesteps; "
            f"at most {MAX_TIMESTEPS:,} are allowed in one dataset ({advice})."
        )


def read_data_file(path: Path, where: str) -> bytes:
    """The bytes of a data file; a directory, device or pipe is an error, not a hang."""
    try:
        if path.exists() and not path.is_file():
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise ScenarioError(f"{where}: is {kind}; give a data file ({path}).")
        return path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{where}: no such file ({path}).") from None
    except OSError as error:
        raise ScenarioError(f"{where}: cannot be read ({error.strerror}).") from None


def _scenario_text(scenario: Scenario) -> str | None:
    try:
        return Path(scenario.path).read_text(encoding="utf-8") if scenario.path else None
    except OSError:
        return None


def _line(text: str | None, loc: list[str]) -> str:
    line = line_of_key(text, loc) if text else None
    return f" (line {line})" if line else ""
