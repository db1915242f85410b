"""Image captioning: tiny generated pictures of coloured shapes -> a caption from a grammar.

Each 16x16 RGB picture holds one shape at one of five places, or two shapes one above
the other or side by side. Every shape is small or big, one of a few colours and one
of circle, square, triangle, cross. The caption is a function of the picture:

    a big red circle on the left
    a small green triangle above a big blue cross
    a big yellow square to the left of a small red circle

Pairs are always told top-first or left-first, so each picture has one right caption
and a perfect score is possible. Held-out pictures are new drawings: none appears in
training pixel for pixel (before noise), and no held-out two-shape caption appears in
training either, so the decoder must combine what it learnt about each shape rather
than recall whole captions.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rnn_tui.core.data._captioning_scenes import (
    IMAGE_SIZE,
    LAYOUTS,
    PAIRS,
    PLACES,
    Scenes,
    draw_scenes,
    render,
)
from rnn_tui.core.data._captioning_shapes import COLORS, SHAPES, SIZES
from rnn_tui.core.data.base import Dataset, build_captioning

TOPOLOGIES = ("vec2seq",)
# The words a layout adds after the first shape (lone shapes) or between two shapes.
LAYOUT_WORDS: dict[str, tuple[str, ...]] = {
    "middle": ("in", "the", "middle"),
    "left": ("on", "the", "left"),
    "right": ("on", "the", "right"),
    "top": ("at", "the", "top"),
    "bottom": ("at", "the", "bottom"),
    "above": ("above",),
    "left_of": ("to", "the", "left", "of"),
}


class Params(BaseModel):
    """The ``[data.params]`` table of the captioning scenario."""

    model_config = ConfigDict(extra="forbid")

    # Many pictures: a linear map from pixels to the first state must learn each shape
    # at every spot it may stray to, and with fewer it memorises instead.
    n_train: int = Field(20_000, ge=100, le=100_000)
    n_test: int = Field(500, ge=20, le=10_000)
    n_colors: int = Field(4, ge=2, le=len(COLORS))  # the first n of red, green, blue, ...
    n_shapes: int = Field(4, ge=2, le=len(SHAPES))  # the first n of circle, square, ...
    pair_fraction: float = Field(0.5, ge=0.0, le=1.0)  # share of pictures with two shapes
    jitter: int = Field(1, ge=1, le=2)  # pixels a shape may stray from its spot
    noise: float = Field(0.03, ge=0.0, le=0.3)  # standard deviation of pixel noise, 0..1 scale


def generate(params: Params, seed: int) -> Dataset:
    """Draw the held-out scenes first, then training scenes that repeat none of them."""
    rng = np.random.default_rng(seed)
    test = _draw(rng, params, params.n_test)
    train = _draw_unlike(rng, params, params.n_train, test)
    train_images = _add_noise(rng, render(train), params.noise)
    test_images = _add_noise(rng, render(test), params.noise)
    train_captions, test_captions = captions(train), captions(test)
    # What writing one caption for every picture would score: the image must be read.
    most_common = Counter(train_captions).most_common(1)[0][0]
    blind = sum(caption == most_common for caption in test_captions) / len(test_captions)
    return build_captioning(
        "captioning",
        _as_vectors(train_images),
        train_captions,
        _as_vectors(test_images),
        test_captions,
        extras={"train_images": train_images, "test_images": test_images},
        baselines={"most_common_caption_exact_match": blind},
        notes=(
            f"{IMAGE_SIZE}x{IMAGE_SIZE} RGB pictures, fed to the decoder as "
            f"{IMAGE_SIZE * IMAGE_SIZE * 3} numbers in [0, 1]",
            "no held-out picture, and no held-out two-shape caption, occurs in training",
        ),
    )


def captions(scenes: Scenes) -> list[tuple[str, ...]]:
    """The one right caption of each scene."""
    sizes, colors = tuple(SIZES), tuple(COLORS)

    def shape_words(i: int, slot: int) -> tuple[str, ...]:
        return (
            "a",
            sizes[scenes.size[i, slot]],
            colors[scenes.color[i, slot]],
            SHAPES[scenes.shape[i, slot]],
        )

    out = []
    for i, layout_index in enumerate(scenes.layout):
        layout = LAYOUTS[layout_index]
        words = shape_words(i, 0) + LAYOUT_WORDS[layout]
        out.append(words + shape_words(i, 1) if layout in PAIRS else words)
    return out


def _draw(rng: np.random.Generator, params: Params, n: int) -> Scenes:
    return draw_scenes(
        rng, n, params.n_colors, params.n_shapes, params.pair_fraction, params.jitter
    )


def _draw_unlike(rng: np.random.Generator, params: Params, n: int, held_out: Scenes) -> Scenes:
    """``n`` scenes, none with a held-out picture nor a held-out pair's caption."""
    pictures = held_out.picture_keys()
    pair_captions = held_out.caption_keys()[held_out.layout >= len(PLACES)]
    parts, count = [], 0
    # Held-out scenes are a small share of the possible ones at the defaults (about
    # 1,250 lone-shape pictures, 2,048 pair captions), so few draws are dropped; the
    # cap guards settings with few scenes (two colours, two shapes) from looping forever.
    for _ in range(20):
        batch = _draw(rng, params, n - count + n // 4 + 16)
        keep = ~np.isin(batch.picture_keys(), pictures)
        keep &= ~np.isin(batch.caption_keys(), pair_captions)
        parts.append(batch.take(np.flatnonzero(keep)[: n - count]))
        count += len(parts[-1])
        if count == n:
            return Scenes.concat(parts)
    raise ValueError(
        f"could not draw {n} captioning pictures unlike the held-out ones; "
        "raise jitter, n_colors or n_shapes, or lower n_test"
    )


def _add_noise(rng: np.random.Generator, images: np.ndarray, noise: float) -> np.ndarray:
    """Gaussian pixel noise, rounded back to uint8 so the stored picture is what the model sees."""
    if noise == 0:
        return images
    # In place and float32: the training set holds some fifteen million pixel values.
    noisy = rng.standard_normal(images.shape, dtype=np.float32)
    noisy *= noise * 255
    noisy += images
    np.clip(noisy, 0, 255, out=noisy)
    return np.rint(noisy, out=noisy).astype(np.uint8)


def _as_vectors(images: np.ndarray) -> np.ndarray:
    vectors: np.ndarray = np.multiply(
        images.reshape(len(images), -1), np.float32(1 / 255), dtype=np.float32
    )
    return vectors
