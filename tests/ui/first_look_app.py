"""The app's first screen with torch held back, in a fresh process; prints what it found as JSON.

Run by tests/ui/test_first_look.py as ``python -m tests.ui.first_look_app WIDTHxHEIGHT``:
a fresh interpreter is the only place where "torch is not imported yet" means something.
The training process is a stand-in that never becomes ready: the screen stays as a learner
meets it in the seconds torch takes to load, and the UI's own model copy (the mirror,
which imports torch too) waits for the training process, so as not to slow it down. The panels' mounting is held until the first frame has
been looked at, then released.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.main import MainScreen
from rnn_tui.ui.training_process import TrainingProcess
from rnn_tui.ui.widgets.unrolled import UnrolledNetwork

HEAVY = ("torch", "numpy", "textual_plot")


class HeldProcess(TrainingProcess):
    """A training process still importing torch: started, alive, silent."""

    def start(self, *args: object) -> None:
        pass

    @property
    def alive(self) -> bool:
        return True

    def stop(self, timeout: float = 1.0) -> None:
        pass


def shown(widget: Widget) -> bool:
    """Displayed, visible, with room on the screen (every ancestor displayed too)."""
    return (
        all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))
        and widget.visible
        and widget.region.height > 0
        and widget.region.width > 0
    )


def unrolled_text(widget: UnrolledNetwork) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.region.height))


def look(screen: MainScreen, about_id: str, unrolled_id: str) -> dict[str, Any]:
    about = screen.query_one(about_id, Static)
    unrolled = screen.query_one(unrolled_id, UnrolledNetwork)
    return {
        "about": str(about.render()) if shown(about) else None,
        "unrolled": unrolled_text(unrolled) if shown(unrolled) else None,
        "loaded": [name for name in HEAVY if name in sys.modules],
    }


async def main(size: tuple[int, int]) -> dict[str, Any]:
    release = asyncio.Event()
    mount_panels = MainScreen._mount_panels

    async def held_mount(self: MainScreen) -> None:
        await release.wait()
        await mount_panels(self)

    MainScreen._mount_panels = held_mount  # type: ignore[method-assign]
    engine_started = asyncio.Event()
    start_engine = MainScreen._start_engine

    def recorded_start(self: MainScreen) -> None:
        start_engine(self)
        engine_started.set()

    MainScreen._start_engine = recorded_start  # type: ignore[method-assign]
    app = RnnTuiApp("sentiment", process=HeldProcess())
    found: dict[str, Any] = {"scenario": {}}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        scenario = screen.scenario
        found["scenario"] = {"summary": scenario.summary, "title": scenario.title}
        found["first"] = look(screen, "#first-about", "#first-unrolled")
        release.set()
        while screen.panels is None:
            await asyncio.sleep(0.05)
        await pilot.pause()
        found["mounted"] = look(screen, "#ts-about", "#ts-unrolled")
        await engine_started.wait()
        await pilot.pause()
        found["mirror_builds"] = screen.mirror_generation
        found["engine_started"] = [name for name in HEAVY if name in sys.modules]
        found["status"] = screen.status_line.render().plain  # type: ignore[union-attr]
        app.exit()
    return found


if __name__ == "__main__":
    width, height = (int(v) for v in sys.argv[1].split("x"))
    print(json.dumps(asyncio.run(main((width, height)))))
