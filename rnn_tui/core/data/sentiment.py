"""Generated movie reviews where negation, contrast and distance decide the sentiment (seq2vec)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data import _sentiment_words as words
from rnn_tui.core.data._sentiment_bow import bag_of_words_predictions
from rnn_tui.core.data.base import Dataset, build_text_classification, simple_tokenize

TOPOLOGIES = ("seq2vec",)
CLASS_NAMES = ("negative", "positive")
# Test examples carrying any of these tags form the subset where word order decides.
ORDER_TAGS = ("negation", "contrast")
# Filler tokens after the deciding clause from which a review counts as "distant".
DISTANT_FROM = 12


class Params(BaseModel):
    """The ``[data.params]`` table of the sentiment scenario."""

    model_config = ConfigDict(extra="forbid")

    n_train: int = Field(5000, ge=100, le=100_000)
    n_test: int = Field(1000, ge=100, le=20_000)
    # Longest review in tokens; neutral filler pads reviews up to a random length below it.
    seq_len: int = Field(64, ge=24, le=400)
    # Chance that an opinion clause is negated ("was not good", "never boring").
    negation_rate: float = Field(0.25, ge=0.0, le=1.0)
    # Chance that a review is "A but B" with A and B of opposite polarity (B decides).
    contrast_rate: float = Field(0.25, ge=0.0, le=1.0)


def generate(params: Params, seed: int) -> Dataset:
    """Balanced train and test reviews; no test review appears verbatim in train."""
    rng = np.random.default_rng(seed)
    # Python's Random is several times cheaper than numpy's per single draw, and this
    # draws one word at a time; seeded from the numpy generator, so a seed fixes all.
    py = random.Random(int(rng.integers(2**63)))
    train = _reviews(py, params, params.n_train, exclude=set())
    seen = {tuple(review) for review, _, _ in train}
    test = _reviews(py, params, params.n_test, exclude=seen)
    dataset = build_text_classification(
        "sentiment",
        [(review, label) for review, label, _ in train],
        [(review, label) for review, label, _ in test],
        CLASS_NAMES,
        tokenize=simple_tokenize,
        extras={"test_tags": [tags for _, _, tags in test]},
        notes=(
            "Label 1 (positive) or 0 (negative) comes from the last opinion clause: "
            "negation flips it, and after 'but' only the second clause counts.",
            "Tags: plain, negation, contrast, distant (>= "
            f"{DISTANT_FROM} filler tokens after the opinion).",
        ),
    )
    predictions = bag_of_words_predictions(dataset)
    labels = dataset.test.targets.numpy()
    dataset.baselines["bag_of_words_accuracy"] = float(np.mean(predictions == labels))
    subset = subset_accuracy(dataset, predictions)
    if not math.isnan(subset):  # no negation or contrast at all (both rates 0)
        dataset.baselines["bag_of_words_accuracy_negation_contrast"] = subset
    return dataset


def subset_accuracy(
    dataset: Dataset, predictions: Sequence[int] | np.ndarray, tags: Iterable[str] = ORDER_TAGS
) -> float:
    """Accuracy over the test reviews tagged with any of ``tags`` (NaN if there are none).

    ``predictions`` holds one class id per test example, in the test split's order.
    """
    wanted = set(tags)
    rows = [i for i, t in enumerate(dataset.extras["test_tags"]) if wanted.intersection(t)]
    if not rows:
        return float("nan")
    predicted = np.asarray(predictions).reshape(-1)[rows]
    return float(np.mean(predicted == dataset.test.targets.numpy()[rows]))


def _reviews(
    py: random.Random, params: Params, n: int, exclude: set[tuple[str, ...]]
) -> list[tuple[list[str], int, tuple[str, ...]]]:
    # Exactly balanced labels, in random order.
    labels = [i % 2 for i in range(n)]
    py.shuffle(labels)
    out = []
    for label in labels:
        while True:
            review, tags = _review(py, params, label)
            if tuple(review) not in exclude:
                break
        out.append((review, label, tags))
    return out


def _review(py: random.Random, params: Params, label: int) -> tuple[list[str], tuple[str, ...]]:
    """One review of sentiment ``label``, at most ``seq_len`` tokens, and its tags."""
    while True:
        contrast = py.random() < params.contrast_rate
        core, negated = (_contrast if contrast else _plain)(py, params, label)
        core.append(".")
        if len(core) <= params.seq_len:  # only the longest contrasts can overflow
            break
    tags = ["contrast"] if contrast else []
    if any(negated):
        tags.append("negation")
    if not tags:
        tags.append("plain")
    before, after = _filler(py, params.seq_len - len(core))
    if len(after) >= DISTANT_FROM:
        tags.append("distant")
    return before + core + after, tuple(tags)


def _plain(py: random.Random, params: Params, polarity: int) -> tuple[list[str], list[bool]]:
    """One or two clauses that agree."""
    negate = py.random() < params.negation_rate
    tokens = _clause(py, polarity, negate)
    flags = [negate]
    if py.random() < 0.3:
        negate = py.random() < params.negation_rate
        tokens += ["and", *_clause(py, polarity, negate)]
        flags.append(negate)
    return tokens, flags


def _contrast(py: random.Random, params: Params, polarity: int) -> tuple[list[str], list[bool]]:
    """Clause A of the other polarity, then clause B, which decides."""
    negate_a = py.random() < params.negation_rate
    negate_b = py.random() < params.negation_rate
    early = py.choice(words.EARLY).split() if py.random() < 0.4 else []
    late = py.choice(words.LATE).split() if py.random() < 0.3 else []
    first = _clause(py, 1 - polarity, negate_a) + early
    second = late + _clause(py, polarity, negate_b)
    form = py.randrange(5)
    if form == 0:
        tokens = first + ["but", *second]
    elif form == 1:
        tokens = first + [",", "but", *second]
    elif form == 2:
        tokens = first + ["but", "then", *second]
    elif form == 3:
        tokens = first + [".", "however", ",", *second]
    else:
        tokens = ["although", *first, ",", *second]
    return tokens, [negate_a, negate_b]


def _clause(py: random.Random, polarity: int, negate: bool) -> list[str]:
    """An opinion of ``polarity``, worded with a negation when ``negate``."""
    # A negated clause uses an adjective of the opposite polarity: "not good" is negative.
    pool = words.POSITIVE if polarity != negate else words.NEGATIVE
    adjective = py.choice(pool)
    roll = py.random()
    if not negate and roll < 0.12:
        verbs = words.POSITIVE_VERBS if polarity else words.NEGATIVE_VERBS
        return ["i", *_intensifier(py), py.choice(verbs), "it"]
    if roll < 0.3:
        opening = py.choice(words.WHOLE_FILM_NEGATED if negate else words.WHOLE_FILM).split()
        return opening + ([] if negate else _intensifier(py)) + [adjective]
    subject = py.choice(words.SUBJECTS).split()
    if not negate:
        return subject + [py.choice(words.COPULAS), *_intensifier(py), adjective]
    copula = py.choice(words.NEGATED_COPULAS)
    tokens = subject + copula.split()
    if copula in words.PLAIN_NOT and py.random() < 0.4:
        return tokens + [py.choice(words.NEGATED_INTENSIFIERS), adjective]
    if copula in words.PLAIN_NOT and py.random() < 0.3:
        return tokens + [adjective, "at", "all"]
    return tokens + [adjective]


def _intensifier(py: random.Random) -> list[str]:
    return [py.choice(words.INTENSIFIERS)] if py.random() < 0.35 else []


def _filler(py: random.Random, room: int) -> tuple[list[str], list[str]]:
    """Neutral sentences before and after the opinion, at most ``room`` tokens in all."""
    budget = py.randint(0, max(room, 0))
    before: list[str] = []
    after: list[str] = []
    for _ in range(50):
        sentence = _filler_sentence(py)
        if len(sentence) > budget:
            break
        budget -= len(sentence)
        if py.random() < 0.5:
            before = sentence + before
        else:
            after += sentence
    return before, after


def _filler_sentence(py: random.Random) -> list[str]:
    out: list[str] = []
    for part in py.choice(_FILLER):
        out += py.choice(part) if isinstance(part, tuple) else [part]
    return out


def _split_filler() -> tuple[tuple[str | tuple[list[str], ...], ...], ...]:
    # Templates tokenised once: a plain word, or a slot as a tuple of word lists.
    slots = {key: tuple(v.split() for v in values) for key, values in words.FILLER_SLOTS.items()}
    return tuple(
        tuple(slots[t[1:-1]] if t.startswith("{") else t for t in template.split())
        for template in words.FILLER_TEMPLATES
    )


_FILLER = _split_filler()
