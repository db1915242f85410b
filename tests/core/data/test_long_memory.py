"""The long-memory generator: the label is the first token, the rest is balanced noise."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import torch
from pydantic import ValidationError

from rnn_tui.core.data import long_memory
from rnn_tui.core.data.base import simple_tokenize


@pytest.fixture(scope="module")
def dataset():
    return long_memory.generate(long_memory.Params(), seed=0)


def words(dataset, split) -> list[list[str]]:
    return [dataset.source_vocab.decode(row.tolist()) for row in split.inputs]


def test_generation_is_fast_and_deterministic():
    # CPU time, not wall time: this machine is shared, and the budget is about our work.
    start = time.process_time()
    first = long_memory.generate(long_memory.Params(), seed=3)
    seconds = time.process_time() - start
    print(f"long-memory generation at defaults: {seconds:.2f} s of CPU")
    assert seconds < 2.0  # about 0.1 s measured; loose on purpose
    again = long_memory.generate(long_memory.Params(), seed=3)
    other = long_memory.generate(long_memory.Params(), seed=4)
    assert torch.equal(first.train.inputs, again.train.inputs)
    assert torch.equal(first.test.targets, again.test.targets)
    assert not torch.equal(first.train.inputs, other.train.inputs)


def test_shapes_and_lengths(dataset):
    params = long_memory.Params()
    assert dataset.input_kind == "tokens" and dataset.output_kind == "class"
    assert dataset.train.inputs.shape == (params.n_train, params.seq_len)
    assert dataset.test.inputs.shape == (params.n_test, params.seq_len)
    assert dataset.seq_len == params.seq_len
    assert bool((dataset.train.lengths == params.seq_len).all())
    assert dataset.class_names == tuple("abcd")[: params.n_symbols]
    assert dataset.output_size == params.n_symbols
    assert dataset.baselines["chance_accuracy"] == pytest.approx(1 / params.n_symbols)


def test_label_is_the_first_token_and_the_rest_are_distractors(dataset):
    params = long_memory.Params()
    digits = {str(d) for d in range(params.n_distractors)}
    for split in (dataset.train, dataset.test):
        for sequence, label in zip(words(dataset, split), split.targets.tolist(), strict=True):
            assert sequence[0] == dataset.class_names[label]
            assert set(sequence[1:]) <= digits


def test_labels_are_balanced_and_distractors_uninformative(dataset):
    params = long_memory.Params()
    for split in (dataset.train, dataset.test):
        counts = Counter(split.targets.tolist())
        assert max(counts.values()) - min(counts.values()) <= 1
    # The digits after the symbol say nothing about it: each digit's frequency is the
    # same whatever the label (up to sampling noise).
    train = dataset.train
    for label in range(params.n_symbols):
        rows = train.inputs[train.targets == label][:, 1:]
        share = torch.bincount(rows.flatten(), minlength=len(dataset.source_vocab)).float()
        share = share[share > 0] / share.sum()
        assert float(share.max() - share.min()) < 0.01


def test_held_out_sequences_are_new(dataset):
    train = {tuple(row) for row in dataset.train.inputs.tolist()}
    assert not any(tuple(row) in train for row in dataset.test.inputs.tolist())


def test_seq_len_and_alphabet_follow_params():
    small = long_memory.generate(
        long_memory.Params(n_train=200, n_test=50, seq_len=5, n_symbols=3, n_distractors=2), seed=1
    )
    assert small.train.inputs.shape == (200, 5)
    assert set(small.source_vocab.tokens[4:]) == {"a", "b", "c", "0", "1"}
    # Typed text is read with the same tokeniser: "b 1 0 0 1" is five tokens.
    assert small.tokenize("b 1 0 0 1") == simple_tokenize("b 1 0 0 1") == ["b", "1", "0", "0", "1"]


def test_params_are_validated():
    with pytest.raises(ValidationError):
        long_memory.Params(seq_len=1)
    with pytest.raises(ValidationError):
        long_memory.Params(n_symbols=27)
    with pytest.raises(ValidationError):
        long_memory.Params(distractors=3)
