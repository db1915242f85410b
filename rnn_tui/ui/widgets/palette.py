"""Diverging colour scale and sign glyphs shared by the widgets that draw values."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text

LEVELS_PER_SIDE = 8
"""Quantisation steps for each sign; level 8 is zero, 0 is -1 and 16 is +1."""
ZERO_LEVEL = LEVELS_PER_SIDE
NAN_LEVEL = 2 * LEVELS_PER_SIDE + 1
"""Level given to NaN/inf, so a diverged model shows as its own colour and glyph."""

NEGATIVE_RGB = (33, 102, 172)  # ColorBrewer RdBu ends: readable for common colour blindness
POSITIVE_RGB = (178, 24, 43)
NEUTRAL_LIGHT = (247, 247, 247)
# On a dark terminal a white zero glares and hides small activity; a dark grey keeps
# zero quiet and lets active units stand out.
NEUTRAL_DARK = (48, 48, 48)
NAN_RGB = (230, 200, 0)

POSITIVE_GLYPHS = "░▒▓█"
NEGATIVE_GLYPHS = "·∘○●"
NAN_GLYPH = "?"
GLYPH_LEGEND = f"+ {POSITIVE_GLYPHS}  − {NEGATIVE_GLYPHS}  0 blank  NaN {NAN_GLYPH}"


def quantize(values: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Map values to integer levels 0..16 (value/scale clamped to [-1, 1]); NaN/inf -> 17."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    scaled = np.clip(np.where(finite, values, 0.0) / scale, -1.0, 1.0)
    levels = np.rint(scaled * LEVELS_PER_SIDE).astype(np.int16) + ZERO_LEVEL
    levels[~finite] = NAN_LEVEL
    return levels


@lru_cache(maxsize=64)
def level_rgb(level: int, dark: bool) -> tuple[int, int, int]:
    """The colour of a level: blend from the neutral towards blue (negative) or red."""
    if level == NAN_LEVEL:
        return NAN_RGB
    neutral = NEUTRAL_DARK if dark else NEUTRAL_LIGHT
    weight = abs(level - ZERO_LEVEL) / LEVELS_PER_SIDE
    end = POSITIVE_RGB if level > ZERO_LEVEL else NEGATIVE_RGB
    if dark:
        # Full-strength RdBu ends are dim on black; brighten them a little.
        end = (_brighter(end[0]), _brighter(end[1]), _brighter(end[2]))
    r, g, b = (round(n + (e - n) * weight) for n, e in zip(neutral, end, strict=True))
    return (r, g, b)


def _brighter(channel: int) -> int:
    return min(255, int(channel * 1.25) + 20)


def level_glyph(level: int) -> str:
    """A character that carries sign and magnitude without colour (NO_COLOR, 16 colours)."""
    if level == NAN_LEVEL:
        return NAN_GLYPH
    offset = level - ZERO_LEVEL
    if offset == 0:
        return " "
    # Levels 1-2, 3-4, 5-6, 7-8 map to the four glyphs of the sign's family.
    index = (abs(offset) - 1) // 2
    return (POSITIVE_GLYPHS if offset > 0 else NEGATIVE_GLYPHS)[index]


@lru_cache(maxsize=1024)
def half_block_style(top: int, bottom: int, dark: bool) -> Style:
    """Style for "▀": the foreground paints the top unit, the background the bottom one."""
    return Style(
        color=RichColor.from_rgb(*level_rgb(top, dark)),
        bgcolor=RichColor.from_rgb(*level_rgb(bottom, dark)),
    )


@lru_cache(maxsize=64)
def cell_style(level: int, dark: bool) -> Style:
    """Style for a full cell of one level (background colour)."""
    return Style(bgcolor=RichColor.from_rgb(*level_rgb(level, dark)))


def wants_glyphs(app: object) -> bool:
    """True when colours cannot carry the values: NO_COLOR or a 16-colour terminal."""
    if getattr(app, "no_color", False):
        return True
    console = getattr(app, "console", None)
    system = getattr(console, "color_system", None)
    return system in (None, "standard", "windows")


def is_dark(app: object) -> bool:
    """Whether the app's theme is dark (defaults to dark when unknown)."""
    theme = getattr(app, "current_theme", None)
    return bool(getattr(theme, "dark", True))


# -- colour scales: what a colour means, for a legend beside the picture ----------------
SIGNED_LEVELS = tuple(range(0, 2 * LEVELS_PER_SIDE + 1, 2))  # -1 ... 0 ... +1, 9 swatches
GATE_LEVELS = tuple(range(ZERO_LEVEL, 2 * LEVELS_PER_SIDE + 1, 2))  # 0 ... 1, 5 swatches


def _number(value: float, signed: bool) -> str:
    text = f"{value:.2g}" if abs(value) < 100 else f"{value:.0f}"
    text = text.replace("-", "−")
    return f"+{text}" if signed and value > 0 else text


def scale_legend(kind: str, scale: float, dark: bool, glyphs: bool) -> Text:
    """A colour scale as text: "−1 ▕swatches▏ +1" for a signed row scaled to ``scale``,
    "0 ▕swatches▏ 1" for a gate (in [0, 1]). With ``glyphs`` the swatches are the glyphs
    that stand for the colours, so the legend reads under NO_COLOR too."""
    if kind == "gate":
        low, high, levels = _number(0, False), _number(1, False), GATE_LEVELS
    else:
        low, high, levels = _number(-scale, True), _number(scale, True), SIGNED_LEVELS
    text = Text(f"{low} ")
    if glyphs:
        text.append("".join(level_glyph(level) for level in levels))  # zero is blank
    else:
        for level in levels:
            text.append(" ", Style(bgcolor=RichColor.from_rgb(*level_rgb(level, dark))))
    text.append(f" {high}")
    return text
