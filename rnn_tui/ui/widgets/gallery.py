"""Widget gallery: every widget on fake-but-plausible data (python -m rnn_tui.ui.widgets.gallery)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import numpy as np
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Footer, TabbedContent, TabPane

from rnn_tui.ui.widgets import (
    Banner,
    BarRow,
    CompareChart,
    EquationView,
    GradNormChart,
    GradThroughTimeChart,
    HiddenHeatmap,
    HistoryChart,
    ImageView,
    LossChart,
    MetricChart,
    SequenceStrip,
    VectorBars,
)
from rnn_tui.ui.widgets import gallery_data as fake

GATES = ("i", "f", "g", "o", "c", "h")
TABS = ("state", "cell", "training", "compare")


class Gallery(App):
    """Four tabs: hidden state over time, one cell step, training charts, comparison."""

    CSS = """
    TabbedContent, ContentSwitcher { height: 1fr; }
    TabPane { padding: 0; height: 1fr; }
    #state-main { height: 1fr; }
    #state-main ImageView { margin: 1 1; }
    #charts { grid-size: 2 2; }
    EquationView { margin-top: 1; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "t-1", priority=True),
        Binding("right", "step(1)", "t+1", priority=True),
        Binding("s", "select_gate", "gate"),
        Binding("g", "toggle_glyphs", "glyphs"),
        Binding("b", "cycle_banner", "banner"),
        Binding("p", "replay", "replay training"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.encoder = fake.lstm_trace(len(fake.SOURCE), 48, seed=1)
        self.decoder = fake.lstm_trace(len(fake.TARGET), 48, seed=2, h0=self.encoder.h[:, -1])
        self.curves = fake.training_curves(1500, seed=3)
        self.replay_step = len(self.curves["step"])
        self.gate = 1

    def compose(self) -> ComposeResult:
        yield Banner(
            "DIVERGED at step 1234: loss is NaN (try clipping, or a lower learning rate)", "error"
        )
        with TabbedContent(*TABS):
            with TabPane("state", id="state"):
                yield SequenceStrip(id="tokens")
                yield SequenceStrip(id="series")
                with Horizontal(id="state-main"):
                    yield HiddenHeatmap()
                    yield ImageView(fake.tiny_image())
            with TabPane("cell", id="cell"), Vertical():
                yield VectorBars()
                yield EquationView("lstm")
            with TabPane("training", id="training"), Grid(id="charts"):
                yield LossChart()
                yield MetricChart("accuracy", 0.9)
                yield GradNormChart(max_norm=1.0)
                yield GradThroughTimeChart()
            with TabPane("compare", id="compare"):
                yield CompareChart("loss (rnn / lstm / gru)")
        yield Footer()

    def on_mount(self) -> None:
        heatmap = self.query_one(HiddenHeatmap)
        heatmap.set_parts([("encoder", self.encoder.h), ("decoder", self.decoder.h)])
        heatmap.cursor = (0, 6)
        rng = np.random.default_rng(4)
        series = np.sin(np.arange(60) / 4) + rng.normal(0, 0.1, 60)
        strip = self.query_one("#series", SequenceStrip)
        strip.set_rows([("series", series), ("forecast", np.roll(series, 1) * 0.9)])
        self._feed_charts(self.replay_step, start=0)
        compare = self.query_one(CompareChart)
        for name, curve in fake.compare_curves(1500, seed=5).items():
            compare.set_series(name, np.arange(curve.size), curve)
        self._sync_cursor()
        self.set_interval(1 / 10, self._frame)

    # -- cursor ------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        heatmap = self.query_one(HiddenHeatmap)
        part, t = heatmap.cursor
        lengths = heatmap.part_lengths
        flat = sum(lengths[:part]) + t + delta
        flat = min(max(flat, 0), sum(lengths) - 1)
        part = 0 if flat < lengths[0] else 1
        heatmap.cursor = (part, flat - (0 if part == 0 else lengths[0]))
        self._sync_cursor()

    def _sync_cursor(self) -> None:
        part, t = self.query_one(HiddenHeatmap).cursor
        tokens = self.query_one("#tokens", SequenceStrip)
        if part == 0:
            tokens.set_rows([("source", fake.SOURCE)])
        else:
            tokens.set_rows([("target", fake.TARGET), ("predicted", fake.PREDICTION)])
            tokens.compare = (0, 1)
        tokens.cursor = t
        trace = self.encoder if part == 0 else self.decoder
        prev = trace.h[:, t - 1] if t > 0 else np.zeros(trace.h.shape[0])
        self.query_one(VectorBars).set_rows(
            [
                BarRow("h_{t-1}", prev),
                BarRow("i", trace.i[:, t], "gate"),
                BarRow("f", trace.f[:, t], "gate"),
                BarRow("g", trace.g[:, t]),
                BarRow("o", trace.o[:, t], "gate"),
                BarRow("c", trace.c[:, t], "state"),
                BarRow("h_t", trace.h[:, t]),
            ]
        )
        self.query_one(EquationView).set_summary({k: getattr(trace, k)[:, t] for k in GATES})
        self.query_one("#series", SequenceStrip).cursor = t * 4

    # -- toggles -----------------------------------------------------------------
    def action_select_gate(self) -> None:
        self.gate = (self.gate + 1) % len(GATES)
        symbol = GATES[self.gate]
        self.query_one(EquationView).selected = symbol
        self.query_one(VectorBars).highlight = {"h": "h_t"}.get(symbol, symbol)

    def action_toggle_glyphs(self) -> None:
        for widget in (self.query_one(HiddenHeatmap), self.query_one(VectorBars)):
            widget.glyphs = {None: True, True: False, False: None}[widget.glyphs]

    def action_cycle_banner(self) -> None:
        banner = self.query_one(Banner)
        notes = {
            "error": ("Model reset: cell changed to GRU", "info"),
            "info": ("Clipping is off: watch the gradient norm", "warning"),
            "warning": ("DIVERGED at step 1234: loss is NaN", "error"),
        }
        banner.show(*notes[banner.level])

    def action_replay(self) -> None:
        for chart in self.query(HistoryChart):
            chart.reset()

        self.replay_step = 0

    # -- training replay: data in as it arrives, drawn at 10 fps ------------------
    def _frame(self) -> None:
        if not self.is_running:
            return  # shutting down: the widgets are removed before the app's timers stop
        total = len(self.curves["step"])
        if self.replay_step < total:
            end = min(self.replay_step + 20, total)
            self._feed_charts(end, start=self.replay_step)
            self.replay_step = end
        with self.batch_update():
            for chart in self.query(HistoryChart):
                chart.redraw()

    def _feed_charts(self, end: int, start: int) -> None:
        c = self.curves
        if not self.query(LossChart):  # the timer can fire once more while the app closes
            return
        loss, metric = self.query_one(LossChart), self.query_one(MetricChart)
        grad = self.query_one(GradNormChart)
        for step in range(start, end):
            loss.add_train(step, c["loss"][step])
            grad.add(step, c["grad_norm"][step], clipped=c["grad_norm"][step] > 1.0)
            if step % 50 == 0:
                k = step // 50
                loss.add_eval(step, c["held_out"][k])
                metric.add(step, c["accuracy"][k])
                decay = 0.55 + 0.35 * min(step / 1500, 1.0)
                self.query_one(GradThroughTimeChart).set_probe(
                    step,
                    [
                        ("encoder", fake.grad_through_time(len(fake.SOURCE), decay, step)),
                        ("decoder", fake.grad_through_time(len(fake.TARGET), decay, step + 1)),
                    ],
                )


async def save_screenshots(directory: Path, sizes: list[tuple[int, int]]) -> list[Path]:
    """An SVG per tab and size, e.g. gallery-state-80x24.svg; returns the paths."""
    paths = []
    for width, height in sizes:
        app = Gallery()
        async with app.run_test(size=(width, height)) as pilot:
            for tab in TABS:
                app.query_one(TabbedContent).active = tab
                await pilot.pause()
                app._frame()
                await pilot.pause(0.2)
                path = directory / f"gallery-{tab}-{width}x{height}.svg"
                app.save_screenshot(str(path))
                paths.append(path)
    return paths


def main() -> None:
    """Run the gallery, or with --screenshots DIR write SVGs at 80x24 and 120x40."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screenshots", type=Path, help="write SVG screenshots here")
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
        for path in asyncio.run(save_screenshots(args.screenshots, [(80, 24), (120, 40)])):
            print(path)
    else:
        Gallery().run()


if __name__ == "__main__":
    main()
