"""On a wide screen Setup is a sidebar beside the last panel shown: a Timestep there follows
training as it does in its own tab."""

from __future__ import annotations

import pytest

from rnn_tui.ui.app import RnnTuiApp
from tests.ui.test_app_pilot import wait_for, wait_ready


@pytest.mark.slow  # a training process that imports torch
async def test_timestep_beside_setup_follows_training():
    app = RnnTuiApp("sine-waves")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_ready(pilot)
        await pilot.press("shift+tab")  # Timestep -> Setup, the sidebar
        assert screen.panel == "setup" and screen.on_screen("timestep")
        timestep = screen.panels.timestep
        assert timestep.styles.visibility == "visible"
        await pilot.press("n", "n")  # two steps; a step sends the new weights
        await wait_for(
            pilot,
            lambda: screen.session.step == 2 and timestep.weights_step == 2,
            what="the timestep view beside Setup to show step 2's weights",
        )
        await pilot.press("tab", "tab")  # Setup -> Timestep -> Training
        assert screen.panel == "training" and not screen.on_screen("timestep")
