"""Each way a scenario or data file can be wrong gets one clear message naming it."""

import pytest

from rnn_tui.core.data.loading import build_dataset
from rnn_tui.core.errors import ScenarioError
from rnn_tui.core.scenario import load_scenario

GOOD = '''name = "mine"
title = "Mine"
use_case = "test"
summary = "test"
topology = "seq2seq"

[data]
file = "series.csv"

[data.params]
column = "price"
seq_len = 5

[model]
cell = "lstm"
hidden_size = 16

[training]
learning_rate = 0.01

[goal]
metric = "rmse"
target = 1.0
'''
CSV = "day,price\n" + "".join(f"{i},{100 + i % 7}\n" for i in range(80))


def write(tmp_path, toml=GOOD, csv=CSV, name="mine.toml"):
    (tmp_path / "series.csv").write_text(csv, encoding="utf-8")
    path = tmp_path / name
    path.write_text(toml, encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(ScenarioError) as caught:
        build_dataset(load_scenario(path))
    return str(caught.value)


def test_good_file_loads(tmp_path):
    dataset = build_dataset(load_scenario(write(tmp_path)))
    assert dataset.input_kind == "series" and dataset.seq_len == 5


CASES = [
    # (description, change to GOOD, words the message must contain)
    ("unknown key", ("hidden_size = 16", "hidden_size = 16\nhiden = 3"), ["model.hiden", "line 17", "not a known key"]),
    ("wrong type", ("hidden_size = 16", 'hidden_size = "16"'), ["model.hidden_size", "line 16", "'16'", "integer"]),
    ("negative size", ("hidden_size = 16", "hidden_size = -4"), ["model.hidden_size", "-4", "greater than or equal to 1"]),
    ("absurd size", ("hidden_size = 16", "hidden_size = 100000"), ["model.hidden_size", "100000", "less than or equal to 1024"]),
    ("unknown cell", ('cell = "lstm"', 'cell = "transformer"'), ["model.cell", "'transformer'", "'rnn'", "'lstm'", "'gru'"]),
    ("unknown topology", ('topology = "seq2seq"', 'topology = "seq2tree"'), ["topology", "'seq2tree'", "encoder-decoder"]),
    ("zero learning rate", ("learning_rate = 0.01", "learning_rate = 0"), ["training.learning_rate", "greater than 0"]),
    ("missing goal", ('[goal]\nmetric = "rmse"\ntarget = 1.0\n', ""), ["goal", "missing"]),
    ("metric misfit", ('metric = "rmse"', 'metric = "accuracy"'), ["accuracy", "seq2seq", "rmse"]),
    ("seq_len zero", ("seq_len = 5", "seq_len = 0"), ["data.params.seq_len", "line 12", "greater than or equal to 2"]),
    ("seq_len huge", ("seq_len = 5", "seq_len = 1000000"), ["data.params.seq_len", "1000000"]),
    ("unknown data param", ("seq_len = 5", "seq_len = 5\nwindow = 3"), ["data.params.window", "not a known key"]),
    ("both sources", ('file = "series.csv"', 'file = "series.csv"\ngenerator = "sine"'), ["exactly one of data.generator or data.file"]),
    ("unknown generator", ('file = "series.csv"', 'generator = "weather"'), ["data.generator", "'weather'", "sine"]),
    ("missing data file", ('file = "series.csv"', 'file = "nope.csv"'), ["nope.csv", "no such file"]),
    ("unknown file type", ('file = "series.csv"', 'file = "series.xlsx"'), ["series.xlsx", ".csv", ".tsv"]),
    ("topology misfit", ('topology = "seq2seq"\n', 'topology = "seq2vec"\n'), ["seq2vec", "does not fit", "seq2seq"]),
    ("unknown column", ('column = "price"', 'column = "close"'), ["'close'", "day, price"]),
]


@pytest.mark.parametrize(("what", "change", "words"), CASES, ids=[c[0] for c in CASES])
def test_scenario_error_messages(tmp_path, what, change, words):
    toml = GOOD.replace(*change)
    if what == "topology misfit":  # a metric that fits, so the data is what does not
        toml = toml.replace('metric = "rmse"', 'metric = "accuracy"')
    message = error_of(write(tmp_path, toml))
    assert "mine.toml" in message or "series" in message
    for word in words:
        assert word in message, f"{word!r} not in: {message}"
    assert "\n" not in message.strip() and "Traceback" not in message


CSV_CASES = [
    ("text in a number column", "day,price\n1,100\n2,abc\n" + CSV.split("\n", 1)[1], ["'abc'", "line 3", "not a number"]),
    ("NaN value", "day,price\n1,100\n2,nan\n" + CSV.split("\n", 1)[1], ["'nan'", "finite"]),
    ("empty file", "", ["is empty"]),
    ("ragged row", "day,price\n1,100,5\n" + CSV.split("\n", 1)[1], ["line 2", "3 fields", "header has 2"]),
    ("too short", "day,price\n1,100\n2,101\n", ["at least", "seq_len"]),
]


@pytest.mark.parametrize(("what", "csv", "words"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_data_file_error_messages(tmp_path, what, csv, words):
    message = error_of(write(tmp_path, csv=csv))
    assert "series.csv" in message
    for word in words:
        assert word in message, f"{word!r} not in: {message}"


def test_binary_data_file(tmp_path):
    path = write(tmp_path)
    (tmp_path / "series.csv").write_bytes(b"\x00\x01\x02binary")
    assert "binary" in error_of(path)


def test_malformed_toml_names_file_and_line(tmp_path):
    message = error_of(write(tmp_path, GOOD.replace("hidden_size = 16", "hidden_size = = 16")))
    assert "mine.toml" in message and "not valid TOML" in message and "line 16" in message


def test_missing_and_non_utf8_scenario_files(tmp_path):
    assert "no such scenario file" in error_of(tmp_path / "absent.toml")
    bad = tmp_path / "latin.toml"
    bad.write_bytes("name = 'caf\xe9'".encode("latin-1"))
    assert "UTF-8" in error_of(bad)


def test_unknown_builtin_name_lists_the_builtins():
    with pytest.raises(ScenarioError, match="sine-waves"):
        load_scenario("no-such-scenario")


def test_tsv_missing_column(tmp_path):
    (tmp_path / "reviews.tsv").write_text("good film\tpos\njust one column here\n" * 6, encoding="utf-8")
    toml = GOOD.replace('topology = "seq2seq"', 'topology = "seq2vec"').replace(
        'file = "series.csv"', 'file = "reviews.tsv"').replace('column = "price"\nseq_len = 5\n', "").replace(
        'metric = "rmse"', 'metric = "accuracy"')
    message = error_of(write(tmp_path, toml))
    assert "reviews.tsv" in message and "line 2" in message and "two non-empty fields" in message


def test_with_changes_validates():
    scenario = load_scenario("sine-waves")
    assert scenario.with_changes({"model.cell": "gru"}).model.cell == "gru"
    with pytest.raises(ScenarioError, match="model.hidden_size"):
        scenario.with_changes({"model.hidden_size": 0})
