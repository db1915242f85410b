"""VectorBars: packing by width, truncation count, summaries, highlight, glyphs."""

import numpy as np
import pytest

from rnn_tui.ui.widgets.palette import NEGATIVE_GLYPHS, POSITIVE_GLYPHS
from rnn_tui.ui.widgets.vector_bars import BarRow, VectorBars, summarize


def test_summary_gives_mean_min_max():
    row = BarRow("h_t", np.array([-0.5, 0.0, 1.0]))
    assert summarize(row).split() == ["+0.17", "-0.50", "+1.00"]
    gate = BarRow("f", np.array([0.2, 0.4]), "gate")
    assert summarize(gate).split() == ["0.30", "0.20", "0.40"]
    assert "non-finite" in summarize(BarRow("c", np.array([np.nan, 1.0]), "state"))


def test_state_rows_scale_to_their_largest_value():
    assert BarRow("c", np.array([0.5, -3.0]), "state").scale == 3.0
    assert BarRow("c", np.array([0.5]), "state").scale == 1.0
    assert BarRow("h", np.array([5.0])).scale == 1.0
    with pytest.raises(ValueError):
        BarRow("x", np.zeros(2), "other")


@pytest.mark.asyncio
async def test_rows_aligned_and_summarised(host):
    bars = VectorBars()
    bars.glyphs = False
    async with host(bars).run_test(size=(80, 10)) as pilot:
        bars.set_rows([("h_{t-1}", np.linspace(-1, 1, 8)), ("f", np.full(8, 0.9), "gate")])
        await pilot.pause()
        assert bars.packing(80) == (2, 1)  # 8 units fit twice over
        lines = [bars.render_line(y).text for y in range(3)]
        assert "units 0-7" in lines[0] and "mean" in lines[0]
        assert lines[1].startswith("h_{t-1}") and lines[2].startswith("f ")
        assert lines[2].rstrip().endswith("0.90")


@pytest.mark.asyncio
async def test_many_units_pack_two_per_cell_then_cut_and_the_header_says_which(host):
    bars = VectorBars()
    bars.glyphs = False
    async with host(bars).run_test(size=(60, 5)) as pilot:
        bars.set_rows([("h", np.zeros(1000))])
        await pilot.pause()
        assert bars.packing(60) == (1, 2)
        text = bars.render_line(1).text
        assert "▌" in text
        shown = text.count("▌") * 2
        # The blocks end in "…" (then the summary), never a count that reads as a value ("+37").
        blocks, _, summary = text.partition("…")
        assert "+" not in blocks and summary.split() == ["+0.00", "+0.00", "+0.00"]
        assert f"units 0-{shown - 1} of 1000" in bars.render_line(0).text


@pytest.mark.asyncio
async def test_glyph_rows_cut_at_80_columns_end_in_an_ellipsis(host):
    bars = VectorBars()
    bars.glyphs = True
    async with host(bars).run_test(size=(60, 5)) as pilot:
        bars.set_rows([("h_t-1", np.linspace(-1, 1, 64)), ("x_t", np.linspace(-1, 1, 16))])
        await pilot.pause()
        long_row, short_row = bars.render_line(1).text, bars.render_line(2).text
        assert "…" in long_row and "…" not in short_row
        header = bars.render_line(0).text
        assert " of 64" in header and "units 0-" in header


@pytest.mark.asyncio
async def test_highlighted_row_label_is_reversed(host):
    bars = VectorBars([BarRow("i", np.zeros(4), "gate"), BarRow("f", np.zeros(4), "gate")])
    async with host(bars).run_test(size=(60, 5)) as pilot:
        bars.highlight = "f"
        await pilot.pause()
        label_i = bars.render_line(1)._segments[0]
        label_f = bars.render_line(2)._segments[0]
        assert label_f.style.reverse and not label_i.style.reverse


@pytest.mark.asyncio
async def test_glyph_mode_shows_sign(host):
    bars = VectorBars()
    bars.glyphs = True
    async with host(bars).run_test(size=(80, 5)) as pilot:
        bars.set_rows([("h", np.array([1.0, -1.0]))])
        await pilot.pause()
        text = bars.render_line(1).text
        assert POSITIVE_GLYPHS[-1] in text and NEGATIVE_GLYPHS[-1] in text
