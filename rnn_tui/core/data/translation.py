"""English -> Kelvan, an invented verb-final language, as a generated parallel corpus (encoder-decoder)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data import _translation_lexicon as lex
from rnn_tui.core.data.base import Dataset, build_translation, simple_tokenize

TOPOLOGIES = ("encoder-decoder",)
MIN_LEN = 3  # "the dog sleeps"
MAX_ADJECTIVES = 2  # per noun phrase
RULES = (
    "Kelvan: subject, object, place phrase, then the verb last; adjectives follow their "
    "noun and the article closes the noun phrase ('the big dog' -> 'vanu gros ka'); "
    "prepositions come after their noun phrase; 'never' becomes 'ne' just before the verb."
)

# A sentence's shape: adjectives on the subject, "never" or not, adjectives on the
# object (None: no object, intransitive verb), adjectives in the place phrase (None: none).
Shape = tuple[int, bool, int | None, int | None]


class Params(BaseModel):
    """The ``[data.params]`` table of the translation scenario."""

    model_config = ConfigDict(extra="forbid")

    n_train: int = Field(6000, ge=100, le=200_000)
    n_test: int = Field(500, ge=50, le=20_000)
    # Longest English sentence in words; lengths are drawn uniformly from 3 to this.
    seq_len: int = Field(10, ge=5, le=15)
    # Chance that a sentence says "never" (moved to just before the verb in Kelvan).
    never_rate: float = Field(0.2, ge=0.0, le=1.0)


def generate(params: Params, seed: int) -> Dataset:
    """Distinct held-out pairs first, then training pairs that avoid every held-out sentence."""
    rng = np.random.default_rng(seed)
    # Python's Random is much cheaper per single draw; seeded from numpy, so still fixed.
    py = random.Random(int(rng.integers(2**63)))
    shapes = _shapes_by_length(params.seq_len)
    held_out: set[tuple[str, ...]] = set()
    test = [_pair(py, params, shapes, avoid=held_out, remember=True) for _ in range(params.n_test)]
    train = [_pair(py, params, shapes, avoid=held_out) for _ in range(params.n_train)]
    return build_translation(
        "translation",
        train,
        test,
        tokenize=tokenize,
        notes=(RULES,),
    )


def tokenize(text: str) -> list[str]:
    """``simple_tokenize`` without punctuation: sentences here have none, so a typed
    full stop should not be reported as an unknown word."""
    return [word for word in simple_tokenize(text) if word[0].isalnum()]


def translate(english: list[str]) -> list[str]:
    """The Kelvan for a sentence of the grammar, by its rules (the reference answer).

    Raises ``ValueError`` for a sentence the grammar cannot produce.
    """
    try:
        return _translate(english)
    except (KeyError, ValueError, StopIteration, IndexError):
        raise ValueError(f"not a sentence of the grammar: {' '.join(english)!r}") from None


def _translate(english: list[str]) -> list[str]:
    subject, never, verb, obj, place = _parse(english)
    out = _noun_phrase(subject) + _noun_phrase(obj)
    if place:
        out += _noun_phrase(place[1:]) + [lex.PREPOSITIONS[place[0]]]
    if never:
        out.append(lex.NEVER["never"])
    return out + [lex.TRANSITIVE.get(verb) or lex.INTRANSITIVE[verb]]


def _parse(english: list[str]) -> tuple[list[str], bool, str, list[str], list[str]]:
    """Subject, never, verb, object and place phrase of an English sentence of the grammar."""
    verbs = lex.TRANSITIVE.keys() | lex.INTRANSITIVE.keys()
    v = next(i for i, w in enumerate(english) if w in verbs)
    never = english[v - 1] == "never"
    subject = english[: v - 1 if never else v]
    rest = english[v + 1 :]
    p = next((i for i, w in enumerate(rest) if w in lex.PREPOSITIONS), len(rest))
    return subject, never, english[v], rest[:p], rest[p:]


def _noun_phrase(words: list[str]) -> list[str]:
    # English: determiner, adjectives, noun. Kelvan: noun, adjectives, determiner.
    if not words:
        return []
    det, *adjectives, noun = words  # ValueError if fewer than two words
    return (
        [lex.AGENTS.get(noun) or lex.PLACES[noun]]
        + [lex.ADJECTIVES[a] for a in adjectives]
        + [lex.DETERMINERS[det]]
    )


def _shapes_by_length(seq_len: int) -> dict[int, list[Shape]]:
    adjective_counts = range(MAX_ADJECTIVES + 1)
    optional = [None, *adjective_counts]
    by_length: dict[int, list[Shape]] = defaultdict(list)
    for shape in itertools.product(adjective_counts, (False, True), optional, optional):
        length = _shape_length(shape)
        if MIN_LEN <= length <= seq_len:
            by_length[length].append(shape)
    return dict(by_length)


def _shape_length(shape: Shape) -> int:
    subject_adjs, never, object_adjs, place_adjs = shape
    length = 2 + subject_adjs + int(never) + 1
    length += 0 if object_adjs is None else 2 + object_adjs
    return length + (0 if place_adjs is None else 3 + place_adjs)


def _pair(
    py: random.Random,
    params: Params,
    shapes: dict[int, list[Shape]],
    avoid: set[tuple[str, ...]],
    remember: bool = False,
) -> tuple[list[str], list[str]]:
    """A (English, Kelvan) pair whose English is not in ``avoid`` (added to it if ``remember``)."""
    lengths = sorted(shapes)
    while True:
        # Uniform over lengths, so long sentences are as common as short ones.
        never = py.random() < params.never_rate
        options = shapes[py.choice(lengths)]
        shape = py.choice([s for s in options if s[1] == never] or options)
        english = _sentence(py, shape)
        if tuple(english) not in avoid:
            break
    if remember:
        avoid.add(tuple(english))
    return english, translate(english)


def _sentence(py: random.Random, shape: Shape) -> list[str]:
    subject_adjs, never, object_adjs, place_adjs = shape
    words = _english_np(py, lex.AGENTS, subject_adjs)
    if never:
        words.append("never")
    if object_adjs is None:
        words.append(py.choice(list(lex.INTRANSITIVE)))
    else:
        words.append(py.choice(list(lex.TRANSITIVE)))
        words += _english_np(py, lex.AGENTS if py.random() < 0.7 else lex.PLACES, object_adjs)
    if place_adjs is not None:
        words.append(py.choice(list(lex.PREPOSITIONS)))
        words += _english_np(py, lex.PLACES, place_adjs)
    return words


def _english_np(py: random.Random, nouns: dict[str, str], n_adjectives: int) -> list[str]:
    return [
        py.choice(list(lex.DETERMINERS)),
        *py.sample(list(lex.ADJECTIVES), n_adjectives),
        py.choice(list(nouns)),
    ]
