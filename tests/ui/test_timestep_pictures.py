"""The timestep panel's pictures, from real traces: colour scales, the heatmap's row and its
key, the true label, the source sentence, series plots, the unrolled network, the cursor."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen

from rnn_tui.core.scenario import load_scenario
from rnn_tui.ui.panels.timestep import TimestepPanel
from rnn_tui.ui.widgets.unrolled_plan import plan_from_trace
from tests.ui.test_app_rows import traced as build_trace


@functools.cache
def traced(name: str, cell: str | None = None):
    return build_trace(name, {"model.cell": cell} if cell else None)


class PanelScreen(Screen):
    """The panel alone, as MainScreen mounts it; ``scenario`` is what MainScreen offers."""

    def __init__(self, scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield TimestepPanel(id="timestep")


class PanelApp(App):
    def __init__(self, scenario=None) -> None:
        super().__init__()
        self.scenario = scenario

    def get_default_screen(self) -> Screen:
        return PanelScreen(self.scenario)


def text(widget) -> str:
    return widget.plain if hasattr(widget, "plain") else str(widget.render())


async def show(pilot, panel: TimestepPanel, trace, image=None) -> None:
    panel.set_trace(trace, 0, None, image=image)
    await pilot.pause()


@pytest.mark.asyncio
async def test_colour_scales_for_the_bars_and_the_heatmap():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        trace = traced("sine-waves")
        await show(pilot, panel, trace)
        bars = panel.bars
        bars.glyphs = False
        legend = bars.render_line(len(bars.rows) + 1)
        assert "−1" in legend.text and "+1" in legend.text
        swatches = [s for s in legend if s.style and s.style.bgcolor and s.text == " "]
        colours = {s.style.bgcolor.get_truecolor() for s in swatches}
        assert len(colours) == 9  # blue to red through the neutral zero
        bars.glyphs = True  # NO_COLOR, 16 colours: the glyphs that stand for the colours
        legend = bars.render_line(len(bars.rows) + 1).text
        assert "−1 ●○∘·" in legend and "░▒▓█ +1" in legend
        assert "−1" in panel.heat_title.plain and "+1" in panel.heat_title.plain
        # The cell state is unbounded: its heatmap's range is its own largest |c|.
        panel.cycle_heatmap_row()
        await pilot.pause()
        top = max(1.0, float(np.abs(trace.part("rnn").c).max()))
        assert panel.heatmap.scale == pytest.approx(top)
        assert f"+{top:.2g}" in panel.heat_title.plain
        # A gate lives in [0, 1].
        panel.cycle_heatmap_row()
        await pilot.pause()
        assert panel.heatmap_row == "i" and "0 " in panel.heat_title.plain
        assert " 1" in panel.heat_title.plain and "−1" not in panel.heat_title.plain


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("cell", "rows"),
    [("lstm", ["h", "c", "i", "f", "g", "o"]), ("gru", ["h", "r", "z", "n"]), ("rnn", ["h"])],
)
async def test_heatmap_row_key_cycles_h_c_and_every_gate(cell, rows):
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        trace = traced("long-memory", cell)
        part = trace.part("rnn")
        await show(pilot, panel, trace)
        seen = []
        for _ in rows:
            symbol = panel.heatmap_row
            seen.append(symbol)
            arrays = {"h": part.h, "c": part.c, **part.gates}
            np.testing.assert_array_equal(panel.heatmap._values[0], arrays[symbol][:, 0, :].T)
            # Labelled by the row, not by the part's name "rnn".
            assert panel.heatmap.render_line(0).text.startswith(f"{symbol}_t")
            assert panel.heat_title.plain.startswith(f"{symbol}_t")
            panel.cycle_heatmap_row()
            await pilot.pause()
        assert seen == rows and panel.heatmap_row == "h"  # round again


@pytest.mark.asyncio
async def test_memory_stripes_said_on_screen_and_forget_gate_named():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        await show(pilot, panel, traced("long-memory", "gru"))
        assert "a stripe = a unit holding its value = memory" in panel.heat_title.plain
        await show(pilot, panel, traced("sentiment"))
        for _ in range(3):
            panel.cycle_heatmap_row()
        await pilot.pause()
        assert panel.heat_title.plain.startswith("f_t forget gate")


@pytest.mark.asyncio
async def test_true_label_beside_the_prediction():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        trace = traced("sentiment")
        await show(pilot, panel, trace)
        info = panel.info_line.plain
        said = trace.part("rnn").outputs[0]
        assert f"→ {said} · true label {trace.target_text}" in info
        assert f"says {trace.prediction_text} (true: {trace.target_text})" in panel.title_line.plain
        await show(pilot, panel, traced("sine-waves"))
        assert "true label" not in panel.info_line.plain  # a series has no class


@pytest.mark.asyncio
async def test_encoder_decoder_shows_the_source_and_explains_the_reversal():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        trace = traced("translation")  # reverse_source = true
        await show(pilot, panel, trace)
        panel.jump(True)  # the decoder's last step: the source is still there
        await pilot.pause()
        assert panel.position[0] == 1
        source = text(panel.source_line)
        assert panel.source_line.display and f"source: {trace.input_text}" in source
        assert "backwards (reverse_source)" in source
        assert trace.part("encoder").labels == trace.input_text.split()[::-1]
        await show(pilot, panel, traced("sentiment"))
        assert not panel.source_line.display


@pytest.mark.asyncio
async def test_series_drawn_as_line_plots():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        await show(pilot, panel, traced("sine-waves"))
        strip = panel.strip
        assert [label for label in strip._labels] == ["input", "target", "output"]
        for plot_rows in (1, 2):
            strip.plot_rows = plot_rows
            await pilot.pause()
            assert strip.size.height == 3 * plot_rows
            lines = [strip.render_line(y).text for y in range(3 * plot_rows)]
            braille = [sum(0x2800 < ord(ch) <= 0x28FF for ch in line) for line in lines]
            assert sum(braille) >= 3 * 50  # each series a line over its 60 steps


@pytest.mark.asyncio
async def test_unrolled_network_before_and_with_a_trace():
    scenario = load_scenario("translation")
    app = PanelApp(scenario)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        await pilot.pause()
        plan = panel.unrolled.plan
        assert plan is not None and plan.symbolic and plan.parts == ["encoder", "decoder"]
        trace = traced("translation")
        await show(pilot, panel, trace)
        assert panel.unrolled.plan == plan_from_trace(trace)
        panel.move(2)
        await pilot.pause()
        assert panel.unrolled.cursor == 2
        panel.clear("building the new model…")  # e.g. the cell changed: back to symbols
        await pilot.pause()
        assert panel.unrolled.plan.symbolic


@pytest.mark.asyncio
async def test_cursor_goes_to_the_first_step_for_another_scenario():
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(TimestepPanel)
        await show(pilot, panel, traced("sentiment"))
        panel.move(3)
        await show(pilot, panel, traced("sentiment"))  # new weights: the cursor stays
        assert panel.flat == 3
        await show(pilot, panel, traced("sine-waves"))  # another scenario: t = 1
        assert panel.flat == 0 and panel.strip.cursor == 0
        assert panel.info_line.plain.startswith("t=1/")


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
@pytest.mark.asyncio
async def test_switching_scenario_starts_at_sample_1_and_the_first_step():
    from rnn_tui.ui.app import RnnTuiApp
    from tests.ui.test_app_pilot import wait_for, wait_ready

    app = RnnTuiApp("sentiment")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_ready(pilot)
        panel = screen.panels.timestep
        await pilot.press("s", "s")
        await wait_for(pilot, lambda: panel.trace is not None and panel.sample == 2)
        await pilot.press("right", "right")
        assert panel.flat == 2
        screen.open_scenario("sine-waves")
        await wait_for(
            pilot,
            lambda: panel.trace is not None and panel.trace.scenario == "sine-waves",
            what="the new scenario's trace",
        )
        assert screen.sample == 0 and panel.sample == 0 and panel.flat == 0
        assert panel.info_line.plain.startswith("t=1/")
        assert "held-out sample 1 " in panel.title_line.plain + " "
