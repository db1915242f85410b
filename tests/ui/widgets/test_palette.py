"""Diverging scale: levels, colours by sign, glyphs without colour."""

from types import SimpleNamespace

import numpy as np

from rnn_tui.ui.widgets.palette import (
    NAN_GLYPH,
    NAN_LEVEL,
    NEGATIVE_GLYPHS,
    POSITIVE_GLYPHS,
    ZERO_LEVEL,
    level_glyph,
    level_rgb,
    quantize,
    wants_glyphs,
)


def test_quantize_maps_sign_and_clamps():
    levels = quantize(np.array([-5.0, -1.0, 0.0, 0.5, 1.0, 7.0]))
    assert levels.tolist() == [0, 0, ZERO_LEVEL, ZERO_LEVEL + 4, 16, 16]


def test_quantize_marks_non_finite():
    levels = quantize(np.array([np.nan, np.inf, -np.inf, 0.2]))
    assert levels[:3].tolist() == [NAN_LEVEL] * 3
    assert levels[3] != NAN_LEVEL


def test_quantize_scale_stretches_range():
    assert quantize(np.array([2.0]), scale=4.0)[0] == ZERO_LEVEL + 4


def test_colours_blue_for_negative_red_for_positive():
    for dark in (True, False):
        r, _, b = level_rgb(0, dark)
        assert b > r
        r, _, b = level_rgb(16, dark)
        assert r > b
        r, g, b = level_rgb(ZERO_LEVEL, dark)
        assert r == g == b


def test_colour_intensity_grows_with_magnitude():
    neutral = np.array(level_rgb(ZERO_LEVEL, True))
    distances = [
        np.abs(np.array(level_rgb(ZERO_LEVEL + k, True)) - neutral).sum() for k in range(9)
    ]
    assert distances == sorted(distances) and distances[0] == 0


def test_glyphs_carry_sign_and_magnitude():
    assert level_glyph(ZERO_LEVEL) == " "
    positive = [level_glyph(ZERO_LEVEL + k) for k in range(1, 9)]
    negative = [level_glyph(ZERO_LEVEL - k) for k in range(1, 9)]
    assert set(positive) == set(POSITIVE_GLYPHS)
    assert set(negative) == set(NEGATIVE_GLYPHS)
    assert positive[-1] == POSITIVE_GLYPHS[-1] and negative[-1] == NEGATIVE_GLYPHS[-1]
    assert [POSITIVE_GLYPHS.index(g) for g in positive] == sorted(
        POSITIVE_GLYPHS.index(g) for g in positive
    )
    assert level_glyph(NAN_LEVEL) == NAN_GLYPH


def test_wants_glyphs_for_no_color_and_16_colours():
    def app(no_color, system):
        return SimpleNamespace(no_color=no_color, console=SimpleNamespace(color_system=system))

    assert wants_glyphs(app(True, "truecolor"))
    assert wants_glyphs(app(False, "standard"))
    assert not wants_glyphs(app(False, "truecolor"))
    assert not wants_glyphs(app(False, "256"))
