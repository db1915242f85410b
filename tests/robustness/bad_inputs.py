"""The catalogue of bad inputs: each builds its files and returns the `rnn-tui` arguments.

Scenario and data-file cases start from the same small, valid series scenario as
``tests/core/test_scenario_errors.py`` (whose own cases the catalogue test also runs
through the command line) and change one thing; weights cases start from a real
weights file saved from ``sine-waves``.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.core.test_scenario_errors import CSV, GOOD

TSV_TOML = (
    GOOD.replace('topology = "seq2seq"', 'topology = "seq2vec"')
    .replace('file = "series.csv"', 'file = "reviews.tsv"')
    .replace('column = "price"\nseq_len = 5\n', "")
    .replace('metric = "rmse"', 'metric = "accuracy"')
)
TSV = "".join(f"{'good' if i % 2 else 'bad'} film number {i}\t{'pos' if i % 2 else 'neg'}\n" for i in range(40))
GENERATOR_TOML = GOOD.replace('file = "series.csv"', 'generator = "sine"').replace('column = "price"\n', "")
LONG_MEMORY_TOML = (
    GOOD.replace('topology = "seq2seq"', 'topology = "seq2vec"')
    .replace('file = "series.csv"', 'generator = "long-memory"')
    .replace('column = "price"\n', "")
    .replace('metric = "rmse"', 'metric = "accuracy"')
)


@dataclass
class Workspace:
    """Where a case writes its files; ``weights`` is a valid LSTM weights file of sine-waves."""

    tmp: Path
    weights: Path

    def scenario(self, toml: str = GOOD, data: str | bytes | None = CSV, data_name: str = "series.csv") -> str:
        """Write mine.toml (and its data file, unless ``data`` is None) and return its path."""
        if data is not None:
            target = self.tmp / data_name
            target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        path = self.tmp / "mine.toml"
        path.write_text(toml, encoding="utf-8")
        return str(path)

    def tsv(self, data: str | bytes) -> str:
        return self.scenario(TSV_TOML, data, "reviews.tsv")

    def file(self, name: str, content: bytes) -> str:
        path = self.tmp / name
        path.write_bytes(content)
        return str(path)

    def folder(self, name: str) -> str:
        path = self.tmp / name
        path.mkdir()
        return str(path)

    def fifo(self, name: str) -> str:
        """A named pipe. Opening one to read waits for a writer, and to write waits for a reader:
        if the code under test ever does either, a watchdog opens and closes it from the other
        end after a few seconds, so the test fails, not hangs."""
        path = self.tmp / name
        os.mkfifo(path)
        threading.Thread(target=_unblock, args=(path,), daemon=True).start()
        return str(path)


@dataclass(frozen=True)
class Bad:
    """One bad input: what it is, the command that meets it, words its message must hold."""

    id: str
    kind: str  # scenario | data | cli | weights
    argv: Callable[[Workspace], list[str]]
    words: tuple[str, ...]


def train(path: str, *more: str) -> list[str]:
    return ["train", path, "--steps", "1", "--quiet", *more]


def good(old: str, new: str) -> str:
    """GOOD with one change (the old text must be there: a typo here must not pass silently)."""
    assert old in GOOD, old
    return GOOD.replace(old, new)


def safetensors_bytes(header: object, data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


# fmt: off
SCENARIO_CASES = [
    Bad("unterminated string", "scenario", lambda w: train(w.scenario(good('title = "Mine"', 'title = "Mine'))),
        ("mine.toml", "not valid TOML", "line 2")),
    Bad("duplicate key", "scenario", lambda w: train(w.scenario(good("hidden_size = 16", "hidden_size = 16\nhidden_size = 32"))),
        ("mine.toml", "not valid TOML", "line 17")),
    Bad("empty scenario file", "scenario", lambda w: train(w.scenario("")),
        ("mine.toml", "name is missing", "topology is missing", "goal is missing")),
    Bad("binary scenario file", "scenario", lambda w: train(w.file("bin.toml", bytes(range(256)) * 4)),
        ("bin.toml", "not a UTF-8 text file")),
    Bad("NUL bytes in the TOML", "scenario", lambda w: train(w.scenario(good('title = "Mine"', 'title = "Mi\0ne"'))),
        ("mine.toml", "not valid TOML")),
    Bad("scenario path is a directory", "scenario", lambda w: train(str(w.tmp)),
        ("is a directory", "not a scenario file")),
    Bad("scenario is a pipe", "scenario", lambda w: train(w.fifo("pipe.toml")),
        ("pipe.toml", "not a regular file")),
    Bad("scenario of 2 MB", "scenario", lambda w: train(w.scenario(GOOD + "#" * 2_000_000 + "\n")),
        ("mine.toml", "2,000,", "at most 1,000,000 bytes")),
    Bad("float for an integer", "scenario", lambda w: train(w.scenario(good("hidden_size = 16", "hidden_size = 64.5"))),
        ("model.hidden_size", "line 16", "64.5", "integer")),
    Bad("string for a boolean", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", 'clip = "yes"'))),
        ("training.clip", "'yes'", "boolean")),
    Bad("number for a table", "scenario",
        lambda w: train(w.scenario(good('[model]\ncell = "lstm"\nhidden_size = 16\n', "").replace('topology = "seq2seq"', 'topology = "seq2seq"\nmodel = 3'))),
        ("model", "= 3", "dictionary")),
    Bad("name with spaces", "scenario", lambda w: train(w.scenario(good('name = "mine"', 'name = "My Scenario!"'))),
        ("name", "line 1", "'My Scenario!'", "pattern")),
    Bad("too many layers", "scenario", lambda w: train(w.scenario(good("hidden_size = 16", "hidden_size = 16\nnum_layers = 4"))),
        ("model.num_layers", "= 4", "less than or equal to 3")),
    Bad("batch size 0", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "batch_size = 0"))),
        ("training.batch_size", "= 0", "greater than or equal to 1")),
    Bad("batch size a million", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "batch_size = 1000000"))),
        ("training.batch_size", "1000000", "less than or equal to 4096")),
    Bad("zero steps", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "steps = 0"))),
        ("training.steps", "greater than or equal to 1")),
    Bad("eval_every 0", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "eval_every = 0"))),
        ("training.eval_every", "greater than or equal to 1")),
    Bad("NaN learning rate", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "learning_rate = nan"))),
        ("training.learning_rate", "line 19", "nan", "must be a finite number")),
    Bad("infinite max_norm", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "max_norm = inf"))),
        ("training.max_norm", "inf", "must be a finite number")),
    Bad("negative init scale", "scenario", lambda w: train(w.scenario(good("hidden_size = 16", "recurrent_init_scale = -1.0"))),
        ("model.recurrent_init_scale", "-1.0", "greater than 0")),
    Bad("negative seed", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", "seed = -1"))),
        ("training.seed", "-1", "greater than or equal to 0")),
    Bad("integer beyond 64 bits", "scenario", lambda w: train(w.scenario(good("hidden_size = 16", "hidden_size = 99999999999999999999999"))),
        ("model.hidden_size", "99999999999999999999999", "less than or equal to 1024")),
    Bad("negative goal target", "scenario", lambda w: train(w.scenario(good("target = 1.0", "target = -1.0"))),
        ("goal.target", "-1.0", "greater than or equal to 0")),
    Bad("unknown metric", "scenario", lambda w: train(w.scenario(good('metric = "rmse"', 'metric = "f1"'))),
        ("goal.metric", "'f1'", "'accuracy'", "'rmse_ratio'")),
    Bad("topology is a number", "scenario", lambda w: train(w.scenario(good('topology = "seq2seq"', "topology = 1"))),
        ("topology", "line 5", "= 1")),
    Bad("no data table", "scenario", lambda w: train(w.scenario(good('[data]\nfile = "series.csv"\n\n[data.params]\ncolumn = "price"\nseq_len = 5\n', ""))),
        ("mine.toml", "data is missing")),
    Bad("data.params not a table", "scenario",
        lambda w: train(w.scenario(good('file = "series.csv"\n\n[data.params]\ncolumn = "price"\nseq_len = 5\n', 'file = "series.csv"\nparams = 5\n'))),
        ("data.params", "= 5", "dictionary")),
    Bad("empty data.file", "scenario", lambda w: train(w.scenario(good('file = "series.csv"', 'file = ""'))),
        ("data.file", "''", ".csv", ".tsv")),
    Bad("unknown optimizer", "scenario", lambda w: train(w.scenario(good("learning_rate = 0.01", 'optimizer = "rmsprop"'))),
        ("training.optimizer", "'rmsprop'", "'adam'", "'sgd'")),
    Bad("relu with an LSTM", "scenario", lambda w: train(w.scenario(good('cell = "lstm"', 'cell = "lstm"\nnonlinearity = "relu"'))),
        ("mine.toml", "model.nonlinearity", "line 16", "'relu'", 'cell = "rnn" only', "'lstm'")),
    Bad("accuracy target above 1", "scenario", lambda w: train(w.scenario(TSV_TOML.replace("target = 1.0", "target = 95.0"), TSV, "reviews.tsv")),
        ("mine.toml", "goal.target", "line 21", "95.0", "from 0 to 1")),
    Bad("unknown nonlinearity", "scenario", lambda w: train(w.scenario(good('cell = "lstm"', 'cell = "rnn"\nnonlinearity = "sigmoid"'))),
        ("model.nonlinearity", "'sigmoid'", "'tanh'", "'relu'")),
    Bad("a 5,000-character name", "scenario", lambda w: train(w.scenario(good('name = "mine"', f'name = "{"x" * 5000}"'))),
        ("name", "5,002 characters", "pattern")),
    Bad("sequence length 10^6 (generator)", "scenario",
        lambda w: train(w.scenario(LONG_MEMORY_TOML.replace("seq_len = 5", "seq_len = 1000000"), None)),
        ("data.params.seq_len", "1000000", "less than or equal to 1000")),
    Bad("sequence length 0 (generator)", "scenario", lambda w: train(w.scenario(GENERATOR_TOML.replace("seq_len = 5", "seq_len = 0"), None)),
        ("data.params.seq_len", "line 11", "greater than or equal to 2")),
    Bad("two billion timesteps of data", "scenario",
        lambda w: train(w.scenario(GENERATOR_TOML.replace("seq_len = 5", "seq_len = 10000\nn_train = 200000"), None)),
        ("mine.toml", "line 10", "2,003,000,000 timesteps", "at most 10,000,000")),
    Bad("generator params that cannot work together", "scenario",
        lambda w: train("captioning", *_sets("n_colors=2", "n_shapes=2", "n_train=5000", "n_test=2000", "pair_fraction=0.0")),
        ("captioning.toml", "cannot be used together", "raise jitter")),
    Bad("generator param of the wrong type", "scenario",
        lambda w: train(w.scenario(GENERATOR_TOML.replace("seq_len = 5", 'seq_len = 5\nn_train = "many"'), None)),
        ("data.params.n_train", "'many'", "integer")),
]

DATA_CASES = [
    Bad("CSV with only a header", "data", lambda w: train(w.scenario(data="day,price\n")),
        ("series.csv", "has 0 values", "seq_len")),
    Bad("CSV with infinity", "data", lambda w: train(w.scenario(data=CSV + "80,inf\n")),
        ("series.csv", "'inf'", "line 82", "finite")),
    Bad("CSV with an empty cell", "data", lambda w: train(w.scenario(data=CSV + "80,\n")),
        ("series.csv", "line 82", "''", "not a number")),
    Bad("CSV in Latin-1", "data", lambda w: train(w.scenario(data=("day,pr\xefce\n" + CSV.split("\n", 1)[1]).encode("latin-1"))),
        ("series.csv", "not UTF-8")),
    Bad("CSV of blank lines", "data", lambda w: train(w.scenario(data="\n\n   \n")),
        ("series.csv", "is empty")),
    Bad("CSV field over csv's size limit", "data", lambda w: train(w.scenario(data=CSV + "80," + "9" * 200_000 + "\n")),
        ("series.csv", "not valid CSV", "field larger than field limit")),
    Bad("CSV header names a column twice", "data", lambda w: train(w.scenario(data=CSV.replace("day,price", "price,price", 1))),
        ("series.csv", "'price'", "more than once")),
    Bad("CSV of negative prices, anchored", "data", lambda w: train(w.scenario(data=CSV.replace(",10", ",-10"))),
        ("series.csv", "negative", 'anchor = "none"')),
    Bad("CSV of text only", "data", lambda w: train(w.scenario(good('column = "price"\n', ""), "day,name\nmon,ann\ntue,bob\n")),
        ("series.csv", "data.params.column is missing", "day, name")),
    Bad("CSV column of words", "data",
        lambda w: train(w.scenario(good('column = "price"', 'column = "note"'), "day,note\n" + "".join(f"{i},rain\n" for i in range(80)))),
        ("series.csv", "column 'note'", "line 2", "'rain'", "not a number")),
    Bad("data file is a directory", "data", lambda w: w.folder("folder.csv") and train(w.scenario(good('file = "series.csv"', 'file = "folder.csv"'), None)),
        ("folder.csv", "is a directory")),
    Bad("data file is a pipe", "data", lambda w: w.fifo("pipe.csv") and train(w.scenario(good('file = "series.csv"', 'file = "pipe.csv"'), None)),
        ("pipe.csv", "not a regular file")),
    Bad("CSV cut into 15 million timesteps", "data",
        lambda w: train(w.scenario(good("seq_len = 5", "seq_len = 200"), "day,price\n" + "".join(f"{i},{100 + i % 7}\n" for i in range(100_000)))),
        ("series.csv", "timesteps", "raise data.params.stride")),
    Bad("CSV value of 1e308", "data", lambda w: train(w.scenario(data=_replaced(CSV, "\n30,102\n", "\n30,1e308\n"))),
        ("series.csv", "column 'price'", "line 32", "'1e308'", "too large")),
    Bad("CSV of one constant value", "data", lambda w: train(w.scenario(data="day,price\n" + "".join(f"{i},100\n" for i in range(80)))),
        ("series.csv", "column 'price' is constant", "every value is 100")),
    Bad("TSV empty", "data", lambda w: train(w.tsv("")),
        ("reviews.tsv", "0 usable lines", "at least 10")),
    Bad("TSV with three columns", "data", lambda w: train(w.tsv(TSV + "nice film\tpos\textra\n")),
        ("reviews.tsv", "line 41", "3 tab-separated field(s)")),
    Bad("TSV binary", "data", lambda w: train(w.tsv(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
        ("reviews.tsv", "binary")),
    Bad("TSV of five lines", "data", lambda w: train(w.tsv("".join(TSV.splitlines(True)[:5]))),
        ("reviews.tsv", "5 usable lines", "at least 10")),
    Bad("TSV of 150 labels", "data", lambda w: train(w.tsv("".join(f"text {i}\tlabel{i}\n" for i in range(150)))),
        ("reviews.tsv", "150 different labels", "at most 100")),
    Bad("TSV text over max_words", "data", lambda w: train(w.tsv(TSV + "word " * 150 + "\tpos\n")),
        ("reviews.tsv", "line 41", "150 words", "max_words")),
    Bad("TSV in Latin-1", "data", lambda w: train(w.tsv((TSV + "caf\xe9\tpos\n").encode("latin-1"))),
        ("reviews.tsv", "not UTF-8")),
    Bad("TSV with an empty label", "data", lambda w: train(w.tsv(TSV + "a fine film\t  \n")),
        ("reviews.tsv", "line 41", "two non-empty fields")),
    Bad("TSV of one class", "data", lambda w: train(w.tsv(TSV.replace("\tneg", "\tpos"))),
        ("reviews.tsv", "every line has the label 'pos'", "at least two")),
    Bad("TSV with an undeclared header", "data", lambda w: train(w.tsv("review\tlabel\n" + TSV)),
        ("reviews.tsv", "'label'", "looks like a header", "header = true")),
    Bad("TSV for a series topology", "data",
        lambda w: train(w.scenario(good('file = "series.csv"', 'file = "reviews.tsv"').replace('column = "price"\nseq_len = 5\n', ""), TSV, "reviews.tsv")),
        ("reviews.tsv", "topology = 'seq2seq' does not fit", "seq2vec, encoder-decoder")),
]

CLI_CASES = [
    Bad("train without a scenario", "cli", lambda w: ["train"], ("required", "scenario")),
    Bad("unknown option", "cli", lambda w: ["train", "sine-waves", "--bogus"], ("unrecognized arguments", "--bogus")),
    Bad("steps in scientific notation", "cli", lambda w: ["train", "sine-waves", "--steps", "1e3"], ("'1e3'", "not a whole number")),
    Bad("steps 10^11", "cli", lambda w: ["train", "sine-waves", "--steps", "100000000000"], ("--steps", "100,000,000,000", "at most 10,000,000")),
    Bad("seed beyond 32 bits", "cli", lambda w: train("sine-waves", "--seed", "99999999999"), ("training.seed", "99999999999", "less than or equal to")),
    Bad("negative sample", "cli", lambda w: ["trace", "sine-waves", "--sample", "-1", "--json", "-"], ("--sample", "negative")),
    Bad("--set a word for a boolean", "cli", lambda w: train("sine-waves", "--set", "training.clip=maybe"), ("training.clip", "'maybe'", "boolean")),
    Bad("--set sequence length 10^6", "cli", lambda w: train("sine-waves", "--set", "data.params.seq_len=1000000"),
        ("data.params.seq_len", "1000000", "less than or equal to 10000")),
    Bad("--set a table to a number", "cli", lambda w: train("sine-waves", "--set", "model=3"), ("model", "= 3", "dictionary")),
    Bad("--set below a number", "cli", lambda w: train("sine-waves", "--set", "model.hidden_size.x=3"), ("cannot set model.hidden_size.x",)),
    Bad("--set a topology the goal does not fit", "cli", lambda w: train("sine-waves", "--set", "topology=seq2vec"),
        ("rmse_ratio", "does not fit topology 'seq2vec'", "accuracy")),
    Bad("--set an empty value", "cli", lambda w: train("sine-waves", "--set", "training.learning_rate="),
        ("training.learning_rate", "''", "number")),
    Bad("--json under a file", "cli", lambda w: train("sine-waves", "--json", w.file("plain.txt", b"x") + "/out.json"),
        ("--json", "plain.txt", "does not exist")),
    Bad("--json to a device", "cli", lambda w: train("sine-waves", "--json", "/dev/full"),
        ("--json /dev/full", "not a regular file", "'-' for standard output")),
    Bad("--json onto a pipe nobody reads", "cli", lambda w: train("sine-waves", "--json", w.fifo("pipe.json")),
        ("--json", "pipe.json", "not a regular file")),
    Bad("--set relu with --cell gru", "cli", lambda w: train("sine-waves", "--cell", "gru", "--set", "model.nonlinearity=relu"),
        ("model.nonlinearity", "'relu'", 'cell = "rnn" only', "'gru'")),
    Bad("--set an exact-match target of 90", "cli", lambda w: train("translation", "--set", "goal.target=90"),
        ("goal.target", "= 90", "exact_match", "from 0 to 1")),
    Bad("--save onto a pipe", "cli", lambda w: train("sine-waves", "--save", w.fifo("pipe.safetensors")),
        ("--save", "pipe.safetensors", "not a regular file")),
    Bad("--save into a missing folder", "cli", lambda w: train("sine-waves", "--save", str(w.tmp / "no" / "w.safetensors")),
        ("--save", "does not exist")),
    Bad("settings needing hundreds of GB", "cli",
        lambda w: train("sine-waves", "--set", "model.hidden_size=1024", "--set", "model.num_layers=3", "--set", "training.batch_size=4096",
                        *_sets("seq_len=2000", "n_train=1000")),
        ("sine-waves.toml", "GB of memory", "training.batch_size = 4096", "model.hidden_size = 1024")),
    Bad("--port 0", "cli", lambda w: ["serve", "--port", "0"], ("not a port",)),
    Bad("trace --json to a directory", "cli", lambda w: ["trace", "sine-waves", "--json", str(w.tmp)], ("--json", "is a directory")),
    Bad("empty scenario argument", "cli", lambda w: train(""), ("is a directory", "scenario file")),
]

WEIGHTS_CASES = [
    Bad("weights file missing", "weights", lambda w: train("sine-waves", "--load", str(w.tmp / "absent.safetensors")),
        ("absent.safetensors", "no such weights file")),
    Bad("weights path is a directory", "weights", lambda w: train("sine-waves", "--load", str(w.tmp)),
        ("is a directory", "weights file")),
    Bad("weights file empty", "weights", lambda w: train("sine-waves", "--load", w.file("empty.safetensors", b"")),
        ("empty.safetensors", "not an rnn-tui weights file")),
    Bad("weights header is a JSON list", "weights", lambda w: train("sine-waves", "--load", w.file("list.safetensors", safetensors_bytes([1, 2]))),
        ("list.safetensors", "not an rnn-tui weights file")),
    Bad("weights metadata is a string", "weights",
        lambda w: train("sine-waves", "--load", w.file("meta.safetensors", safetensors_bytes({"__metadata__": "rnn-tui"}))),
        ("meta.safetensors", "not an rnn-tui weights file")),
    Bad("weights header claims a terabyte", "weights", lambda w: train("sine-waves", "--load", w.file("huge.safetensors", struct.pack("<Q", 10**12) + b"{}")),
        ("huge.safetensors", "not an rnn-tui weights file")),
    Bad("safetensors from another program", "weights",
        lambda w: train("sine-waves", "--load", w.file("other.safetensors", safetensors_bytes({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4))),
        ("other.safetensors", "not one written by rnn-tui")),
    Bad("LSTM weights into a GRU", "weights", lambda w: train("sine-waves", "--cell", "gru", "--load", str(w.weights)),
        ("another model shape", "lstm", "weight_ih_l0")),
    Bad("weights cut after the header", "weights", lambda w: train("sine-waves", "--load", w.file("cut.safetensors", _header_only(w.weights))),
        ("cut.safetensors", "damaged or truncated")),
    Bad("integer weights", "weights", lambda w: train("sine-waves", "--load", w.file("ints.safetensors", _as_integers(w.weights))),
        ("ints.safetensors", "int32", "floating-point")),
    Bad("weights holding NaN", "weights", lambda w: train("sine-waves", "--load", w.file("nan.safetensors", _with_nan(w.weights))),
        ("nan.safetensors", "NaN or infinite", "finite")),
    Bad("weights file is a pipe", "weights", lambda w: train("sine-waves", "--load", w.fifo("pipe.safetensors")),
        ("pipe.safetensors", "not an rnn-tui weights file")),
]
# fmt: on

CATALOGUE = SCENARIO_CASES + DATA_CASES + CLI_CASES + WEIGHTS_CASES


def _unblock(fifo: Path, after: float = 5.0) -> None:
    time.sleep(after)
    # ENXIO: nobody is reading it, or it is gone: nothing to unblock.
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a blocked reader now reads EOF
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # a blocked writer now meets a closed pipe


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, old  # a typo here must not pass silently
    return text.replace(old, new)


def _sets(*params: str) -> list[str]:
    return [arg for param in params for arg in ("--set", f"data.params.{param}")]


def _with_nan(weights: Path) -> bytes:
    """The same weights with one NaN (as a diverged model that was saved anyway would hold)."""
    from safetensors.torch import load_file, save

    raw = weights.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    tensors = load_file(str(weights))
    name = sorted(tensors)[0]
    tensors[name].view(-1)[0] = float("nan")
    return save(tensors, metadata=json.loads(raw[8 : 8 + size])["__metadata__"])


def _header_only(weights: Path) -> bytes:
    raw = weights.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    return raw[: 8 + size]


def _as_integers(weights: Path) -> bytes:
    """The same file with every tensor declared int32 (same byte sizes, so it parses)."""
    raw = weights.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    for name, entry in header.items():
        if name != "__metadata__":
            entry["dtype"] = "I32"
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + raw[8 + size :]
