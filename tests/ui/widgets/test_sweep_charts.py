"""The Sweep panel's charts, read back from the screen at the app's 80x24 and 120x40 sizes.

The panel is hosted alone at the size it has in the app (tests/ui/test_sweep_panel.py
checks the size in the real app), shown a sweep of known numbers, and read back as text:
each cell's letter in the row of its value and the column of its x label, the goal and
chance lines at their height, the seeds' range, the log-log timing and its slopes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.sweep import SweepPlan, SweepPoint, SweepResult, SweepRun
from rnn_tui.ui.panels.sweep import SweepPanel
from rnn_tui.ui.widgets.sweep_chart import SweepChart
from rnn_tui.ui.widgets.sweep_time_chart import SweepTimeChart
from tests.ui.widgets.chart_picture import ChartPicture, screen_lines
from tests.ui.widgets.test_chart_truth import APP_CSS, PANEL_SIZES, level_count

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
VALUES = (5, 10, 20, 30)
CELLS = ("rnn", "lstm", "gru")
# Held-out accuracy per (value, cell): three seeds each; means 1, 1, 0.5, 0.25 for the
# rnn (seeds 0.25/0.5/0.75 at 20: its range bar), 1 for the lstm, 0.75 from 20 on for the gru.
SCORES = {
    "rnn": {5: (1, 1, 1), 10: (1, 1, 1), 20: (0.25, 0.5, 0.75), 30: (0.25, 0.25, 0.25)},
    "lstm": {v: (1, 1, 1) for v in VALUES},
    "gru": {5: (1, 1, 1), 10: (1, 1, 1), 20: (0.75, 0.75, 0.75), 30: (0.75, 0.75, 0.75)},
}


def sweep(scores=SCORES, values=VALUES, seconds=lambda cell, t: 1e-4 * t) -> SweepResult:
    seeds = (0, 1, 2)
    runs = [(v, c, s) for v in values for c in CELLS for s in seeds]
    plan = SweepPlan("long-memory", "data.params.seq_len", values, CELLS, seeds, "accuracy", 0.95,
                     tuple(SweepRun(i, v, c, s, 150) for i, (v, c, s) in enumerate(runs)))
    points = tuple(
        SweepPoint(v, c, s, v, float(scores[c][v][s]), scores[c][v][s] >= 0.95, None, 150,
                   seconds(c, v), seconds(c, v) / 5, 500, 3.0, 0.25)
        for v, c, s in runs
    )
    return SweepResult(plan, points, workers=1, seconds=40.0)


class PanelHost(App):
    CSS_PATH = APP_CSS

    def __init__(self, panel: SweepPanel) -> None:
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        yield self.panel


async def shown(pilot, panel: SweepPanel, result: SweepResult, view: str) -> ChartPicture:
    panel.show_result(result, "test.json")
    panel.set_view(view)
    chart = panel.query_one(SweepChart if view == "metric" else SweepTimeChart)
    for _ in range(3):
        await pilot.pause()
        chart.redraw()
    await pilot.pause()
    return ChartPicture(screen_lines(pilot.app, chart))


def row_value(chart: ChartPicture, row: int, log: bool = False) -> float:
    """The value at the middle of a row, from the two outermost labelled rows."""
    labels = chart.y_label_values()
    (r1, v1), (r2, v2) = min(labels.items()), max(labels.items())
    if log:
        v1, v2 = math.log10(v1), math.log10(v2)
    value = v1 + (row - r1) * (v2 - v1) / (r2 - r1)
    return 10**value if log else value


def row_span(chart: ChartPicture, log: bool = False) -> float:
    labels = chart.y_label_values()
    (r1, v1), (r2, v2) = min(labels.items()), max(labels.items())
    if log:
        v1, v2 = math.log10(v1), math.log10(v2)
    return abs(v2 - v1) / abs(r2 - r1)


def x_label_columns(chart: ChartPicture) -> dict[str, int]:
    """x tick label -> the column (in the chart's lines) of its middle character."""
    line = chart.below[0]
    out, column = {}, 0
    for word in line.split():
        start = line.index(word, column)
        out[word] = start + (len(word) - 1) // 2
        column = start + len(word)
    return out


def letters(chart: ChartPicture, letter: str) -> list[tuple[int, int]]:
    """(row, column) of every ``letter`` inside the frame."""
    return [(row, chart.left + 1 + col) for row in range(chart.top + 1, chart.bottom)
            for col, ch in enumerate(chart.inside(row)) if ch == letter]


@pytest.mark.parametrize("size", PANEL_SIZES)
async def test_each_cell_is_drawn_at_its_mean_under_its_value_with_goal_and_chance(size):
    panel = SweepPanel(load_scenario(SCENARIOS / "long-memory.toml"), id="sweep")
    async with PanelHost(panel).run_test(size=PANEL_SIZES[size]) as pilot:
        chart = await shown(pilot, panel, sweep(), "metric")
        assert chart.bottom - chart.top - 1 >= 7, chart.lines  # room for the data
        # Titles and legend: the metric, the varied key, the lines and the cells.
        assert chart.title_row.startswith("held-out accuracy"), chart.title_row
        for entry in ("goal 0.95", "chance 0.25", "r rnn", "l lstm", "g gru"):
            assert entry in chart.title_row, chart.title_row
        assert any("data.params.seq_len" in line for line in chart.below), chart.below
        labels = chart.y_label_values()
        assert min(labels.values()) == 0.0 and max(labels.values()) == 1.0
        columns = x_label_columns(chart)
        assert all(str(v) in columns for v in (10, 20, 30)), chart.below
        span = row_span(chart)
        for index, cell in enumerate(CELLS):
            found = letters(chart, cell[0])
            assert len(found) == len(VALUES), (cell, chart.lines)
            for (row, column), value in zip(sorted(found, key=lambda rc: rc[1]), VALUES, strict=True):
                mean = sum(SCORES[cell][value]) / 3
                # In the row of its mean (within half a row), in its value's column:
                # rnn one column left of the label, lstm on it, gru one right.
                assert abs(row_value(chart, row) - mean) <= span / 2 + 1e-9, (cell, value, chart.lines)
                if str(value) in columns:
                    assert column - columns[str(value)] == index - 1, (cell, value, chart.lines)
        # The goal (0.95) and chance (0.25) lines: the rows most covered by a level glyph.
        # (The goal is mostly under the lines at 1.0: its ends show.)
        level_rows = [row for row in range(chart.top + 1, chart.bottom) if level_count(chart, row) >= 2]
        goal_row, chance_row = level_rows
        assert level_count(chart, chance_row) > 20, chart.lines
        assert abs(row_value(chart, goal_row) - 0.95) <= span / 2 + 1e-9, chart.lines
        assert abs(row_value(chart, chance_row) - 0.25) <= span / 2 + 1e-9, chart.lines
        # The rnn's seeds at 20 range from 0.25 to 0.75: a bar over those rows in its column.
        rnn_20 = sorted(letters(chart, "r"), key=lambda rc: rc[1])[2]
        bar_rows = [row for row in range(chart.top + 1, chart.bottom)
                    if chart.lines[row][rnn_20[1]] in "│r"]
        assert abs(row_value(chart, min(bar_rows)) - 0.75) <= span / 2 + 1e-9, chart.lines
        assert abs(row_value(chart, max(bar_rows)) - 0.25) <= span / 2 + 1e-9, chart.lines
        caption = str(panel.query_one("#sweep-caption").render())
        assert "mean over seeds 0, 1, 2, │ from the lowest to the highest; 150 training steps" in caption


@pytest.mark.parametrize("size", PANEL_SIZES)
async def test_timing_is_log_log_with_each_cells_slope_and_the_reason(size):
    panel = SweepPanel(load_scenario(SCENARIOS / "long-memory.toml"), id="sweep")
    # rnn: time in proportion to T (slope 1); lstm: 2e-4 * T; gru: a fixed 1e-2 (slope 0).
    times = {"rnn": lambda t: 1e-4 * t, "lstm": lambda t: 2e-4 * t, "gru": lambda t: 1e-2}
    result = sweep(values=(10, 100, 1000), scores={c: {v: (1, 1, 1) for v in (10, 100, 1000)} for c in CELLS},
                   seconds=lambda cell, t: times[cell](t))
    async with PanelHost(panel).run_test(size=PANEL_SIZES[size]) as pilot:
        chart = await shown(pilot, panel, result, "time")
        assert chart.title_row.startswith("CPU seconds per training step"), chart.title_row
        assert all(entry in chart.title_row for entry in ("slope 1", "r rnn", "l lstm", "g gru"))
        assert any("sequence length T (log scale)" in line for line in chart.below), chart.below
        columns = x_label_columns(chart)
        assert [c for c in ("10", "100", "1000") if c in columns] == ["10", "100", "1000"], chart.below
        # Decades a whole number of rows apart, and each point on its decade's row.
        labels = chart.y_label_values()
        assert len({b - a for a, b in zip(sorted(labels), sorted(labels)[1:], strict=False)}) == 1
        span = row_span(chart, log=True)
        for index, cell in enumerate(CELLS):
            found = sorted(letters(chart, cell[0]), key=lambda rc: rc[1])
            assert len(found) == 3, (cell, chart.lines)
            for (row, column), t in zip(found, (10, 100, 1000), strict=True):
                assert abs(math.log10(row_value(chart, row, log=True)) - math.log10(times[cell](t))) <= (
                    span / 2 + 1e-9), (cell, t, chart.lines)
                assert column - columns[str(t)] == index - 1, (cell, t, chart.lines)
        caption = str(panel.query_one("#sweep-caption").render())
        assert "log-log slope: rnn 1.00, lstm 1.00, gru 0.00" in caption
        assert "Step t needs h_{t-1}" in caption and "never in parallel over time" in caption


async def test_a_sweep_with_one_length_says_there_is_no_slope():
    panel = SweepPanel(load_scenario(SCENARIOS / "long-memory.toml"), id="sweep")
    result = sweep(values=(7,), scores={c: {7: (1, 1, 1)} for c in CELLS})
    async with PanelHost(panel).run_test(size=PANEL_SIZES["80x24"]) as pilot:
        await shown(pilot, panel, result, "time")
        caption = str(panel.query_one("#sweep-caption").render())
        assert "Every run has T = 7 recurrent steps: no slope to fit" in caption


def test_every_term_the_sweep_view_shows_is_in_the_glossary():
    from rnn_tui.ui.glossary import defined

    chart, time_chart = SweepChart(), SweepTimeChart()
    chart.show(sweep())
    shown = [chart.x_title.rsplit(".", 1)[-1], chart.chart_title.removeprefix("held-out "), "held-out",
             time_chart.chart_title, time_chart.x_title.removesuffix(" (log scale)"),
             "goal", "chance", "slope 1", "log-log slope", "│", "sweep", "runs", "worker process", "h_{t-1}"]
    assert [term for term in shown if not defined(term)] == []
