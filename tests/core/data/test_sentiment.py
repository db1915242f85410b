"""The movie-review generator: determinism, balance, labels by rule, and the bag-of-words baseline."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from rnn_tui.core.data import _sentiment_words as words
from rnn_tui.core.data import sentiment
from rnn_tui.core.data.base import SPECIALS, simple_tokenize

POSITIVE = set(words.POSITIVE) | set(words.POSITIVE_VERBS)
NEGATIVE = set(words.NEGATIVE) | set(words.NEGATIVE_VERBS)
NEGATORS = {"not", "wasn't", "isn't", "never", "far", "hardly"}
CLAUSE_BREAKS = {"but", "and", ",", ".", "although", "however"}


@pytest.fixture(scope="module")
def dataset():
    return sentiment.generate(sentiment.Params(), seed=0)


def texts(split, vocab) -> list[list[str]]:
    return [
        vocab.decode(row[:n].tolist()) for row, n in zip(split.inputs, split.lengths, strict=True)
    ]


def rule_label(review: list[str]) -> int:
    """The rules read independently of the generator: the last opinion word decides,
    and a negator earlier in its clause flips it."""
    last = max(i for i, w in enumerate(review) if w in POSITIVE or w in NEGATIVE)
    polarity = int(review[last] in POSITIVE)
    start = last
    while start > 0 and review[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    negated = any(w in NEGATORS for w in review[start:last])
    return polarity ^ int(negated)


def test_generation_is_fast_and_deterministic():
    # CPU time, not wall time: this machine is shared, and the budget is about our work.
    start = time.process_time()
    first = sentiment.generate(sentiment.Params(), seed=3)
    seconds = time.process_time() - start
    print(f"sentiment generation at defaults: {seconds:.2f} s of CPU")
    assert seconds < 3.0  # < 1 s measured; loose on purpose
    again = sentiment.generate(sentiment.Params(), seed=3)
    other = sentiment.generate(sentiment.Params(), seed=4)
    assert torch.equal(first.train.inputs, again.train.inputs)
    assert torch.equal(first.test.targets, again.test.targets)
    assert first.extras["test_tags"] == again.extras["test_tags"]
    assert first.baselines == again.baselines
    assert not torch.equal(first.train.inputs[:100], other.train.inputs[:100])


def test_shapes_vocab_and_lengths(dataset):
    params = sentiment.Params()
    assert len(dataset.train) == params.n_train and len(dataset.test) == params.n_test
    assert len(dataset.source_vocab) - len(SPECIALS) >= 150
    assert dataset.class_names == ("negative", "positive")
    lengths = torch.cat([dataset.train.lengths, dataset.test.lengths])
    assert int(lengths.max()) <= params.seq_len
    # Filler spreads lengths out: short and long reviews both occur.
    assert int(lengths.min()) < 15 and int(lengths.max()) > params.seq_len - 10


def test_seq_len_bounds_review_length():
    short = sentiment.generate(sentiment.Params(n_train=3000, n_test=100, seq_len=24), seed=0)
    assert int(short.train.lengths.max()) <= 24


def test_labels_are_exactly_balanced(dataset):
    for split in (dataset.train, dataset.test):
        assert int(split.targets.sum()) * 2 == len(split)


def test_labels_follow_negation_and_contrast_rules(dataset):
    reviews = texts(dataset.train, dataset.source_vocab)
    labels = dataset.train.targets.tolist()
    assert [rule_label(r) for r in reviews] == labels


def test_negation_flips_a_clause():
    import random

    py = random.Random(0)
    for polarity in (0, 1):
        for _ in range(200):
            plain = sentiment._clause(py, polarity, negate=False)
            negated = sentiment._clause(py, polarity, negate=True)
            assert not NEGATORS & set(plain)
            assert NEGATORS & set(negated)
            # "not good" is negative: a negated clause carries the opposite word.
            assert (POSITIVE if polarity else NEGATIVE) & set(plain)
            assert (NEGATIVE if polarity else POSITIVE) & set(negated)


def test_contrast_clauses_disagree_and_the_second_decides(dataset):
    reviews = texts(dataset.test, dataset.source_vocab)
    tags = dataset.extras["test_tags"]
    checked = 0
    for review, label, tag in zip(reviews, dataset.test.targets.tolist(), tags, strict=True):
        if "contrast" not in tag:
            continue
        # Cut at the start of the last opinion's clause: what remains ends with clause A.
        start = max(i for i, w in enumerate(review) if w in POSITIVE | NEGATIVE)
        while review[start - 1] not in CLAUSE_BREAKS:
            start -= 1
        first_part = review[:start]
        assert rule_label(first_part) != label, review
        checked += 1
    assert checked > 100


def test_filler_is_neutral():
    filler = {w for t in words.FILLER_TEMPLATES for w in t.split()}
    filler |= {w for values in words.FILLER_SLOTS.values() for v in values for w in v.split()}
    assert not filler & (POSITIVE | NEGATIVE | NEGATORS | CLAUSE_BREAKS - {"."})


def test_reviews_survive_simple_tokenize(dataset):
    assert dataset.tokenize is simple_tokenize
    for review in texts(dataset.test, dataset.source_vocab)[:300]:
        assert simple_tokenize(" ".join(review)) == review
    typed = simple_tokenize("The plot was NOT good, but I loved it.")
    assert dataset.source_vocab.unknown(typed) == []


def test_test_split_is_disjoint_from_train(dataset):
    train = {tuple(r) for r in texts(dataset.train, dataset.source_vocab)}
    assert not any(tuple(r) in train for r in texts(dataset.test, dataset.source_vocab))


def test_tags_cover_every_test_review(dataset):
    tags = dataset.extras["test_tags"]
    assert len(tags) == len(dataset.test)
    for tag in tags:
        assert ("plain" in tag) != bool({"negation", "contrast"} & set(tag))
    share = np.mean([bool({"negation", "contrast"} & set(t)) for t in tags])
    assert 0.3 < share < 0.7  # enough of both kinds to score each


def test_bag_of_words_fails_where_order_matters(dataset):
    overall = dataset.baselines["bag_of_words_accuracy"]
    subset = dataset.baselines["bag_of_words_accuracy_negation_contrast"]
    print(f"bag of words: overall {overall:.3f}, negation/contrast {subset:.3f}")
    # Fair on reviews where word order does not matter ...
    predictions = sentiment.bag_of_words_predictions(dataset)
    assert sentiment.subset_accuracy(dataset, predictions, ["plain"]) > 0.85
    # ... near or below chance where it does.
    assert subset < 0.6
    assert overall > subset + 0.15


def test_subset_accuracy(dataset):
    labels = dataset.test.targets.numpy()
    assert sentiment.subset_accuracy(dataset, labels) == 1.0
    assert sentiment.subset_accuracy(dataset, 1 - labels) == 0.0
    assert math.isnan(sentiment.subset_accuracy(dataset, labels, ["no-such-tag"]))
    assert sentiment.subset_accuracy(dataset, torch.as_tensor(labels), ["plain"]) == 1.0


def test_params_are_strict():
    with pytest.raises(ValidationError):
        sentiment.Params(n_trian=10)
    with pytest.raises(ValidationError):
        sentiment.Params(seq_len=5)
