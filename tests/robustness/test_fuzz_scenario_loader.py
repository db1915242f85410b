"""Fuzzing the scenario loader: any TOML gives a Scenario or a ScenarioError, nothing else.

Three kinds of documents: random nested tables with random keys and values; valid
scenarios (each built-in generator and each file type) with a few keys changed, deleted
or added, so the data builders are reached too; and raw or damaged text. Whatever loads
also goes through ``build_dataset``, which must give a dataset or a ``ScenarioError``.
Data files are fuzzed the same way behind a valid scenario.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rnn_tui.core.data import GENERATORS, generator_module, loading
from rnn_tui.core.data.base import Dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import (
    DataSpec,
    GoalSpec,
    ModelSpec,
    Scenario,
    TrainingSpec,
    load_scenario,
)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Small enough that every dataset a fuzzed document asks for builds in well under a second,
# and the refusal of bigger ones is exercised too.
SMALL_BUDGET = 300_000

CSV = "day,price\n" + "".join(f"{i},{100 + (i * 7) % 13}\n" for i in range(120))
REVIEWS = "".join(f"{'a good' if i % 2 else 'a bad'} film {i}\t{'pos' if i % 2 else 'neg'}\n" for i in range(40))
PAIRS = "".join(f"the cat {i}\tle chat {i}\n" for i in range(40))

BASE = {"name": "fuzz", "title": "Fuzz", "use_case": "test", "summary": "A fuzzed scenario."}
VALID = [
    {"topology": "seq2seq", "data": {"generator": "sine", "params": {"n_train": 40, "n_test": 12, "seq_len": 8}},
     "goal": {"metric": "rmse", "target": 1.0}},
    {"topology": "seq2vec", "data": {"generator": "long-memory", "params": {"n_train": 100, "n_test": 20, "seq_len": 6}},
     "goal": {"metric": "accuracy", "target": 0.9}},
    {"topology": "seq2vec", "data": {"generator": "sentiment", "params": {"n_train": 100, "n_test": 100, "seq_len": 24}},
     "goal": {"metric": "accuracy", "target": 0.9}},
    {"topology": "encoder-decoder", "data": {"generator": "translation", "params": {"n_train": 100, "n_test": 50}},
     "model": {"reverse_source": True}, "goal": {"metric": "exact_match", "target": 0.9}},
    {"topology": "vec2seq", "data": {"generator": "captioning", "params": {"n_train": 100, "n_test": 20}},
     "goal": {"metric": "exact_match", "target": 0.9}},
    {"topology": "seq2seq", "data": {"file": "series.csv", "params": {"column": "price", "seq_len": 5}},
     "goal": {"metric": "rmse_ratio", "target": 1.0}},
    {"topology": "seq2vec", "data": {"file": "reviews.tsv"}, "goal": {"metric": "accuracy", "target": 0.9}},
    {"topology": "encoder-decoder", "data": {"file": "pairs.tsv", "params": {"header": False}},
     "goal": {"metric": "exact_match", "target": 0.9}},
]


def _fields(model) -> list[str]:
    return list(model.model_fields)


PARAM_KEYS = sorted({key for name in GENERATORS for key in _fields(generator_module(name).Params)}
                    | {"column", "stride", "train_fraction", "anchor", "header", "test_fraction", "max_words"})
KNOWN_PATHS = (
    [(key,) for key in _fields(Scenario)]
    + [("data", key) for key in _fields(DataSpec)]
    + [("data", "params", key) for key in PARAM_KEYS]
    + [("model", key) for key in _fields(ModelSpec)]
    + [("training", key) for key in _fields(TrainingSpec)]
    + [("goal", key) for key in _fields(GoalSpec)]
)
# Values that mean something somewhere, so mutations often hit a near miss.
WORDS = ["rnn", "lstm", "gru", "tanh", "relu", "adam", "sgd", "seq2seq", "seq2vec", "vec2seq", "encoder-decoder",
         "accuracy", "exact_match", "rmse", "rmse_ratio", "window", "none", "price", "day", *GENERATORS,
         "series.csv", "reviews.tsv", "pairs.tsv", "missing.csv", "folder.csv", "data.xlsx", "", "../x.csv"]

keys = st.one_of(st.sampled_from([path[-1] for path in KNOWN_PATHS]), st.text(max_size=12))
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-5, max_value=2_000),
    st.integers(),
    st.sampled_from([0, -1, 10**6, 2**31, 2**63, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(WORDS),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
random_documents = st.dictionaries(keys, values, max_size=8)
# Mostly values of the right kind and size, so a changed key often still loads.
plausible = st.one_of(
    st.integers(-3, 1100), st.floats(-1.0, 2.0), st.booleans(), st.sampled_from(WORDS), st.sampled_from(WORDS), values
)


@st.composite
def near_valid_documents(draw) -> dict:
    document = copy.deepcopy({**BASE, **draw(st.sampled_from(VALID))})
    known = st.sampled_from(KNOWN_PATHS)
    paths = st.one_of(known, known, known, st.lists(keys, min_size=1, max_size=3).map(tuple))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(paths)
        table = document
        for key in path[:-1]:
            if not isinstance(table.get(key), dict):
                table[key] = {}
            table = table[key]
        if draw(st.booleans()) and path[-1] in table:
            del table[path[-1]]
        else:
            table[path[-1]] = draw(plausible)
    return document


def to_toml(table: dict, prefix: tuple[str, ...] = ()) -> str:
    """A nested dict as TOML text: scalars and arrays first, then each sub-table."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in table.items() if not isinstance(v, dict)]
    for k, v in table.items():
        if isinstance(v, dict):
            lines.append(f"[{'.'.join(_key(p) for p in (*prefix, k))}]")
            lines.append(to_toml(v, (*prefix, k)))
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):  # inside an array: an inline table
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="module")
def folder():
    """One folder for all examples (hypothesis reuses it), with data files and a folder named like one."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name)
        (path / "series.csv").write_text(CSV, encoding="utf-8")
        (path / "reviews.tsv").write_text(REVIEWS, encoding="utf-8")
        (path / "pairs.tsv").write_text(PAIRS, encoding="utf-8")
        (path / "folder.csv").mkdir()
        yield path


def loads_or_refuses(path: Path, content: bytes) -> str:
    """The property: a Scenario (whose data builds or is refused) or a ScenarioError.

    Returns which of the three happened, for hypothesis's statistics.
    """
    path.write_bytes(content)
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert_one_paragraph(error, path)
        return "refused by the loader"
    assert isinstance(scenario, Scenario)
    with mock.patch.object(loading, "MAX_TIMESTEPS", SMALL_BUDGET):
        try:
            dataset = loading.build_dataset(scenario)
        except ScenarioError as error:
            assert_one_paragraph(error, path)
            return "loaded; data refused"
    assert isinstance(dataset, Dataset) and len(dataset.train) > 0 and len(dataset.test) > 0
    return "loaded; data built"


def assert_one_paragraph(error: ScenarioError, path: Path) -> None:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message, message
    assert str(path) in message, message


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
@FUZZ
@given(random_documents)
def test_random_tables(folder, document):
    event(loads_or_refuses(folder / "random.toml", to_toml(document).encode("utf-8", "surrogatepass")))


@FUZZ
@given(near_valid_documents())
def test_valid_scenarios_with_keys_changed(folder, document):
    event(loads_or_refuses(folder / "near.toml", to_toml(document).encode("utf-8", "surrogatepass")))


@st.composite
def data_params_changed(draw) -> dict:
    """A valid scenario with one to three of its data builder's own params set to plausible values."""
    document = copy.deepcopy({**BASE, **draw(st.sampled_from(VALID))})
    data = document["data"]
    module = generator_module(data["generator"]) if "generator" in data else loading.importlib.import_module(
        loading.FILE_LOADERS[Path(data["file"]).suffix]
    )
    names = sorted(_fields(module.Params))
    params = data.setdefault("params", {})
    for _ in range(draw(st.integers(1, 3))):
        params[draw(st.sampled_from(names))] = draw(
            st.one_of(st.integers(-2, 1200), st.floats(-0.5, 1.5), st.booleans(), st.sampled_from(WORDS))
        )
    return document


@FUZZ
@given(data_params_changed())
def test_data_params_changed(folder, document):
    event(loads_or_refuses(folder / "params.toml", to_toml(document).encode("utf-8")))


def test_the_valid_scenarios_are_valid(folder):
    """The starting points load and build, so near misses really are near."""
    for document in VALID:
        assert loads_or_refuses(folder / "valid.toml", to_toml({**BASE, **document}).encode()) == "loaded; data built"


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.binary()))
def test_raw_text_and_bytes(folder, raw):
    event(loads_or_refuses(folder / "raw.toml", raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VALID), st.integers(0, 10_000), st.integers(0, 40), st.text(max_size=40))
def test_damaged_toml_text(folder, document, at, cut, inserted):
    """Valid TOML with a stretch cut out and random text put in its place."""
    text = to_toml({**BASE, **document})
    at %= len(text)
    damaged = text[:at] + inserted + text[at + cut :]
    event(loads_or_refuses(folder / "damaged.toml", damaged.encode("utf-8", "surrogatepass")))


@st.composite
def damaged_lines(draw) -> str:
    """A valid CSV or TSV with a few lines replaced by random text."""
    lines = draw(st.sampled_from([CSV, REVIEWS, PAIRS])).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        lines[draw(st.integers(0, len(lines) - 1))] = draw(st.text(max_size=30))
    return "\n".join(lines) + "\n"


DATA_SCENARIO = {"series.csv": VALID[5], "reviews.tsv": VALID[6], "pairs.tsv": VALID[7]}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(DATA_SCENARIO)),
    st.one_of(
        st.binary(max_size=300),
        st.text(alphabet=st.sampled_from("0123456789.,-eE\t\n \"abnaif"), max_size=600),
        st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=60).map(
            lambda rows: "".join(f"{a}\t{b}\n" for a, b in rows)
        ),
        damaged_lines(),
    ),
)
def test_fuzzed_data_files(folder, name, content):
    """A valid scenario over a data file of random content: a dataset or a ScenarioError."""
    data_dir = folder / "data"
    data_dir.mkdir(exist_ok=True)
    (data_dir / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    event(loads_or_refuses(data_dir / "scenario.toml", to_toml({**BASE, **DATA_SCENARIO[name]}).encode()))
