"""Scenario files: TOML -> validated ``Scenario``; every error names file, key, line and value."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.toml_lines import line_of_key
from rnn_tui.core.vocabulary import (
    BOUNDED_METRICS,
    CELLS,
    HIGHER_IS_BETTER,
    METRICS_BY_TOPOLOGY,
    TOPOLOGIES,
    Cell,
    Metric,
    Nonlinearity,
    Optimizer,
    Topology,
)

__all__ = ["CELLS", "TOPOLOGIES", "Scenario", "TrainingSpec", "load_scenario"]

DEFAULT_SCENARIO = "sentiment"  # what `rnn-tui` opens with no scenario named
MAX_SCENARIO_BYTES = 1_000_000
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
MAX_SHOWN = 60  # characters of a bad value quoted in an error message


class _Strict(BaseModel):
    # strict: "64" is not an int; extra="forbid": a typo'd key is an error, not ignored.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DataSpec(_Strict):
    generator: str | None = None  # a built-in generator name
    file: str | None = None  # a CSV (series) or TSV (text) file, relative to the scenario
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if (self.generator is None) == (self.file is None):
            raise ValueError("give exactly one of data.generator or data.file")
        return self


class ModelSpec(_Strict):
    cell: Cell = "lstm"
    nonlinearity: Nonlinearity = "tanh"  # vanilla rnn only
    hidden_size: int = Field(64, ge=1, le=1024)
    num_layers: int = Field(1, ge=1, le=3)
    embedding_size: int = Field(32, ge=1, le=1024)  # token inputs and outputs
    # weight_hh starts orthogonal times this: < 1 shrinks, > 1 grows signals through time.
    recurrent_init_scale: float = Field(1.0, gt=0, le=10)
    forget_bias: float = Field(1.0, ge=-10, le=10)  # LSTM forget-gate / GRU update-gate bias at init
    reverse_source: bool = False  # encoder-decoder: read the source backwards


class TrainingSpec(_Strict):
    optimizer: Optimizer = "adam"
    learning_rate: float = Field(0.003, gt=0, le=10)
    momentum: float = Field(0.9, ge=0, lt=1)  # sgd only
    batch_size: int = Field(32, ge=1, le=4096)
    clip: bool = True
    max_norm: float = Field(1.0, gt=0, le=1e6)
    steps: int = Field(1000, ge=1, le=10_000_000)
    eval_every: int = Field(50, ge=1, le=1_000_000)
    eval_size: int = Field(256, ge=1, le=100_000)  # held-out examples per periodic evaluation
    probe_every: int = Field(50, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class GoalSpec(_Strict):
    metric: Metric
    target: float = Field(ge=0, le=1e12)

    @property
    def higher_is_better(self) -> bool:
        return HIGHER_IS_BETTER[self.metric]

    @field_validator("target")
    @classmethod
    def _fraction_at_most_one(cls, target: float, info: ValidationInfo) -> float:
        metric = info.data.get("metric")  # absent when the metric itself was bad
        if metric in BOUNDED_METRICS and target > 1:
            raise ValueError(
                f"{metric} is the fraction of held-out examples right, so its target is from 0 to 1 "
                f"(e.g. 0.9 for 90%)"
            )
        return target

    def reached(self, value: float | None) -> bool:
        if value is None or value != value:  # None or NaN
            return False
        return value >= self.target if self.higher_is_better else value <= self.target


class Scenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str = Field(min_length=1, max_length=80)
    use_case: str = Field(min_length=1, max_length=60)
    summary: str = Field(min_length=1, max_length=200)
    description: str = ""
    topology: Topology
    data: DataSpec
    model: ModelSpec = ModelSpec()
    training: TrainingSpec = TrainingSpec()
    goal: GoalSpec
    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _metric_fits(self) -> Scenario:
        allowed = METRICS_BY_TOPOLOGY[self.topology]
        if self.goal.metric not in allowed:
            raise ValueError(
                f"goal.metric {self.goal.metric!r} does not fit topology {self.topology!r}; "
                f"allowed: {', '.join(allowed)}"
            )
        return self

    @property
    def path(self) -> Path | None:
        """The file this scenario was read from (None if built in code)."""
        return self._path

    @property
    def base_dir(self) -> Path:
        return self._path.parent if self._path else Path.cwd()

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted keys changed (``{"model.cell": "gru"}``), validated again."""
        data = self.model_dump()
        for dotted, value in changes.items():
            *parents, leaf = dotted.split(".")
            table = data
            for key in parents:
                table = table[key]
            table[leaf] = value
        where = f"scenario {self.name!r}"
        try:
            changed = Scenario.model_validate(data)
        except ValidationError as error:
            raise ScenarioError(describe_errors(error, where, None)) from None
        model = changes.get("model")
        if "model.nonlinearity" in changes or (isinstance(model, dict) and "nonlinearity" in model):
            # Asked for now: refuse relu with a gated cell. A cell changed on its own (`c`,
            # --cell) keeps a file's relu for when the cell is rnn again.
            check_nonlinearity(changed, where, None)
        changed._path = self._path
        return changed


def check_nonlinearity(scenario: Scenario, where: str, text: str | None) -> None:
    """Refuse model.nonlinearity = "relu" with an LSTM or GRU, which would silently ignore it."""
    model = scenario.model
    if model.nonlinearity != "relu" or model.cell == "rnn":
        return
    line = line_of_key(text, ["model", "nonlinearity"]) if text else None
    at = f" (line {line})" if line else ""
    raise ScenarioError(
        f"{where}: model.nonlinearity{at} = 'relu' applies to cell = \"rnn\" only, and the cell is "
        f"{model.cell!r}: an LSTM or GRU keeps its own tanh and sigmoid gates; remove "
        f"model.nonlinearity or use cell = \"rnn\"."
    )


def scenarios_dir() -> Path:
    """Where built-in scenarios live: inside the wheel, or the repo's ./scenarios."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "scenarios", package.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    raise ScenarioError(f"built-in scenarios not found in {package / 'scenarios'}")


def builtin_names() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.toml"))


def builtin_scenarios() -> list[Scenario]:
    return [load_scenario(name) for name in builtin_names()]


def resolve(name_or_path: str | Path) -> Path:
    """A built-in scenario's name, or a path to a TOML file, as a path."""
    text = str(name_or_path)
    candidate = Path(text).expanduser()
    if candidate.suffix == ".toml" or candidate.exists() or "/" in text:
        return candidate
    builtin = scenarios_dir() / f"{text}.toml"
    if builtin.exists():
        return builtin
    raise ScenarioError(
        f"no built-in scenario named {text!r} and no such file; built-in scenarios: "
        f"{', '.join(builtin_names())} (or give a path to a .toml file)."
    )


def find_scenario(name_or_path: str | Path) -> Path:
    """Like ``resolve``, but a path must exist: checked before the app opens on it."""
    path = resolve(name_or_path)
    if not path.exists():
        raise _no_such_file(path)
    return path


def _no_such_file(path: Path) -> ScenarioError:
    return ScenarioError(
        f"{path}: no such scenario file; built-in scenarios: {', '.join(builtin_names())} "
        "(or give a path to a .toml file)."
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario; raises ``ScenarioError`` with a readable message."""
    path = resolve(name_or_path)
    text = _read_text(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: this is not valid TOML: {error}.") from None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(describe_errors(error, str(path), text)) from None
    check_nonlinearity(scenario, str(path), text)
    scenario._path = path
    return scenario


def _read_text(path: Path) -> str:
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            # A device or pipe (/dev/zero, a FIFO) would be read forever.
            raise ScenarioError(f"{path}: is not a regular file; a scenario is a TOML text file.")
        if path.is_file() and path.stat().st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{path}: is {path.stat().st_size:,} bytes; a scenario file is small TOML text "
                f"(at most {MAX_SCENARIO_BYTES:,} bytes; put data in a CSV or TSV file)."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise _no_such_file(path) from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, not a scenario file (.toml).") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror}).") from None
    try:
        # utf-8-sig: a byte-order mark, as some editors write, is not an error.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: is not a UTF-8 text file; a scenario is TOML text.") from None


def describe_errors(error: ValidationError, where: str, text: str | None, prefix: tuple[str, ...] = ()) -> str:
    """One paragraph naming every bad key (under ``prefix``) with its line, value and what is allowed."""
    problems = []
    for item in error.errors(include_url=False):
        loc = [*prefix, *(str(p) for p in item["loc"] if not str(p).startswith("function-"))]
        key = ".".join(map(_key_text, loc)) or "(top level)"
        line = line_of_key(text, loc) if text else None
        at = f" (line {line})" if line else ""
        if item["type"] == "missing":
            problems.append(f"{key}{at} is missing")
            continue
        if item["type"] == "extra_forbidden":
            problems.append(f"{key}{at} is not a known key")
            continue
        value = item.get("input")
        shown = _shown(value)
        message = item["msg"].removeprefix("Value error, ")
        if isinstance(value, float) and not math.isfinite(value):
            # "nan: should be less than or equal to 10" would puzzle; say what is wrong.
            problems.append(f"{key}{at} = {shown}: must be a finite number ({_allowed(item, message)})")
        elif loc:
            problems.append(f"{key}{at} = {shown}: {_allowed(item, message)}")
        else:
            problems.append(f"{message}{at}")
    return f"{where}: " + "; ".join(problems) + "."


def _key_text(key: str) -> str:
    """A key as written in TOML: bare when it can be, else quoted (so a newline stays visible)."""
    return key if _BARE_KEY.fullmatch(key) else _shown(key)


def _shown(value: Any) -> str:
    """A bad value as the message shows it: a table by name, anything long cut short."""
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}... ({len(text):,} characters)"


def _allowed(item: ErrorDetails, message: str) -> str:
    if item["type"] == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        return f"not allowed; allowed values are {expected}"
    return message[0].lower() + message[1:]
