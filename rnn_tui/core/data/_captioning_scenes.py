"""Drawing captioning scenes as arrays: layouts, shapes, jittered positions, pixels.

A batch of ``n`` scenes is a ``Scenes`` of integer arrays; slot 1 of a lone-shape
scene is unused (its shape index is -1). Everything is vectorised, because the
training set is tens of thousands of pictures and generation must stay under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_tui.core.data._captioning_shapes import COLORS, SHAPES, SIZES, cached_mask

IMAGE_SIZE = 16
# Centre coordinates along one axis. Top/left and bottom/right sit near the edges so
# that two big shapes keep a gap, and a lone shape's place is plain to see even
# after jitter: a jittered "top" shape never reaches the rows of a "middle" one.
LOW, MID, HIGH = 3, 7, 12
# Layouts: five places for a lone shape, then two arrangements of a pair.
PLACES = ("middle", "left", "right", "top", "bottom")
PAIRS = ("above", "left_of")
LAYOUTS = PLACES + PAIRS
# Centre (row, col) of slot 0 and slot 1 for each layout; -1 marks an empty slot.
ANCHORS = np.array(
    [
        [MID, MID, -1, -1],
        [MID, LOW, -1, -1],
        [MID, HIGH, -1, -1],
        [LOW, MID, -1, -1],
        [HIGH, MID, -1, -1],
        [LOW, MID, HIGH, MID],
        [MID, LOW, MID, HIGH],
    ]
)
RADII = np.array(list(SIZES.values()))
RGB = np.array(list(COLORS.values()), dtype=np.uint8)


@dataclass
class Scenes:
    """``n`` pictures before noise; arrays of shape (n,) or (n, 2) for the two slots."""

    layout: np.ndarray  # index into LAYOUTS
    size: np.ndarray  # index into SIZES
    color: np.ndarray  # index into COLORS
    shape: np.ndarray  # index into SHAPES, -1 for an empty slot
    row: np.ndarray
    col: np.ndarray

    def __len__(self) -> int:
        return len(self.layout)

    def take(self, index: np.ndarray) -> Scenes:
        return Scenes(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Scenes]) -> Scenes:
        return Scenes(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Scenes.__dataclass_fields__)
        )

    def picture_keys(self) -> np.ndarray:
        """One integer per distinct picture (layout, both shapes and their positions)."""
        key = self.layout.astype(np.int64)
        for slot in (0, 1):
            for values, base in (
                (self.size[:, slot], len(SIZES)),
                (self.color[:, slot], len(COLORS)),
                (self.shape[:, slot] + 1, len(SHAPES) + 1),
                (self.row[:, slot] + 1, IMAGE_SIZE + 1),
                (self.col[:, slot] + 1, IMAGE_SIZE + 1),
            ):
                key = key * base + values
        return key

    def caption_keys(self) -> np.ndarray:
        """One integer per distinct caption: the picture key without positions."""
        key = self.layout.astype(np.int64)
        for slot in (0, 1):
            key = key * len(SIZES) + self.size[:, slot]
            key = key * len(COLORS) + self.color[:, slot]
            key = key * (len(SHAPES) + 1) + self.shape[:, slot] + 1
        return key


def draw_scenes(
    rng: np.random.Generator,
    n: int,
    n_colors: int,
    n_shapes: int,
    pair_fraction: float,
    jitter: int,
) -> Scenes:
    """``n`` random scenes, every shape inside the image and pairs one gap apart."""
    is_pair = rng.random(n) < pair_fraction
    layout = np.where(
        is_pair, len(PLACES) + rng.integers(len(PAIRS), size=n), rng.integers(len(PLACES), size=n)
    )
    size = rng.integers(len(SIZES), size=(n, 2))
    color = rng.integers(n_colors, size=(n, 2))
    shape = rng.integers(n_shapes, size=(n, 2))
    shape[~is_pair, 1] = -1
    size[~is_pair, 1] = 0
    color[~is_pair, 1] = 0
    anchors = ANCHORS[layout]
    row, col = anchors[:, [0, 2]].copy(), anchors[:, [1, 3]].copy()
    row_offset, col_offset = _fitting_offsets(rng, row, col, RADII[size], shape >= 0, jitter)
    return Scenes(layout, size, color, shape, row + row_offset, col + col_offset)


def _fitting_offsets(
    rng: np.random.Generator,
    row: np.ndarray,
    col: np.ndarray,
    radius: np.ndarray,
    used: np.ndarray,
    jitter: int,
) -> tuple[np.ndarray, np.ndarray]:
    # Redraw the offsets of the scenes that do not fit until all do. The anchors fit
    # with no offset at all, so scenes still failing after many rounds keep zero.
    row_offset = np.zeros_like(row)
    col_offset = np.zeros_like(col)
    pending = np.arange(len(row))
    for _ in range(50):
        if not len(pending):
            break
        dr = rng.integers(-jitter, jitter + 1, size=(len(pending), 2)) * used[pending]
        dc = rng.integers(-jitter, jitter + 1, size=(len(pending), 2)) * used[pending]
        ok = _fits(row[pending] + dr, col[pending] + dc, radius[pending], used[pending])
        row_offset[pending[ok]], col_offset[pending[ok]] = dr[ok], dc[ok]
        pending = pending[~ok]
    return row_offset, col_offset


def _fits(row: np.ndarray, col: np.ndarray, radius: np.ndarray, used: np.ndarray) -> np.ndarray:
    inside = (row - radius >= 0) & (col - radius >= 0)
    inside &= (row + radius < IMAGE_SIZE) & (col + radius < IMAGE_SIZE)
    inside = (inside | ~used).all(axis=1)
    # One empty row or column between the two shapes, so that two shapes of one
    # colour never merge into one blob.
    rows_apart = (row[:, 1] - radius[:, 1]) - (row[:, 0] + radius[:, 0]) > 1
    cols_apart = (col[:, 1] - radius[:, 1]) - (col[:, 0] + radius[:, 0]) > 1
    fits: np.ndarray = inside & (rows_apart | cols_apart | ~used[:, 1])
    return fits


def render(scenes: Scenes) -> np.ndarray:
    """The pictures as (n, IMAGE_SIZE, IMAGE_SIZE, 3) uint8 on a black background."""
    images = np.zeros((len(scenes), IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    for slot in (0, 1):
        for shape_index, shape in enumerate(SHAPES):
            for size_index, radius in enumerate(RADII):
                which = np.flatnonzero(
                    (scenes.shape[:, slot] == shape_index) & (scenes.size[:, slot] == size_index)
                )
                if not len(which):
                    continue
                dy, dx = np.nonzero(cached_mask(shape, int(radius)))
                rows = scenes.row[which, slot, None] + dy - radius
                cols = scenes.col[which, slot, None] + dx - radius
                images[which[:, None], rows, cols] = RGB[scenes.color[which, slot]][:, None, :]
    return images
