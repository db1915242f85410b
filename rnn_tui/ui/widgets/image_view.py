"""ImageView: a small RGB image drawn with half blocks, two pixels per cell."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


def to_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 from uint8 RGB, (H, W) greyscale, or floats in [0, 1]."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) or (H, W) image, got shape {image.shape}")
    if image.dtype != np.uint8:
        image = np.clip(np.nan_to_num(image.astype(np.float64)) * 255.0 + 0.5, 0, 255)
        image = image.astype(np.uint8)
    return image


@lru_cache(maxsize=4096)
def _pixel_pair_style(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Style:
    return Style(color=RichColor.from_rgb(*top), bgcolor=RichColor.from_rgb(*bottom))


class ImageView(Widget):
    """An image at `scale` cells per pixel across (and half that down): "▀" with the top
    pixel as foreground and the bottom pixel as background. 16x16 -> 16 columns x 8 rows.
    Sizes itself to the image (width and height auto)."""

    DEFAULT_CSS = """
    ImageView { width: auto; height: auto; }
    """

    scale: reactive[int] = reactive(1, layout=True)
    """Repeat each pixel this many times in both directions (tiny images read better)."""
    downsample: reactive[int] = reactive(1, layout=True)
    """Average blocks of this many pixels square into one (a smaller picture on a short screen)."""

    def __init__(
        self,
        image: np.ndarray | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._image = np.zeros((0, 0, 3), np.uint8)
        self._strips: list[Strip] = []
        if image is not None:
            self.set_image(image)

    def set_image(self, image: np.ndarray) -> None:
        """Show `image`: (H, W, 3) uint8, (H, W) greyscale or floats in [0, 1]."""
        self._image = to_rgb_uint8(image)
        self._strips = []
        self.refresh(layout=True)

    def watch_scale(self) -> None:
        self._strips = []

    def watch_downsample(self) -> None:
        self._strips = []

    def _shrunk(self) -> np.ndarray:
        """The image with each block of ``downsample`` x ``downsample`` pixels averaged
        (the edges padded by repeating them)."""
        k = max(self.downsample, 1)
        if k == 1 or self._image.size == 0:
            return self._image
        height, width = self._image.shape[:2]
        pad = ((0, -height % k), (0, -width % k), (0, 0))
        image = np.pad(self._image.astype(np.float64), pad, mode="edge")
        blocks = image.reshape(image.shape[0] // k, k, image.shape[1] // k, k, 3)
        return np.rint(blocks.mean(axis=(1, 3))).astype(np.uint8)

    @property
    def pixels(self) -> np.ndarray:
        """The image after shrinking and scaling, with an even number of rows (bottom
        padded black)."""
        image = self._shrunk().repeat(self.scale, axis=0).repeat(self.scale, axis=1)
        if image.shape[0] % 2:
            image = np.concatenate((image, np.zeros_like(image[:1])), axis=0)
        return image

    def _shown_size(self) -> tuple[int, int]:
        """(rows, columns) of pixels drawn, after shrinking and scaling."""
        k = max(self.downsample, 1)
        height, width = self._image.shape[:2]
        return -(-height // k) * self.scale, -(-width // k) * self.scale

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._shown_size()[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return -(-self._shown_size()[0] // 2)  # two pixel rows per line

    def render_line(self, y: int) -> Strip:
        if not self._strips:
            self._strips = self._build()
        if y < len(self._strips):
            return self._strips[y].adjust_cell_length(self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)

    def _build(self) -> list[Strip]:
        pixels = self.pixels
        strips = []
        for row in range(0, pixels.shape[0], 2):
            top, bottom = pixels[row], pixels[row + 1]
            segments = [
                Segment("▀", _pixel_pair_style(tuple(map(int, t)), tuple(map(int, b))))
                for t, b in zip(top, bottom, strict=True)
            ]
            strips.append(Strip(segments).simplify())
        return strips
