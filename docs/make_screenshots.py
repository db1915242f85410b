"""Re-make the README's screenshots: the app driven by its keys, saved as SVG at 80x24 and 120x40.

Run: .venv/bin/python docs/make_screenshots.py [--out docs] [--steps 150]

For each scenario and size it opens the app headless (App.run_test), waits for the model,
trains ``--steps`` steps with the real training process, then saves one SVG per panel
(tab through them as a user would). Convert to PNG to look at them:
python ../shared/tools/svg2png.py docs/*.svg
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from rnn_tui.ui.app import RnnTuiApp
from rnn_tui.ui.screens.main import MainScreen

SIZES = ((80, 24), (120, 40))
PANELS = ("setup", "timestep", "training", "try", "compare", "inside", "map")


async def wait_until(pilot, condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await pilot.pause(0.1)


async def shoot(scenario: str, size: tuple[int, int], steps: int, out: Path) -> list[Path]:
    app = RnnTuiApp(scenario)
    saved = []
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: screen.session.ready, 300, "the model")
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.session.step >= steps, 600, f"{steps} steps")
        await pilot.press("space")
        await wait_until(pilot, lambda: not screen.session.running, 60, "the pause")
        for panel in PANELS:
            screen.show_panel(panel)
            await pilot.pause(1.0)  # the trace and charts of the newest weights
            screen.frame()
            await pilot.pause(0.3)
            name = f"app-{scenario}-{panel}-{size[0]}x{size[1]}.svg"
            app.save_screenshot(name, str(out))
            saved.append(out / name)
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs")
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--scenario", action="append", default=[])
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for scenario in args.scenario or ["sentiment"]:
        for size in SIZES:
            for path in asyncio.run(shoot(scenario, size, args.steps, out)):
                print(path)


if __name__ == "__main__":
    main()
