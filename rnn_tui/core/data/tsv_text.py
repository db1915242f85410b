"""A TSV file of text<TAB>label (seq2vec) or source<TAB>target (encoder-decoder) pairs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data.base import (
    Dataset,
    build_text_classification,
    build_translation,
    simple_tokenize,
)
from rnn_tui.core.data.loading import check_timesteps, read_data_file
from rnn_tui.core.data.text_baselines import (
    bag_of_words_accuracy,
    majority_class_accuracy,
    most_common_output_exact_match,
)
from rnn_tui.core.errors import ScenarioError

TOPOLOGIES = ("seq2vec", "encoder-decoder")
MAX_CLASSES = 100


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    header: bool = False  # is the first line column names?
    test_fraction: float = Field(0.2, ge=0.05, le=0.5)  # rows held out, chosen at random by seed
    # Which rows are held out (not training.seed: changing the model's seed keeps the split).
    seed: int = Field(0, ge=0, le=2**31 - 1)
    max_words: int = Field(100, ge=1, le=10_000)  # longer texts are an error, not cut silently


def read_pairs(path: Path, params: Params, where: str) -> list[tuple[list[str], str]]:
    raw = read_data_file(path, where)
    if b"\0" in raw[:4096]:
        raise ScenarioError(f"{where}: is a binary file, not tab-separated text.")
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: is not UTF-8 text; save it as UTF-8.") from None
    first = 1 if params.header else 0
    pairs = []
    for number, line in enumerate(lines[first:], start=first + 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise ScenarioError(
                f"{where}: line {number} has {len(fields)} tab-separated field(s) ({line[:60]!r}); "
                "every line must be two non-empty fields: text<TAB>label, or source<TAB>target."
            )
        words = simple_tokenize(fields[0])
        if len(words) > params.max_words:
            raise ScenarioError(
                f"{where}: line {number} has {len(words)} words; data.params.max_words = {params.max_words} allows fewer."
            )
        pairs.append((words, fields[1].strip()))
    if len(pairs) < 10:
        raise ScenarioError(f"{where}: has {len(pairs)} usable lines; at least 10 are needed to train and test.")
    return pairs


def load(path: Path, params: Params, topology: str, where: str) -> Dataset:
    pairs = read_pairs(path, params, where)
    longest = max(max(len(words), len(simple_tokenize(target))) for words, target in pairs)
    check_timesteps(len(pairs), longest, where, "use fewer or shorter lines; data.params.max_words caps their length")
    order = np.random.default_rng(params.seed).permutation(len(pairs))
    n_test = max(1, int(len(pairs) * params.test_fraction))
    test = [pairs[i] for i in order[:n_test]]
    train = [pairs[i] for i in order[n_test:]]
    if topology == "encoder-decoder":
        def as_pairs(rows: list[tuple[list[str], str]]) -> list[tuple[list[str], list[str]]]:
            return [(words, simple_tokenize(target)) for words, target in rows]
        dataset = build_translation(path.stem, as_pairs(train), as_pairs(test), tokenize=simple_tokenize)
        dataset.baselines["most_common_output_exact_match"] = most_common_output_exact_match(dataset)
        return dataset
    labels = check_labels(pairs, params, where)
    index = {label: i for i, label in enumerate(labels)}
    def as_rows(rows: list[tuple[list[str], str]]) -> list[tuple[list[str], int]]:
        return [(words, index[label]) for words, label in rows]
    dataset = build_text_classification(path.stem, as_rows(train), as_rows(test), labels, tokenize=simple_tokenize)
    dataset.baselines["majority_class_accuracy"] = majority_class_accuracy(dataset)
    dataset.baselines["bag_of_words_accuracy"] = bag_of_words_accuracy(dataset)
    return dataset


def check_labels(pairs: list[tuple[list[str], str]], params: Params, where: str) -> list[str]:
    """The class names, sorted; refuses a stray header, too many classes, or just one."""
    counts = Counter(label for _, label in pairs)
    first_words, first_label = pairs[0]
    others_repeat = all(n >= 2 for label, n in counts.items() if label != first_label)
    if "header" not in params.model_fields_set and counts[first_label] == 1 and others_repeat:
        # Column names read as data would become a class of one example.
        raise ScenarioError(
            f"{where}: the first line ({' '.join(first_words)[:40]!r} with label {first_label!r}) looks like a "
            f"header: its label appears on no other line, while every other label repeats; set "
            "data.params.header = true to skip it, or header = false to keep it as data."
        )
    labels = sorted(counts)
    if len(labels) > MAX_CLASSES:
        raise ScenarioError(
            f"{where}: the second column has {len(labels)} different labels; at most {MAX_CLASSES} classes "
            "are allowed (is this a translation file? then use topology = \"encoder-decoder\")."
        )
    if len(labels) == 1:
        raise ScenarioError(
            f"{where}: every line has the label {labels[0]!r}; a classifier needs at least two different "
            "labels (with one, any model scores accuracy 1.0 and learns nothing)."
        )
    return labels
