"""Pixel masks of the captioning shapes (circle, square, triangle, cross) and colours."""

from __future__ import annotations

import numpy as np

# Order matters: ``n_shapes``/``n_colors`` take the first few.
SHAPES = ("circle", "square", "triangle", "cross")
COLORS: dict[str, tuple[int, int, int]] = {
    # Far apart in RGB and all bright, so each reads clearly on a dark terminal.
    "red": (230, 40, 40),
    "green": (40, 200, 60),
    "blue": (60, 100, 255),
    "yellow": (240, 220, 40),
    "purple": (170, 60, 220),
    "white": (235, 235, 235),
}
# Half-widths: "small" shapes are 5 pixels across, "big" ones 7.
SIZES: dict[str, int] = {"small": 2, "big": 3}


def shape_mask(shape: str, radius: int) -> np.ndarray:
    """A (2r+1, 2r+1) boolean mask of ``shape`` centred in its box."""
    offsets = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
    if shape == "square":
        return np.ones(dy.shape, dtype=bool)
    if shape == "circle":
        # The + 1 fills the disc out so that it is not a plus sign at r = 2,
        # while it still misses the square's corners.
        return dy**2 + dx**2 <= radius**2 + 1
    if shape == "triangle":
        # Apex at the top, full-width base at the bottom.
        triangle: np.ndarray = np.abs(dx) <= (dy + radius) // 2
        return triangle
    if shape == "cross":
        cross: np.ndarray = (dy == 0) | (dx == 0)
        return cross
    raise ValueError(f"unknown shape {shape!r}; known: {', '.join(SHAPES)}")


_MASKS = {(shape, r): shape_mask(shape, r) for shape in SHAPES for r in SIZES.values()}


def cached_mask(shape: str, radius: int) -> np.ndarray:
    return _MASKS[(shape, radius)]
