"""Training charts: draw only on redraw(), log scale, clipping marks, probes, legends."""

import numpy as np
import pytest
from textual_plot.plot_widget import LinePlot, ScatterPlot

from rnn_tui.ui.widgets import (
    CompareChart,
    GradNormChart,
    GradThroughTimeChart,
    LossChart,
    MetricChart,
)
from rnn_tui.ui.widgets.chart_base import LEVEL_GLYPHS


async def settle(pilot):
    await pilot.pause()
    await pilot.pause()


@pytest.mark.asyncio
async def test_data_is_drawn_only_on_redraw(host):
    chart = LossChart()
    async with host(chart).run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        assert not chart.dirty
        for step in range(100):
            chart.add_train(step, 1.0 / (step + 1))
        assert chart.dirty and chart._datasets == []  # nothing drawn per point
        assert chart.redraw() is True
        assert not chart.redraw()  # nothing new
        lines = [d for d in chart._datasets if isinstance(d, LinePlot)]
        assert len(lines) == 1 and lines[0].x[-1] == 99
        assert "train" in chart.legend_text


@pytest.mark.asyncio
async def test_history_is_bounded(host):
    chart = LossChart(max_points=50)
    async with host(chart).run_test(size=(80, 20)):
        for step in range(5000):
            chart.add_train(step, 1.0)
        assert len(chart.train) <= 50


@pytest.mark.asyncio
async def test_grad_norm_on_log_axis_with_clipping_and_threshold(host):
    chart = GradNormChart(max_norm=2.0)
    async with host(chart).run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        norms = [0.5, 5.0, 1.0, 40.0, 0.1]
        for step, norm in enumerate(norms):
            chart.add(step, norm, clipped=norm > 2.0)
        chart.redraw()
        assert all(label.startswith("10") for label in chart._y_axis.labels)  # 10ⁿ ticks
        line = next(d for d in chart._datasets if isinstance(d, LinePlot))
        assert np.allclose(line.y, np.log10(norms))
        scatters = [d for d in chart._datasets if isinstance(d, ScatterPlot)]
        threshold = next(d for d in scatters if d.marker in LEVEL_GLYPHS)
        assert np.allclose(threshold.y, np.log10(2.0))
        clipped = next(d for d in scatters if d.marker == "x")
        assert clipped.x.tolist() == [1.0, 3.0]
        assert chart.clip_fraction == pytest.approx(0.4)
        chart.set_max_norm(None)
        chart.redraw()
        assert not any(getattr(d, "marker", "") in LEVEL_GLYPHS for d in chart._datasets)


@pytest.mark.asyncio
async def test_grad_through_time_keeps_earliest_probe_and_lays_parts_end_to_end(host):
    chart = GradThroughTimeChart()
    async with host(chart).run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        first = [("encoder", np.full(5, 1e-3)), ("decoder", np.full(3, 1e-1))]
        chart.set_probe(0, first)
        chart.set_probe(500, [("encoder", np.full(5, 1e-2)), ("decoder", np.full(3, 1.0))])
        chart.set_probe(900, [("encoder", np.full(5, 0.5)), ("decoder", np.full(3, 2.0))])
        chart.redraw()
        assert chart.earliest[0] == 0 and chart.latest[0] == 900
        lines = [d for d in chart._datasets if isinstance(d, LinePlot)]
        marks = [d for d in chart._datasets if isinstance(d, ScatterPlot)]
        assert [line.x.tolist() for line in lines] == [[1, 2, 3, 4, 5], [6, 7, 8]]  # t from 1
        assert np.allclose(lines[1].y, np.log10(2.0))
        assert np.allclose(marks[0].y, -3.0)  # earliest encoder probe, as markers
        assert [v.x for v in chart._v_lines] == [5.5]
        assert "step 900" in chart.legend_text and "step 0" in chart.legend_text
        chart.reset()
        chart.set_probe(1000, first)
        assert chart.earliest[0] == 1000


@pytest.mark.asyncio
async def test_metric_axis_fixed_for_accuracy_only(host):
    accuracy, rmse = MetricChart("accuracy", 0.9), MetricChart("rmse", 0.1, id="rmse")
    async with host(accuracy, rmse).run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        for step in range(0, 500, 50):
            accuracy.add(step, 0.5 + step / 1000)
            rmse.add(step, 3.0 - step / 1000)
        accuracy.redraw()
        rmse.redraw()
        await settle(pilot)
        assert (accuracy._y_min, accuracy._y_max) == (0.0, 1.0)
        assert rmse._y_min == 0.0 and 3.0 <= rmse._y_max < 4.0
        assert "goal 0.9" in accuracy.legend_text


@pytest.mark.asyncio
async def test_compare_chart_overlays_named_series(host):
    chart = CompareChart("loss")
    async with host(chart).run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        for name, rate in (("rnn", 0.001), ("lstm", 0.01), ("gru", 0.008)):
            steps = np.arange(300)
            chart.set_series(name, steps, np.exp(-rate * steps))
        chart.add_point("gru", 300, 0.05)
        chart.redraw()
        lines = [d for d in chart._datasets if isinstance(d, LinePlot)]
        assert len(lines) == 3 and len({line.line_style for line in lines}) == 3
        assert all(name in chart.legend_text for name in ("rnn", "lstm", "gru"))
        chart.remove_series("rnn")
        chart.redraw()
        assert "rnn" not in chart.legend_text


@pytest.mark.asyncio
async def test_charts_survive_no_color_while_hidden_then_shown(monkeypatch):
    # Regression: a zero-size textual-plot canvas emitted an unstyled segment, and
    # Textual's NO_COLOR (Monochrome) filter crashed on it.
    monkeypatch.setenv("NO_COLOR", "1")
    from textual.app import App
    from textual.widgets import Static, TabbedContent, TabPane

    class Tabs(App):
        def compose(self):
            with TabbedContent("a", "b"):
                with TabPane("a", id="a"):
                    yield Static("first tab")
                with TabPane("b", id="b"):
                    yield LossChart()

    app = Tabs()
    async with app.run_test(size=(60, 16)) as pilot:
        chart = app.query_one(LossChart)
        for step in range(50):
            chart.add_train(step, 1.0 / (step + 1))
        chart.redraw()
        await pilot.pause()
        app.query_one(TabbedContent).active = "b"
        for _ in range(100):  # until the shown tab is laid out, not for a fixed time
            await pilot.pause()
            if chart.size.width:
                break
        app.save_screenshot("/dev/null")
        assert app.no_color and chart.size.width == 60


@pytest.mark.asyncio
async def test_diverged_values_do_not_break_drawing(host):
    loss, grad = LossChart(), GradNormChart(max_norm=1.0, id="grad")
    async with host(loss, grad).run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        for step in range(3000):
            value = np.nan if step >= 2500 else 1.0 / (step + 1)
            loss.add_train(step, value)
            grad.add(step, np.inf if step >= 2500 else 0.5, clipped=step >= 2500)
        assert loss.redraw() and grad.redraw()
        line = next(d for d in loss._datasets if isinstance(d, LinePlot))
        assert np.all(np.isfinite(line.y)) and line.x.max() < 2500
        await settle(pilot)
