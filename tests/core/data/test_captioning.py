"""The captioning generator: determinism, pictures, and captions read back from the pixels."""

from __future__ import annotations

import re
import time
from collections import Counter

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from rnn_tui.core.data import captioning
from rnn_tui.core.data._captioning_shapes import COLORS, SHAPES, SIZES, shape_mask

SMALL = 3000  # training pictures in the fast fixtures; the defaults hold more


@pytest.fixture(scope="module")
def clean():
    """A noise-free dataset, so pictures can be read back pixel for pixel."""
    return captioning.generate(captioning.Params(n_train=SMALL, noise=0.0), seed=0)


def caption_texts(dataset, split) -> list[str]:
    return [" ".join(dataset.target_vocab.decode(row.tolist())) for row in split.targets]


def blobs(image: np.ndarray) -> list[list[tuple[int, int]]]:
    """Connected groups of lit pixels (4-neighbours), each a list of (row, col)."""
    lit = image.max(axis=2) > 0
    seen = np.zeros_like(lit)
    groups = []
    for start in zip(*np.nonzero(lit), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, group = [start], []
        while stack:
            r, c = stack.pop()
            group.append((int(r), int(c)))
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if (
                    0 <= nr < lit.shape[0]
                    and 0 <= nc < lit.shape[1]
                    and lit[nr, nc]
                    and not seen[nr, nc]
                ):
                    seen[nr, nc] = True
                    stack.append((nr, nc))
        groups.append(group)
    return groups


def describe(image: np.ndarray, group: list[tuple[int, int]]) -> tuple[list[str], float, float]:
    """'a SIZE COLOUR SHAPE' of one blob, read from its pixels alone, and its centre."""
    rows, cols = np.array(group).T
    top, left = rows.min(), cols.min()
    side = max(rows.max() - top, cols.max() - left) + 1
    radius = side // 2
    box = np.zeros((side, side), dtype=bool)
    box[rows - top, cols - left] = True
    shapes = [s for s in SHAPES if np.array_equal(shape_mask(s, radius), box)]
    sizes = [name for name, r in SIZES.items() if r == radius]
    colors = [name for name, rgb in COLORS.items() if tuple(image[rows[0], cols[0]]) == rgb]
    assert len(shapes) == len(sizes) == len(colors) == 1, (shapes, sizes, colors)
    centre_row, centre_col = top + radius, left + radius
    return ["a", sizes[0], colors[0], shapes[0]], centre_row, centre_col


def read_caption(image: np.ndarray) -> str:
    """The caption derived from the picture with no knowledge of how it was drawn."""
    found = sorted((describe(image, g) for g in blobs(image)), key=lambda d: (d[1], d[2]))
    middle = (image.shape[0] - 1) / 2
    if len(found) == 1:
        words, row, col = found[0]
        dr, dc = row - middle, col - middle
        if max(abs(dr), abs(dc)) < 2.5:
            place = "in the middle"
        elif abs(dc) > abs(dr):
            place = "on the left" if dc < 0 else "on the right"
        else:
            place = "at the top" if dr < 0 else "at the bottom"
        return " ".join(words) + " " + place
    assert len(found) == 2
    (first, r1, c1), (second, r2, c2) = found
    if abs(r2 - r1) > abs(c2 - c1):
        return " ".join(first + ["above"] + second)
    first, second = (first, second) if c1 < c2 else (second, first)
    return " ".join(first + ["to", "the", "left", "of"] + second)


def test_generation_is_fast_and_deterministic():
    # CPU time, not wall time: this machine is shared, and the budget is about our work.
    start = time.process_time()
    first = captioning.generate(captioning.Params(), seed=3)
    seconds = time.process_time() - start
    print(f"captioning generation at defaults: {seconds:.2f} s of CPU")
    assert seconds < 2.0  # about 0.5 s measured; loose on purpose
    again = captioning.generate(captioning.Params(), seed=3)
    other = captioning.generate(captioning.Params(), seed=4)
    assert torch.equal(first.train.inputs, again.train.inputs)
    assert torch.equal(first.test.targets, again.test.targets)
    assert np.array_equal(first.extras["test_images"], again.extras["test_images"])
    assert not torch.equal(first.test.inputs, other.test.inputs)


def test_shapes_and_pixel_range(clean):
    params = captioning.Params()
    noisy = captioning.generate(captioning.Params(n_train=SMALL), seed=0)
    size = captioning.IMAGE_SIZE
    assert noisy.input_kind == "vector" and noisy.output_kind == "tokens"
    assert noisy.input_size == size * size * 3
    assert noisy.train.inputs.shape == (SMALL, noisy.input_size)
    assert noisy.test.inputs.shape == (params.n_test, noisy.input_size)
    for split, images in ((noisy.train, "train_images"), (noisy.test, "test_images")):
        pictures = noisy.extras[images]
        assert pictures.dtype == np.uint8 and pictures.shape == (len(split), size, size, 3)
        # The vector the decoder starts from is the stored picture, scaled to [0, 1].
        vectors = torch.from_numpy(pictures.reshape(len(split), -1) / 255.0).float()
        assert torch.allclose(split.inputs, vectors)
        assert float(split.inputs.min()) >= 0.0 and float(split.inputs.max()) <= 1.0
    # Noise is mild: the same scenes as the clean set, pixels off by a few levels.
    difference = noisy.extras["test_images"].astype(int) - clean.extras["test_images"]
    assert 0 < np.abs(difference).mean() < 0.05 * 255
    assert caption_texts(noisy, noisy.test) == caption_texts(clean, clean.test)


def test_every_caption_is_read_back_from_its_picture(clean):
    # The caption is a function of the pixels, so a perfect score is possible.
    for split, images in ((clean.test, "test_images"), (clean.train, "train_images")):
        texts = caption_texts(clean, split)
        pictures = clean.extras[images]
        for i in range(0, len(split), 3):
            assert read_caption(pictures[i]) == texts[i], i


def test_captions_follow_the_grammar(clean):
    shape = rf"a ({'|'.join(SIZES)}) ({'|'.join(list(COLORS)[:4])}) ({'|'.join(SHAPES)})"
    place = "(in the middle|on the left|on the right|at the top|at the bottom)"
    grammar = re.compile(rf"^{shape} ({place}|above {shape}|to the left of {shape})$")
    texts = caption_texts(clean, clean.train) + caption_texts(clean, clean.test)
    assert all(grammar.match(text) for text in texts)
    # Targets end with EOS and the vocabulary holds only the grammar's words.
    assert set(clean.target_vocab.tokens[4:]) <= set(" ".join(texts).split())


def test_words_and_layouts_are_balanced(clean):
    texts = caption_texts(clean, clean.train)
    words = Counter(" ".join(texts).split())
    for group in (list(SIZES), list(COLORS)[:4], list(SHAPES)):
        counts = [words[w] for w in group]
        assert min(counts) > 0.8 * max(counts), dict(zip(group, counts, strict=True))
    pairs = sum(" above " in t or " left of " in t for t in texts) / len(texts)
    assert abs(pairs - captioning.Params().pair_fraction) < 0.05


def test_held_out_pictures_and_pair_captions_are_unseen_in_training(clean):
    train_pictures = {p.tobytes() for p in clean.extras["train_images"]}
    assert not any(p.tobytes() in train_pictures for p in clean.extras["test_images"])
    train_texts = set(caption_texts(clean, clean.train))
    test_pairs = [t for t in caption_texts(clean, clean.test) if len(t.split()) > 7]
    assert test_pairs and not any(t in train_texts for t in test_pairs)
    # Lone-shape captions do repeat (there are only 160 of them), in new positions.
    test_singles = [t for t in caption_texts(clean, clean.test) if len(t.split()) == 7]
    assert sum(t in train_texts for t in test_singles) > 0.9 * len(test_singles)


def test_fewer_colours_and_shapes_restrict_the_vocabulary():
    small = captioning.generate(
        captioning.Params(n_train=500, n_test=50, n_colors=2, n_shapes=2), seed=1
    )
    words = set(small.target_vocab.tokens)
    assert {"red", "green", "circle", "square"} <= words
    assert not words & {"blue", "yellow", "purple", "white", "triangle", "cross"}


def test_params_are_validated():
    with pytest.raises(ValidationError):
        captioning.Params(n_colors=7)
    with pytest.raises(ValidationError):
        captioning.Params(jitter=0)
    with pytest.raises(ValidationError):
        captioning.Params(image_size=16)
