"""SVG snapshots of the main screen at 80x24 and 120x40, seq2vec and encoder-decoder.

Taken once the model is loaded and before any training, so nothing depends on timing:
the weights are the seed's initial weights and the status line shows step 0. Colours are
truecolor (what a modern terminal shows); glyph mode is covered by the widgets' own tests.
Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import textual.constants

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.panels.timestep import TimestepPanel

READY_TIMEOUT = 120.0


async def ready(pilot) -> None:
    """Until the timestep panel shows the trace of the initial weights; cursor blink off."""
    app = pilot.app
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        screen = app.screen
        panel = screen.query(TimestepPanel).first() if screen.query(TimestepPanel) else None
        if panel is not None and panel.trace is not None and screen.session.ready:
            break
        if time.monotonic() > deadline:
            raise AssertionError("the model did not load in time")
        await asyncio.sleep(0.1)  # not pilot.pause(0.1): that walks every widget each time
    for field in app.screen.query("Input"):
        field.cursor_blink = False
    await pilot.pause(0.2)


# The fast suite keeps one of each size and topology; the slow suite adds the other two.
MAIN_SCREENS = [
    pytest.param("sentiment", (80, 24), id="sentiment-80x24"),
    pytest.param("sentiment", (120, 40), id="sentiment-120x40", marks=pytest.mark.slow),
    pytest.param("translation", (80, 24), id="translation-80x24", marks=pytest.mark.slow),
    pytest.param("translation", (120, 40), id="translation-120x40"),
]


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
@pytest.mark.parametrize(("scenario", "size"), MAIN_SCREENS)
def test_main_screen(snap_compare, monkeypatch, scenario, size):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    assert snap_compare(RnnTuiApp(scenario), terminal_size=size, run_before=ready)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["sentiment"])
def test_training_panel_before_training(snap_compare, monkeypatch, scenario):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    assert snap_compare(
        RnnTuiApp(scenario), press=["tab"], terminal_size=(80, 24), run_before=ready
    )
