"""Charts that tell the truth, measured on the rendered screen at the app's 80x24 and 120x40 sizes.

The Training panel is hosted alone at the size it has in the app (80x24: 80x20, 120x40:
90x36 beside the Setup sidebar; tests/ui/test_chart_layout.py checks these against the
real app), fed step reports, drawn, and read back as text: where the tick labels are,
where the goal line and the points are, what the labels and legends say.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.app import App, ComposeResult

from rnn_tui.core.changes import apply_changes
from rnn_tui.core.reports import EvalResult, StepReport
from rnn_tui.core.scenario import Scenario, load_scenario
from rnn_tui.ui.panels.training import TrainingPanel
from rnn_tui.ui.widgets import Banner, CompareChart
from tests.ui.widgets.chart_picture import ChartPicture, label_value, screen_lines

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
APP_CSS = Path(__file__).resolve().parents[3] / "rnn_tui" / "ui" / "app.tcss"
PANEL_SIZES = {"80x24": (80, 20), "120x40": (90, 36)}
"""The Training panel's size in the app at each terminal size."""


def scenario(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.toml")


def training_panel(name: str) -> TrainingPanel:
    return TrainingPanel(scenario(name), id="training")  # the app's stylesheet lays it out


class PanelHost(App):
    CSS_PATH = APP_CSS

    def __init__(self, panel: TrainingPanel) -> None:
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        yield self.panel


def report(
    step: int,
    loss: float = 0.5,
    grad_norm: float = 0.5,
    clipped: bool = False,
    metric: float | None = None,
    probe: dict | None = None,
    diverged: str | None = None,
) -> StepReport:
    evaluation = None if metric is None else EvalResult(loss, metric, 100)
    return StepReport(
        step,
        loss,
        grad_norm,
        min(grad_norm, 1.0),
        clipped,
        0.01,
        {},
        0.0,
        evaluation,
        probe,
        diverged,
    )


async def draw(pilot, panel: TrainingPanel) -> None:
    for _ in range(3):
        panel.redraw()
        await pilot.pause()


def picture(app: App, chart) -> ChartPicture:
    return ChartPicture(screen_lines(app, chart))


def rising_accuracy(steps: int = 951) -> list[StepReport]:
    """Accuracy from 0.5 up to exactly 1.0, then 1.0 to the end; an eval every 50 steps."""
    return [
        report(step, metric=min(1.0, 0.5 + step / 500) if step % 50 == 1 or step == steps else None)
        for step in range(1, steps + 1)
    ]


def level_count(chart: ChartPicture, row: int) -> int:
    """Cells of a threshold line (a goal, max norm) on a row, at any height in the row."""
    return sum(chart.inside(row).count(glyph) for glyph in "▔╌▁")


@pytest.mark.parametrize("size", PANEL_SIZES)
@pytest.mark.parametrize("name", ["sentiment", "long-memory"])  # goals 0.9 and 0.95
async def test_metric_points_and_goal_are_drawn_by_their_labels(size, name):
    panel = training_panel(name)
    app = PanelHost(panel)
    async with app.run_test(size=PANEL_SIZES[size]) as pilot:
        await pilot.pause()
        panel.add_reports(rising_accuracy())
        await draw(pilot, panel)
        chart = picture(app, panel.metric)
        labels = chart.y_label_values()
        # Accuracy 1.0, the newest point, is drawn on the row labelled 1.0.
        ones = [row for row, value in labels.items() if value == 1.0]
        assert len(ones) == 1, ("no row inside the frame is labelled 1.0", chart.lines)
        assert chart.row_of_rightmost("o") == ones[0], chart.lines
        # The goal line is below every label above the goal and above every label under it;
        # on a labelled row, its glyph says which side of the label it is ("▁": below).
        goal = panel.scenario.goal.target
        goal_row = max(range(chart.top + 1, chart.bottom), key=lambda row: level_count(chart, row))
        assert level_count(chart, goal_row) > 3, chart.lines
        for row, value in labels.items():
            if value > goal:
                assert row <= goal_row, (value, chart.lines)
            elif value < goal:
                assert row > goal_row, (value, chart.lines)
        if goal_row in labels and labels[goal_row] != goal:
            glyph = "▁" if labels[goal_row] > goal else "▔"
            assert glyph in chart.inside(goal_row), chart.lines
        # The bounded metric keeps its 0..1 axis.
        assert min(labels.values()) == 0.0 and max(labels.values()) == 1.0


@pytest.mark.parametrize("size", PANEL_SIZES)
async def test_log_axis_decades_are_evenly_spaced_and_values_on_their_decade(size):
    panel = training_panel("exploding-gradients")  # clipping on, max norm 1
    app = PanelHost(panel)
    norms = 10.0 ** np.linspace(-5, 1, 300)
    probe_norms = 10.0 ** np.linspace(-5, 0, 40)[None, :]
    async with app.run_test(size=PANEL_SIZES[size]) as pilot:
        await pilot.pause()
        panel.add_reports(
            [
                report(
                    step,
                    grad_norm=norm,
                    clipped=norm > 1,
                    probe={"rnn": probe_norms} if step == 300 else None,
                )
                for step, norm in enumerate(norms, start=1)
            ]
        )
        await draw(pilot, panel)
        for chart in (panel.grad_norm, panel.grad_time):
            shown = picture(app, chart)
            rows = sorted(shown.y_label_values())
            assert len(rows) >= 3, shown.lines
            assert len({b - a for a, b in zip(rows, rows[1:], strict=False)}) == 1, shown.lines
        # The max norm line (1.0) is on the row labelled 10⁰.
        shown = picture(app, panel.grad_norm)
        (row,) = [r for r, value in shown.y_label_values().items() if value == 1.0]
        assert shown.inside(row).count("╌") + shown.inside(row).count("x") > 5, shown.lines


@pytest.mark.parametrize("size", [(38, 15), (88, 15)], ids=["80x24", "120x40"])
async def test_compare_gradient_decades_are_evenly_spaced(host, size):
    chart = CompareChart("‖dL/dh_t‖", log_y=True)
    async with host(chart).run_test(size=size) as pilot:
        await pilot.pause()
        for index, name in enumerate(("vanilla RNN", "LSTM", "GRU")):
            norms = 10.0 ** np.linspace(-5.3 + index, 0.2, 50)
            chart.set_series(name, np.arange(1, 51), norms)
        chart.redraw()
        await pilot.pause()
        await pilot.pause()
        shown = picture(pilot.app, chart)
        rows = sorted(shown.y_label_values())
        values = [shown.y_label_values()[row] for row in rows]
        assert len(rows) >= 3 and all(np.log10(v) == round(np.log10(v)) for v in values)
        assert len({b - a for a, b in zip(rows, rows[1:], strict=False)}) == 1, shown.lines


@pytest.mark.parametrize("size", PANEL_SIZES)
async def test_after_divergence_the_axes_say_what_happened(size):
    panel = training_panel("exploding-gradients")
    app = PanelHost(panel)
    losses = [0.5] * 10 + list(10.0 ** np.linspace(0, np.log10(9.8e33), 20))
    reports = [
        report(step, loss=loss, grad_norm=loss * 10, metric=0.8 if step == 1 else None)
        for step, loss in enumerate(losses, start=1)
    ]
    reports.append(report(31, loss=float("nan"), diverged="loss is NaN"))
    async with app.run_test(size=PANEL_SIZES[size]) as pilot:
        await pilot.pause()
        panel.add_reports(reports)
        await draw(pilot, panel)
        loss = picture(app, panel.loss)
        labels = loss.y_labels()
        values = [label_value(text) for text in labels.values()]  # every label is a number
        assert max(values) >= 9.8e33, labels  # the axis reaches the loss it shows
        assert all(len(text) <= 7 for text in labels.values())  # nothing cut ("7999999")
        # One evaluation (step 1): the x axis is still training steps 0..30, whole numbers.
        metric = picture(app, panel.metric)
        ticks = [text for text in metric.x_labels() if text.replace(".", "").isdigit()]
        assert ticks and all(text.isdigit() for text in ticks), metric.below
        assert ticks[0] == "0" and max(int(t) for t in ticks) <= 30


async def test_legend_follows_a_scenario_switch():
    # long-memory's goal is 0.95, exploding-gradients' 0.9; sentiment's is 0.9 too.
    panel = training_panel("long-memory")
    app = PanelHost(panel)
    async with app.run_test(size=PANEL_SIZES["80x24"]) as pilot:
        await pilot.pause()
        panel.add_reports(rising_accuracy(200))
        await draw(pilot, panel)
        assert "goal 0.95" in picture(app, panel.metric).title_row
        for name in ("exploding-gradients", "sentiment", "exploding-gradients"):
            panel.reset(scenario(name))
            await draw(pilot, panel)
            assert "goal" not in picture(app, panel.metric).title_row  # no data yet
            panel.add_reports([report(s, metric=0.8) for s in range(1, 60)])
            await draw(pilot, panel)
            title = picture(app, panel.metric).title_row
            metric = panel.scenario.goal.metric
            assert title.startswith(f"held-out {metric}") and "goal 0.9" in title, title
            assert "0.95" not in title and title.count("goal") == 1, title


async def test_reset_after_clipping_shows_one_clipped_entry():
    panel = training_panel("exploding-gradients")
    app = PanelHost(panel)
    clipping = [report(s, grad_norm=5.0, clipped=True) for s in range(1, 50)]
    async with app.run_test(size=PANEL_SIZES["80x24"]) as pilot:
        await pilot.pause()
        panel.add_reports(clipping)
        await draw(pilot, panel)
        assert picture(app, panel.grad_norm).title_row.count("x clipped") == 1
        # Clipping off, a new model: nothing is clipped, the legend says nothing of it.
        panel.reset(apply_changes(scenario("exploding-gradients"), {"training.clip": False}))
        panel.add_reports([report(s, grad_norm=5.0) for s in range(1, 50)])
        await draw(pilot, panel)
        title = picture(app, panel.grad_norm).title_row
        assert "clipped" not in title and "max norm" not in title, title
        # Clipping on again after a reset: one entry.
        panel.reset(scenario("exploding-gradients"))
        panel.add_reports(clipping)
        await draw(pilot, panel)
        title = picture(app, panel.grad_norm).title_row
        assert title.count("x clipped") == 1 and title.count("max norm 1") == 1, title


@pytest.mark.parametrize("size", PANEL_SIZES)
async def test_every_chart_has_axis_titles(size):
    panel = training_panel("sentiment")
    app = PanelHost(panel)
    probe = {"rnn": 10.0 ** np.linspace(-4, 0, 30)[None, :]}
    async with app.run_test(size=PANEL_SIZES[size]) as pilot:
        await pilot.pause()
        panel.add_reports(
            [
                report(
                    s, metric=0.6 if s % 50 == 1 else None, probe=probe if s in (1, 951) else None
                )
                for s in range(1, 952)
            ]
        )
        await draw(pilot, panel)
        titles = {
            panel.loss: ("loss", "training step"),
            panel.metric: ("held-out accuracy", "training step"),
            panel.grad_norm: ("grad norm", "training step"),
            panel.grad_time: ("‖dL/dh_t‖", "timestep t"),
        }
        for chart, (y_title, x_title) in titles.items():
            shown = picture(app, chart)
            assert shown.title_row.startswith(y_title), shown.lines
            assert any(x_title in row for row in shown.below), shown.lines
        legend = picture(app, panel.grad_time).title_row
        assert "step 951" in legend and "step 1" in legend and "@" not in legend


async def test_banner_wraps_instead_of_cutting(host):
    message = (
        "DIVERGED at step 31: loss is NaN. Turn clipping on (g), lower the learning rate ([) "
        "or reset (r)."
    )
    banner = Banner()
    async with host(banner).run_test(size=(80, 10)) as pilot:
        banner.show(message, "error")
        await pilot.pause()
        await pilot.pause()
        shown = " ".join(line.strip() for line in screen_lines(pilot.app, banner))
        assert banner.size.height >= 2
        assert "Turn clipping on (g), lower the learning rate ([) or reset (r)." in shown
