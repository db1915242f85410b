"""An empty chart says what will appear in it (empty_text), inside its frame, until the
first point; a goal line alone does not count as data."""

from __future__ import annotations

import pytest

from rnn_tui.ui.widgets import LossChart, MetricChart
from tests.ui.widgets.chart_picture import ChartPicture, screen_lines

TEXT = "The loss of every training step appears here as the model trains."


async def settle(pilot):
    await pilot.pause()
    await pilot.pause()


def inside_text(app, chart) -> list[str]:
    picture = ChartPicture(screen_lines(app, chart))
    rows = range(picture.top + 1, picture.bottom)
    return [picture.inside(row).strip() for row in rows if picture.inside(row).strip()]


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(40, 12), (80, 20)])
async def test_the_text_is_inside_the_frame_until_the_first_point(host, size):
    chart = LossChart()
    chart.empty_text = TEXT
    app = host(chart)
    async with app.run_test(size=size) as pilot:
        chart.mark_dirty()
        chart.redraw()
        await settle(pilot)
        shown = inside_text(app, chart)
        assert shown == chart.empty_lines and len(shown) >= 1
        assert " ".join(shown) == TEXT  # wrapped at spaces, nothing cut
        picture = ChartPicture(screen_lines(app, chart))
        width = picture.right - picture.left - 1
        for row in range(picture.top + 1, picture.bottom):  # centred: margins differ by <= 1
            line = picture.inside(row)
            if line.strip():
                left, right = len(line) - len(line.lstrip()), len(line) - len(line.rstrip())
                assert abs(left - right) <= 1 and len(line) == width
        chart.add_train(1, 0.5)
        chart.add_train(2, 0.4)
        chart.redraw()
        await settle(pilot)
        assert chart.empty_lines == []
        assert not any("trains" in row for row in inside_text(app, chart))


@pytest.mark.asyncio
async def test_a_goal_line_alone_keeps_the_text(host):
    chart = MetricChart("accuracy", 0.9)
    chart.empty_text = "Held-out accuracy, measured every 50 steps."
    app = host(chart)
    async with app.run_test(size=(80, 20)) as pilot:
        chart.mark_dirty()
        chart.redraw()
        await settle(pilot)
        assert "Held-out accuracy, measured every 50 steps." in " ".join(inside_text(app, chart))
        chart.add(50, 0.7)
        chart.redraw()
        await settle(pilot)
        assert chart.empty_lines == []


@pytest.mark.asyncio
async def test_a_frame_too_small_for_the_whole_text_shows_none_of_it(host):
    chart = LossChart()
    chart.empty_text = TEXT * 3
    app = host(chart)
    async with app.run_test(size=(30, 8)) as pilot:
        chart.mark_dirty()
        chart.redraw()
        await settle(pilot)
        assert chart.empty_lines == []
        assert inside_text(app, chart) == []
