"""The dataset shape every topology trains on, and builders from plain Python data.

Generators and file loaders produce plain Python/numpy (sentences as word lists,
labels as ints, series as arrays) and call one of the ``build_*`` functions here, so
tensor layout, vocabularies and padding live in one place.

Tensor layouts by ``Dataset.input_kind`` / ``output_kind``:

=============  =====================================  ==============================
kind           inputs                                 targets
=============  =====================================  ==============================
series         float (N, T, F)                        float (N, T, F_out)
tokens         long (N, T) right-padded with PAD,     long (N, L): caption or
               ``lengths`` (N,) holds true lengths    translation ending in EOS,
                                                      then PAD
vector         float (N, D)                           —
class          —                                      long (N,)
=============  =====================================  ==============================
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal

import numpy as np
import torch

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>")

InputKind = Literal["series", "tokens", "vector"]
OutputKind = Literal["series", "class", "tokens"]


@dataclass(frozen=True)
class Vocab:
    """Word <-> id table; ids 0-3 are PAD, UNK, BOS, EOS."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]]) -> Vocab:
        """A vocabulary of every word seen, most frequent first (ties alphabetical)."""
        counts = Counter(word for sentence in sentences for word in sentence)
        words = sorted(counts, key=lambda w: (-counts[w], w))
        return cls(SPECIALS + tuple(w for w in words if w not in SPECIALS))

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def index(self) -> dict[str, int]:
        # Cached on first use; frozen dataclass, so go through __dict__.
        if "_index" not in self.__dict__:
            object.__setattr__(self, "_index", {w: i for i, w in enumerate(self.tokens)})
        index: dict[str, int] = self.__dict__["_index"]
        return index

    def encode(self, words: Sequence[str], add_eos: bool = False) -> list[int]:
        get = self.index.get  # once, not per word: datasets encode ~10^5 words at start
        ids = [get(w, UNK) for w in words]
        return ids + [EOS] if add_eos else ids

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words up to the first EOS, skipping PAD and BOS."""
        words = []
        for i in ids:
            i = int(i)
            if i == EOS:
                break
            if i in (PAD, BOS):
                continue
            words.append(self.tokens[i] if 0 <= i < len(self.tokens) else "<unk>")
        return words

    def unknown(self, words: Sequence[str]) -> list[str]:
        """The words this vocabulary has never seen, in order, without repeats."""
        return list(dict.fromkeys(w for w in words if w not in self.index))


@dataclass
class Split:
    """A set of examples as tensors (see the module docstring for layouts)."""

    inputs: torch.Tensor
    targets: torch.Tensor
    lengths: torch.Tensor | None = None
    # Series measured relative to a per-example anchor (e.g. each window's first price):
    # value = (normalised * Dataset.scale + Dataset.offset) * scales[i] + offsets[i].
    offsets: torch.Tensor | None = None
    scales: torch.Tensor | None = None
    # Series only: which target steps are scored (N, T) bool; None scores every step.
    # Held-out windows of a CSV score only values after the train/test cut, each once.
    mask: torch.Tensor | None = None

    def __len__(self) -> int:
        return int(self.inputs.shape[0])

    def select(self, index: torch.Tensor | Sequence[int] | slice) -> Split:
        """The examples at ``index``, with token inputs trimmed to their longest length."""
        if not isinstance(index, slice):
            index = torch.as_tensor(index, dtype=torch.long)
        inputs, targets = self.inputs[index], self.targets[index]
        lengths = None if self.lengths is None else self.lengths[index]
        offsets = None if self.offsets is None else self.offsets[index]
        scales = None if self.scales is None else self.scales[index]
        mask = None if self.mask is None else self.mask[index]
        if lengths is not None and len(lengths):
            inputs = inputs[:, : int(lengths.max())]
        if targets.dtype == torch.long and targets.dim() == 2:
            # Trim all-PAD columns so decoders do not run over empty steps.
            keep = int((targets != PAD).any(0).nonzero().max()) + 1 if len(targets) else 0
            targets = targets[:, :keep]
        return Split(inputs, targets, lengths, offsets, scales, mask)


@dataclass
class Dataset:
    """Train and held-out splits plus what is needed to read them back as text."""

    name: str
    input_kind: InputKind
    output_kind: OutputKind
    input_size: int  # features per step, source vocab size, or vector dimension
    output_size: int  # output features, number of classes, or target vocab size
    train: Split
    test: Split
    source_vocab: Vocab | None = None
    target_vocab: Vocab | None = None
    class_names: tuple[str, ...] | None = None
    # Series are normalised for training; value = normalised * scale + offset.
    scale: float = 1.0
    offset: float = 0.0
    # Scores of simple non-recurrent baselines on the test split, e.g.
    # {"persistence_rmse": 41.2} or {"bag_of_words_accuracy": 0.71}.
    baselines: dict[str, float] = field(default_factory=dict)
    # Per-example extras for display or sub-metrics, keyed by name, each indexed
    # like the test split: e.g. "test_images" (N, H, W, 3) uint8, "test_tags".
    extras: dict[str, Any] = field(default_factory=dict)
    # Tokeniser for user-typed text (the same one used to build the data).
    tokenize: Any = None
    # Human-readable notes (e.g. which years train and test cover).
    notes: tuple[str, ...] = ()

    @property
    def seq_len(self) -> int:
        return int(self.train.inputs.shape[1]) if self.input_kind != "vector" else 0


def simple_tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks as separate tokens."""
    out, word = [], []
    for ch in text.lower():
        if ch.isalnum() or ch in "'-":
            word.append(ch)
            continue
        if word:
            out.append("".join(word))
            word = []
        if not ch.isspace():
            out.append(ch)
    if word:
        out.append("".join(word))
    return out


def pad_ids(rows: Sequence[Sequence[int]], width: int | None = None) -> torch.Tensor:
    """Rows of token ids as one (len(rows), width) tensor, PAD after each row's end.

    Filled in one numpy assignment: a tensor per row cost 0.1 s for sentiment's 5,000
    reviews, a fifth of the time before training can start (benchmarks/first_screen.py).
    """
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    longest = int(lengths.max(initial=0))
    width = longest if width is None else width
    if longest > width:
        raise ValueError(f"a row of {longest} ids does not fit in width {width}")
    out = np.full((len(rows), max(width, 1)), PAD, dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    out[np.arange(out.shape[1]) < lengths[:, None]] = flat
    return torch.from_numpy(out)


def _token_split(vocab: Vocab, sentences: Sequence[Sequence[str]], targets: torch.Tensor) -> Split:
    ids = [vocab.encode(s) for s in sentences]
    lengths = torch.as_tensor([max(len(r), 1) for r in ids], dtype=torch.long)
    return Split(pad_ids(ids), targets, lengths)


def build_text_classification(
    name: str,
    train: Sequence[tuple[Sequence[str], int]],
    test: Sequence[tuple[Sequence[str], int]],
    class_names: Sequence[str],
    **extra: Any,
) -> Dataset:
    """Token sequences -> one class each (seq2vec). The vocabulary comes from train only."""
    vocab = Vocab.build(words for words, _ in train)

    def split(rows: Sequence[tuple[Sequence[str], int]]) -> Split:
        labels = torch.as_tensor([label for _, label in rows], dtype=torch.long)
        return _token_split(vocab, [words for words, _ in rows], labels)

    extra.setdefault("tokenize", simple_tokenize)
    return Dataset(
        name=name,
        input_kind="tokens",
        output_kind="class",
        input_size=len(vocab),
        output_size=len(class_names),
        train=split(train),
        test=split(test),
        source_vocab=vocab,
        class_names=tuple(class_names),
        **extra,
    )


def build_translation(
    name: str,
    train: Sequence[tuple[Sequence[str], Sequence[str]]],
    test: Sequence[tuple[Sequence[str], Sequence[str]]],
    **extra: Any,
) -> Dataset:
    """Source sentence -> target sentence (encoder-decoder); targets end with EOS."""
    source_vocab = Vocab.build(src for src, _ in train)
    target_vocab = Vocab.build(tgt for _, tgt in train)

    def split(rows: Sequence[tuple[Sequence[str], Sequence[str]]]) -> Split:
        targets = pad_ids([target_vocab.encode(tgt, add_eos=True) for _, tgt in rows])
        return _token_split(source_vocab, [src for src, _ in rows], targets)

    extra.setdefault("tokenize", simple_tokenize)
    return Dataset(
        name=name,
        input_kind="tokens",
        output_kind="tokens",
        input_size=len(source_vocab),
        output_size=len(target_vocab),
        train=split(train),
        test=split(test),
        source_vocab=source_vocab,
        target_vocab=target_vocab,
        **extra,
    )


def build_captioning(
    name: str,
    train_vectors: np.ndarray,
    train_captions: Sequence[Sequence[str]],
    test_vectors: np.ndarray,
    test_captions: Sequence[Sequence[str]],
    **extra: Any,
) -> Dataset:
    """Vector (e.g. a flattened image) -> word sequence ending in EOS (vec2seq)."""
    target_vocab = Vocab.build(train_captions)

    def split(vectors: np.ndarray, captions: Sequence[Sequence[str]]) -> Split:
        targets = pad_ids([target_vocab.encode(c, add_eos=True) for c in captions])
        return Split(torch.as_tensor(np.asarray(vectors), dtype=torch.float32), targets)

    return Dataset(
        name=name,
        input_kind="vector",
        output_kind="tokens",
        input_size=int(np.asarray(train_vectors).shape[1]),
        output_size=len(target_vocab),
        train=split(train_vectors, train_captions),
        test=split(test_vectors, test_captions),
        target_vocab=target_vocab,
        **extra,
    )


def build_series(
    name: str,
    train_inputs: np.ndarray,
    train_targets: np.ndarray,
    test_inputs: np.ndarray,
    test_targets: np.ndarray,
    scale: float = 1.0,
    offset: float = 0.0,
    train_anchors: np.ndarray | None = None,
    test_anchors: np.ndarray | None = None,
    test_mask: np.ndarray | None = None,
    **extra: Any,
) -> Dataset:
    """Windows of a normalised series (N, T, F) -> targets at every step (N, T, F_out).

    ``test_mask`` (N_test, T) marks the held-out steps that are scored (default: all).
    """

    def tensor(values: np.ndarray) -> torch.Tensor:
        a = np.asarray(values, dtype=np.float32)
        return torch.from_numpy(a if a.ndim == 3 else a[..., None])

    def offsets(a: np.ndarray | None) -> torch.Tensor | None:
        return None if a is None else torch.as_tensor(np.asarray(a), dtype=torch.float64)

    # An anchored window is relative to its first value: value = anchor * (1 + relative).
    train = Split(tensor(train_inputs), tensor(train_targets), offsets=offsets(train_anchors), scales=offsets(train_anchors))
    mask = None if test_mask is None else torch.as_tensor(np.asarray(test_mask, dtype=bool))
    test = Split(tensor(test_inputs), tensor(test_targets), offsets=offsets(test_anchors), scales=offsets(test_anchors), mask=mask)
    return Dataset(
        name=name,
        input_kind="series",
        output_kind="series",
        input_size=int(train.inputs.shape[2]),
        output_size=int(train.targets.shape[2]),
        train=train,
        test=test,
        scale=scale,
        offset=offset,
        **extra,
    )


def build_sequence_classification(
    name: str,
    train_inputs: np.ndarray,
    train_labels: np.ndarray,
    test_inputs: np.ndarray,
    test_labels: np.ndarray,
    class_names: Sequence[str],
    **extra: Any,
) -> Dataset:
    """Float sequences (N, T, F) -> one class each (seq2vec over numbers)."""

    def split(inputs: np.ndarray, labels: np.ndarray) -> Split:
        x = np.asarray(inputs, dtype=np.float32)
        x = x if x.ndim == 3 else x[..., None]
        return Split(torch.from_numpy(x), torch.as_tensor(np.asarray(labels), dtype=torch.long))

    train = split(train_inputs, train_labels)
    return Dataset(
        name=name,
        input_kind="series",
        output_kind="class",
        input_size=int(train.inputs.shape[2]),
        output_size=len(class_names),
        train=train,
        test=split(test_inputs, test_labels),
        class_names=tuple(class_names),
        **extra,
    )
