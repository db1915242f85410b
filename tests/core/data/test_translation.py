"""The English -> Kelvan generator: determinism, lengths, disjoint splits and the grammar's rules."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import torch
from pydantic import ValidationError

from rnn_tui.core.data import _translation_lexicon as lex
from rnn_tui.core.data import translation
from rnn_tui.core.data.base import simple_tokenize


def words(sentence: str) -> list[str]:
    return sentence.split()


@pytest.fixture(scope="module")
def dataset():
    return translation.generate(translation.Params(), seed=0)


def pairs(dataset, split) -> list[tuple[list[str], list[str]]]:
    sources = [
        dataset.source_vocab.decode(row[:n].tolist())
        for row, n in zip(split.inputs, split.lengths, strict=True)
    ]
    targets = [dataset.target_vocab.decode(row.tolist()) for row in split.targets]
    return list(zip(sources, targets, strict=True))


def test_generation_is_fast_and_deterministic():
    # CPU time, not wall time: this machine is shared, and the budget is about our work.
    start = time.process_time()
    first = translation.generate(translation.Params(), seed=5)
    seconds = time.process_time() - start
    print(f"translation generation at defaults: {seconds:.2f} s of CPU")
    assert seconds < 3.0  # < 1 s measured; loose on purpose
    again = translation.generate(translation.Params(), seed=5)
    other = translation.generate(translation.Params(), seed=6)
    assert torch.equal(first.train.inputs, again.train.inputs)
    assert torch.equal(first.test.targets, again.test.targets)
    assert not torch.equal(first.train.inputs[:50], other.train.inputs[:50])


def test_lengths_span_three_to_seq_len(dataset):
    params = translation.Params()
    assert params.seq_len >= 10
    counts = Counter(dataset.train.lengths.tolist())
    assert set(counts) == set(range(3, params.seq_len + 1))
    # Drawn uniformly by length: no length is rare.
    assert min(counts.values()) > 0.5 * len(dataset.train) / len(counts)
    short = translation.generate(translation.Params(n_train=200, n_test=50, seq_len=6), seed=0)
    assert int(short.train.lengths.max()) == 6


def test_every_word_of_the_grammar_is_in_the_vocabularies(dataset):
    assert set(lex.ALL) <= set(dataset.source_vocab.tokens)
    assert set(lex.ALL.values()) <= set(dataset.target_vocab.tokens)
    # Two English words never share a Kelvan word, so translation is recoverable.
    assert len(set(lex.ALL.values())) == len(lex.ALL)


def test_targets_end_with_eos_and_keep_word_count(dataset):
    for source, target in pairs(dataset, dataset.test):
        assert len(target) == len(source)


def test_held_out_sentences_are_new_and_distinct(dataset):
    train = {tuple(s) for s, _ in pairs(dataset, dataset.train)}
    test = [tuple(s) for s, _ in pairs(dataset, dataset.test)]
    assert len(set(test)) == len(test)
    assert not train & set(test)


def test_translate_applies_the_rules():
    english = words("the big dog never sees a small cat near the old house")
    assert translation.translate(english) == (
        words("vanu gros ka mirel pik li domo alda ka apu ne vidat")
    )
    assert translation.translate(words("my fish swims")) == ["okku", "mo", "nagat"]
    assert translation.translate(words("a girl waits under this green tree")) == (
        words("sela li arbo verd sa nali atendat")
    )


@pytest.mark.parametrize(
    "sentence", ["", "dog sees", "the dog", "the dog sees the", "the purple dog sleeps"]
)
def test_translate_rejects_sentences_outside_the_grammar(sentence):
    with pytest.raises(ValueError, match="not a sentence of the grammar"):
        translation.translate(words(sentence))


def test_every_target_is_verb_final_with_adjectives_after_nouns(dataset):
    verbs = set(lex.TRANSITIVE.values()) | set(lex.INTRANSITIVE.values())
    nouns = set(lex.AGENTS.values()) | set(lex.PLACES.values())
    adjectives = set(lex.ADJECTIVES.values())
    for source, target in pairs(dataset, dataset.test):
        assert target[-1] in verbs
        assert ("never" in source) == (target[-2] == "ne")
        for before, word in zip(target[:-1], target[1:], strict=True):
            if word in adjectives:
                assert before in nouns | adjectives
        assert target == translation.translate(source)


def test_sentences_survive_tokenize(dataset):
    assert dataset.tokenize is translation.tokenize
    for source, _ in pairs(dataset, dataset.test)[:200]:
        assert simple_tokenize(" ".join(source)) == source
        assert dataset.tokenize(" ".join(source)) == source
    typed = dataset.tokenize("The old King never Sees a dragon.")
    assert typed == words("the old king never sees a dragon")
    assert dataset.source_vocab.unknown(typed) == ["dragon"]


def test_notes_state_the_rules(dataset):
    assert any("verb last" in note for note in dataset.notes)


def test_params_are_strict():
    with pytest.raises(ValidationError):
        translation.Params(seq_len=30)
    with pytest.raises(ValidationError):
        translation.Params(lenght=5)
