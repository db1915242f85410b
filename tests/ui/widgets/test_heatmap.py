"""HiddenHeatmap: colour by sign, cursor marking and scrolling, glyph mode, parts."""

import numpy as np
import pytest

from rnn_tui.ui.widgets.heatmap import HiddenHeatmap
from rnn_tui.ui.widgets.heatmap_lines import ruler_text
from rnn_tui.ui.widgets.palette import NEGATIVE_GLYPHS, POSITIVE_GLYPHS


def data_segments(strip, gutter):
    """Segments right of the gutter."""
    return list(strip.crop(gutter))


def rgb(color):
    return color.get_truecolor()


@pytest.mark.asyncio
async def test_half_block_colours_follow_sign(host):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = False
    async with host(heatmap).run_test(size=(60, 12)) as pilot:
        values = np.array([[1.0] * 5 + [-1.0] * 5, [-1.0] * 5 + [1.0] * 5])
        heatmap.set_parts([("h", values)])
        await pilot.pause()
        segments = data_segments(heatmap.render_line(1), heatmap.gutter_width)
        assert segments[0].text.startswith("▀")
        top, bottom = rgb(segments[0].style.color), rgb(segments[0].style.bgcolor)
        assert top.red > top.blue and bottom.blue > bottom.red  # unit 0 +, unit 1 -
        top, bottom = rgb(segments[1].style.color), rgb(segments[1].style.bgcolor)
        assert top.blue > top.red and bottom.red > bottom.blue


@pytest.mark.asyncio
async def test_two_units_per_line_and_part_headers(host):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = False
    async with host(heatmap).run_test(size=(60, 30)) as pilot:
        heatmap.set_parts([("encoder", np.zeros((6, 10))), ("decoder", np.zeros((3, 4)))])
        await pilot.pause()
        lines = [heatmap.render_line(y).text for y in range(heatmap.virtual_size.height)]
        assert lines[0].startswith("encoder")
        assert lines[4].startswith("decoder")  # 1 header + 3 lines for 6 units
        assert len(lines) == 1 + 3 + 1 + 2  # 3 units -> 2 lines, the last half empty


@pytest.mark.asyncio
async def test_cursor_marked_in_its_part_only(host):
    heatmap = HiddenHeatmap()
    async with host(heatmap).run_test(size=(60, 30)) as pilot:
        heatmap.set_parts([("enc", np.zeros((2, 10))), ("dec", np.zeros((2, 10)))])
        heatmap.cursor = (1, 4)
        await pilot.pause()
        enc_header = heatmap.render_line(0).text
        dec_header = heatmap.render_line(2 if not heatmap.use_glyphs else 3).text
        assert "▼" not in enc_header
        col = dec_header.index("▼") - heatmap.gutter_width
        assert col // heatmap.cells_per_step == 4


@pytest.mark.asyncio
async def test_cursor_is_clamped(host):
    heatmap = HiddenHeatmap()
    async with host(heatmap).run_test(size=(60, 12)):
        heatmap.set_parts([("h", np.zeros((4, 10)))])
        heatmap.cursor = (3, 99)
        assert heatmap.cursor == (0, 9)


@pytest.mark.asyncio
async def test_long_sequence_scrolls_to_keep_cursor_visible(host):
    heatmap = HiddenHeatmap()
    async with host(heatmap).run_test(size=(50, 12)) as pilot:
        heatmap.set_parts([("h", np.zeros((4, 300)))])
        for t in (0, 150, 299, 20):
            heatmap.cursor = (0, t)
            await pilot.pause()
            header = heatmap.render_line(0).text
            assert "▼" in header, t
            start = heatmap._offsets[0]
            assert start <= t < start + heatmap.visible_steps
        assert header[heatmap.gutter_width] == "◀" and header.rstrip().endswith("▶")


@pytest.mark.asyncio
async def test_glyph_mode_one_unit_per_line_with_sign_glyphs(host):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = True
    async with host(heatmap).run_test(size=(60, 12)) as pilot:
        heatmap.set_parts([("h", np.array([[0.9, -0.9, 0.0, np.nan]] * 1 + [[-0.3] * 4]))])
        heatmap.cursor = (0, 1)
        await pilot.pause()
        first = heatmap.render_line(1)
        text = first.text[heatmap.gutter_width :].rstrip()
        cps = heatmap.cells_per_step
        assert text[0] == POSITIVE_GLYPHS[-1]
        assert text[cps] == NEGATIVE_GLYPHS[-1]
        assert text[2 * cps] == " "
        assert text[3 * cps] == "?"
        assert heatmap.render_line(2).text[heatmap.gutter_width] in NEGATIVE_GLYPHS
        reversed_text = "".join(s.text for s in first if s.style and s.style.reverse)
        assert reversed_text == NEGATIVE_GLYPHS[-1] * cps  # the cursor's column
        legend = heatmap.render_line(3).text
        assert POSITIVE_GLYPHS in legend and NEGATIVE_GLYPHS in legend


@pytest.mark.asyncio
async def test_no_color_environment_switches_to_glyphs(host, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    heatmap = HiddenHeatmap()
    async with host(heatmap).run_test(size=(40, 10)):
        assert heatmap.use_glyphs


@pytest.mark.asyncio
async def test_scale_changes_colour_strength(host):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = False
    async with host(heatmap).run_test(size=(40, 10)) as pilot:
        heatmap.set_parts([("h", np.full((2, 3), 0.5))])
        await pilot.pause()
        before = rgb(data_segments(heatmap.render_line(1), heatmap.gutter_width)[0].style.color)
        heatmap.scale = 0.5
        await pilot.pause()
        after = rgb(data_segments(heatmap.render_line(1), heatmap.gutter_width)[0].style.color)
        assert after.red > before.red


def test_ruler_labels_marks_and_cursor():
    ruler = ruler_text(0, 30, 25, cursor=12)
    assert ruler.startswith("0")
    assert ruler[10:12] == "10" and ruler[12] == "▼"
    assert ruler[5] == "·"
    assert ruler[25:].strip() == ""
    assert ruler_text(10, 10, 40)[0] == "◀" and ruler_text(10, 10, 40)[-1] == "▶"
    stretched = ruler_text(0, 30, 10, cursor=3, cells_per_step=3)
    assert stretched.index("▼") == 3 * 3 + 1


@pytest.mark.asyncio
async def test_moving_the_cursor_to_another_part_scrolls_to_its_header(host):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = False
    async with host(heatmap).run_test(size=(50, 10)) as pilot:
        heatmap.set_parts([("enc", np.zeros((64, 10))), ("dec", np.zeros((64, 10)))])
        await pilot.pause()
        assert heatmap.scroll_y == 0
        heatmap.cursor = (1, 2)
        await pilot.pause()
        assert heatmap.render_line(0).text.startswith("dec")


@pytest.mark.asyncio
@pytest.mark.parametrize("glyphs", [False, True])
async def test_cursor_step_redraws_the_cursor_lines_only(host, glyphs):
    heatmap = HiddenHeatmap()
    heatmap.glyphs = glyphs
    async with host(heatmap).run_test(size=(60, 40)) as pilot:
        heatmap.set_parts([("enc", np.full((6, 10), 0.9)), ("dec", np.full((6, 10), -0.9))])
        heatmap.cursor = (0, 2)
        await pilot.pause()
        lines = range(heatmap.virtual_size.height)
        for y in lines:
            heatmap.render_line(y)  # fill the cache
        built = []
        original = heatmap._build_line
        heatmap._build_line = lambda index, frame: built.append(index) or original(index, frame)
        heatmap.cursor = (0, 3)
        await pilot.pause()
        shown = [heatmap.render_line(y) for y in lines]
        header = shown[0].text
        assert (header.index("▼") - heatmap.gutter_width) // heatmap.cells_per_step == 3
        enc_lines = 6 if glyphs else 3
        if glyphs:
            segments = list(shown[1])
            at = next(i for i, s in enumerate(segments) if s.style and s.style.reverse)
            column = sum(len(s.text) for s in segments[:at]) - heatmap.gutter_width
            assert column // heatmap.cells_per_step == 3
            assert len(segments[at].text) == heatmap.cells_per_step
        # The two rulers, plus (glyphs only) the unit lines of the cursor's part.
        assert sorted(built) == sorted([0, 1 + enc_lines] + (list(range(1, 7)) if glyphs else []))
