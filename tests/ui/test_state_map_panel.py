"""The Map panel: held-out hidden states on two principal components, titled axes, a legend."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from rnn_tui.core.state_map import state_map
from rnn_tui.core.topologies import build_model
from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.state_map import MAP_EXAMPLES
from rnn_tui.ui.widgets.state_map_view import CLASS_GLYPHS

from .test_app_pilot import wait_for, wait_ready

SHOTS = os.environ.get("RNN_TUI_SHOTS")  # a folder: save the panels as SVG to look at


def engine_map(screen):
    dataset = screen.mirror.dataset
    model = build_model(screen.scenario.topology, screen.scenario.model, dataset)
    _, state = screen.session.weights
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    return state_map(model, dataset, dataset.test.select(range(MAP_EXAMPLES)))


def screen_text(app) -> str:
    return "\n".join(
        "".join(segment.text for segment in line) for line in app.screen._compositor.render_strips()
    )


@pytest.mark.parametrize("size", [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)])  # wide: slow suite
async def test_sentiment_map_has_titled_axes_a_legend_and_follows_the_cursor(size):
    app = RnnTuiApp("sentiment")
    async with app.run_test(size=size) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: screen.session.step == 2, 60, "two training steps")
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # timestep -> ... -> map
        assert screen.panel == "map"
        panel = screen.panels.state_map
        view = panel.view
        await wait_for(
            pilot,
            lambda: panel.key == (id(screen.mirror), screen.session.weights_version),
            60,
            "the map of the current weights",
        )
        # The map is the engine's, for the trainer's latest weights.
        expected = engine_map(screen)
        np.testing.assert_allclose(view.data.paths, expected.paths, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(view.data.explained, expected.explained, atol=1e-9)
        first, second = (100 * expected.explained).round().astype(int).tolist()
        await pilot.pause()
        text = screen_text(app)
        assert f"PC1 ({first}% of variance)" in text
        assert f"PC2 ({second}%)" in text
        # A legend names each class with its marker glyph.
        for glyph, name in zip(CLASS_GLYPHS, ("negative", "positive"), strict=False):
            assert f"{glyph} {name}" in text, name
        assert "markers at t=1" in text
        # The cursor's step moves the markers (left/right work from this panel too).
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: view.step == 2, 10, "the markers at t=3")
        await pilot.pause()
        assert "markers at t=3" in screen_text(app)
        if SHOTS:
            app.save_screenshot(f"map-{size[0]}x{size[1]}.svg", SHOTS)


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
async def test_long_memory_map_colours_four_letters_and_follows_training():
    app = RnnTuiApp("long-memory", settings=["data.params.seq_len=20", "model.hidden_size=8"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        screen.show_panel("map")
        panel = screen.panels.state_map
        await wait_for(pilot, lambda: panel.view.data is not None, 60, "the first map")
        groups = panel.view.groups()
        assert len(groups) == 4 and [g.glyph for g in groups] == list(CLASS_GLYPHS[:4])
        before = panel.view.data.paths.copy()
        # Weights change: the shown map is recomputed for them.
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: screen.session.step == 2, 60, "two training steps")
        await wait_for(
            pilot,
            lambda: panel.key == (id(screen.mirror), screen.session.weights_version),
            60,
            "the map of the new weights",
        )
        assert not np.allclose(panel.view.data.paths, before, equal_nan=True)
        np.testing.assert_allclose(
            panel.view.data.paths, engine_map(screen).paths, atol=1e-6, equal_nan=True
        )
