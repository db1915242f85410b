"""ImageView pixels, SequenceStrip cursor and scrolling, Banner levels."""

import numpy as np
import pytest

from rnn_tui.ui.widgets import Banner, ImageView, SequenceStrip
from rnn_tui.ui.widgets.image_view import to_rgb_uint8
from rnn_tui.ui.widgets.sequence_strip import SPARK, centred_window, spark_chars


@pytest.mark.asyncio
async def test_image_two_pixels_per_cell(host):
    image = np.zeros((16, 16, 3), np.uint8)
    image[0, 0] = (255, 0, 0)
    image[1, 0] = (0, 0, 255)
    view = ImageView(image)
    async with host(view).run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert (view.size.width, view.size.height) == (16, 8)
        first = view.render_line(0)._segments[0]
        assert first.text == "▀"
        assert first.style.color.get_truecolor() == (255, 0, 0)
        assert first.style.bgcolor.get_truecolor() == (0, 0, 255)
        view.scale = 2
        await pilot.pause()
        assert (view.size.width, view.size.height) == (32, 16)


def test_image_conversion():
    assert to_rgb_uint8(np.ones((2, 2))).tolist() == [[[255] * 3] * 2] * 2
    assert to_rgb_uint8(np.zeros((3, 2, 3), np.uint8)).shape == (3, 2, 3)
    with pytest.raises(ValueError):
        to_rgb_uint8(np.zeros((2, 2, 4)))


def test_spark_chars_share_scale_and_flag_nan():
    assert spark_chars(np.array([0.0, 1.0, np.nan]), 0.0, 1.0) == [SPARK[0], SPARK[-1], "?"]


def test_centred_window_keeps_cursor_in_the_middle_with_whole_steps():
    widths = [3] * 100
    first, last = centred_window(widths, 60, 30, 1)
    assert first < 60 < last and abs((60 - first) - (last - 60)) <= 1
    # Whole steps, separators and a "… " at both cut edges fit in the 30 cells.
    assert sum(widths[first : last + 1]) + (last - first + 1) + 2 + 2 <= 30
    assert centred_window(widths, 0, 30, 1)[0] == 0
    assert centred_window(widths, 99, 30, 1)[1] == 99
    assert centred_window([2, 2, 2], 1, 30, 1) == (0, 2)  # all fit: nothing cut


@pytest.mark.asyncio
async def test_tokens_aligned_with_cursor_reversed_and_mismatch_marked(host):
    strip = SequenceStrip()
    async with host(strip).run_test(size=(60, 5)) as pilot:
        strip.set_rows([("target", ["le", "chat", "dort"]), ("pred", ["le", "chien", "dort"])])
        strip.compare = (0, 1)
        strip.cursor = 1
        await pilot.pause()
        top, bottom = strip.render_line(0), strip.render_line(1)
        assert top.text.index("chat") == bottom.text.index("chien")  # columns aligned
        assert [s.text.strip() for s in top if s.style and s.style.reverse] == ["chat"]
        assert [s.text.strip() for s in bottom if s.style and s.style.underline] == ["chien"]


@pytest.mark.asyncio
async def test_long_sequence_scrolls_and_shows_value(host):
    strip = SequenceStrip()
    async with host(strip).run_test(size=(40, 5)) as pilot:
        values = np.sin(np.arange(200) / 5)
        strip.set_rows([("x", values)])
        strip.cursor = 150
        await pilot.pause()
        line = strip.render_line(0)
        assert [s.text for s in line if s.style and s.style.reverse] != []
        assert line.text.rstrip().endswith(f"{values[150]:+.3f}")
        strip.cursor = -1
        await pilot.pause()
        assert not [s for s in strip.render_line(0) if s.style and s.style.reverse]


@pytest.mark.asyncio
async def test_banner_levels_and_hiding(host):
    banner = Banner()
    async with host(banner).run_test(size=(60, 5)) as pilot:
        assert banner.has_class("-empty") and not banner.display or banner.size.height == 0
        banner.show("DIVERGED at step 12: loss is NaN", "error")
        await pilot.pause()
        assert banner.has_class("-error") and not banner.has_class("-empty")
        assert banner.render().plain.startswith("✖ DIVERGED")
        banner.show("Model reset: cell changed to GRU")
        await pilot.pause()
        assert not banner.has_class("-error") and banner.render().plain.startswith("Model")
        banner.clear()
        await pilot.pause()
        assert banner.has_class("-empty")
        with pytest.raises(ValueError):
            banner.show("x", "fatal")


@pytest.mark.asyncio
async def test_word_strip_centred_on_the_cursor_never_cuts_a_word(host):
    review = "the plot was unpredictable but the acting felt wooden and never convincing"
    words = [*review.split(), "although", "the", "music", "was", "superb", "."] * 3
    strip = SequenceStrip()
    async with host(strip).run_test(size=(50, 4)) as pilot:
        strip.set_rows([("input", words)])
        gutter = len("input") + 1
        for cursor in range(len(words)):
            strip.cursor = cursor
            await pilot.pause()
            line = strip.render_line(0)
            body = line.text[gutter:]
            shown = [piece for piece in body.split() if piece != "…"]
            first, last = strip.shown_steps()
            assert shown == words[first : last + 1]  # whole words, in order
            cursor_text = [s.text for s in line if s.style and s.style.reverse]
            assert [t.strip() for t in cursor_text] == [words[cursor]]
            # Centred: as many words either side as the ends of the review allow.
            left, right = cursor - first, last - cursor
            if first > 0 and last < len(words) - 1:
                assert abs(left - right) <= 2
            assert body.startswith("… ") == (first > 0)
            assert body.rstrip().endswith("…") == (last < len(words) - 1)


def test_shrunk_image_averages_blocks():
    image = np.zeros((16, 16, 3), np.uint8)
    image[:8, :8] = 200
    view = ImageView(image)
    view.downsample = 2
    pixels = view.pixels
    assert pixels.shape == (8, 8, 3) and pixels[0, 0, 0] == 200 and pixels[7, 7, 0] == 0
    view.downsample = 3  # 16 is not a multiple of 3: the edge is repeated
    assert view.pixels.shape == (6, 6, 3)
