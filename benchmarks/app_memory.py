"""Memory of a long training session in the app: resident set size after 20,000 steps vs after 100.

Run: .venv/bin/python benchmarks/app_memory.py [--steps 20000] [--scenario sine-waves]
     [--set model.cell=rnn --set ...]

The app runs under ``App.run_test`` at 120x40 and trains a small, fast scenario
(default: sine-waves with a vanilla RNN of 16 units on sequences of 20 steps, batch
16, so 20,000 steps take minutes; evaluation and gradient probes keep their usual
every-50-steps cadence, so the charts get every kind of point). Every 5 s it switches
between the Training panel (charts redrawn) and the Timestep panel (the shown sample
traced under the newest weights), so both paths run all along.

It reads VmRSS from /proc for the UI process (this one: the app and its threads) and
for the training process at step 100 and at later milestones up to ``--steps``, while
training runs, and prints the growth from step 100. The charts must keep bounded
histories (old points merged), so the growth should not scale with steps.
Also printed: how many points each chart history holds at the end.

Target: growth < 50 MB (issue 5) in each process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from typing import Any

from app_throughput import (
    FrameLog,
    app_on,
    machine_line,
    parse_size,
    rss_mb,
    wait_ready,
    wait_until,
)

from rnn_tui.core.scenario import load_scenario

TARGET_MB = 50.0
BASELINE_STEP = 100
PANEL_SECONDS = 5.0  # how long each panel stays shown before switching
SMALL = {
    "model.cell": "rnn",
    "model.hidden_size": 16,
    "data.params.seq_len": 20,
    "training.batch_size": 16,
}


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs (as `rnn-tui train --set`); values read as int, float, bool or text."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, _, text = pair.partition("=")
        value: Any = text
        for cast in (int, float):
            try:
                value = cast(text)
                break
            except ValueError:
                continue
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        changes[key.strip()] = value
    return changes


def milestones(total: int) -> list[int]:
    marks = [BASELINE_STEP, 1000, 2000, 5000, 10_000, 15_000, 20_000, 50_000, 100_000]
    return sorted({m for m in marks if m < total} | {total})


def chart_points(screen: Any) -> dict[str, int]:
    """Points held by each bounded history in the Training panel's charts."""
    from rnn_tui.ui.widgets.history import BoundedHistory

    panel = screen.panels.training
    points = {}
    for chart in panel.query("HistoryChart"):
        for name, value in vars(chart).items():
            if isinstance(value, BoundedHistory):
                points[f"{type(chart).__name__}.{name}"] = len(value)
    return points


async def switch_panels(pilot: Any, screen: Any) -> None:
    while True:
        await asyncio.sleep(PANEL_SECONDS)
        await pilot.press("tab" if screen.panel == "timestep" else "shift+tab")


async def measure(args: argparse.Namespace) -> None:
    changes = {**SMALL, **parse_sets(args.set), "training.steps": 10_000_000}
    scenario = load_scenario(args.scenario).with_changes(changes)
    app = app_on(scenario)
    FrameLog(app)  # frames encoded to terminal bytes, as a terminal would need
    rows: list[tuple[int, float, float, float]] = []
    ui_pid = os.getpid()
    async with app.run_test(size=parse_size(args.size)) as pilot:
        screen = await wait_ready(app)
        session = screen.session
        child = session.process.pid
        await pilot.press("tab")  # Training panel first
        switcher = asyncio.create_task(switch_panels(pilot, screen))
        started = time.perf_counter()
        await pilot.press("space")
        for mark in milestones(args.steps):
            await wait_until(
                lambda mark=mark: session.step >= mark or not session.running, 3600, f"step {mark}"
            )
            if not session.running:
                raise RuntimeError(
                    f"training stopped at step {session.step} ({session.why}: {session.error})"
                )
            rows.append(
                (session.step, time.perf_counter() - started, rss_mb(ui_pid), rss_mb(child))
            )
            print(
                f"  step {rows[-1][0]:>6}  {rows[-1][1]:6.0f} s  UI {rows[-1][2]:7.1f} MB  "
                f"training process {rows[-1][3]:7.1f} MB",
                flush=True,
            )
        await pilot.press("space")
        await wait_until(lambda: not session.running, 30, "the pause")
        switcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await switcher
        points = chart_points(screen)
        points["(steps when counted)"] = session.step
    report(args, scenario, rows, points)


def report(
    args: argparse.Namespace,
    scenario: Any,
    rows: list[tuple[int, float, float, float]],
    points: dict[str, int],
) -> None:
    base, last = rows[0], rows[-1]
    m, t = scenario.model, scenario.training
    print(
        f"\n{scenario.name}: {m.cell} hidden {m.hidden_size}, seq_len {scenario.data.params.get('seq_len')}, "
        f"batch {t.batch_size}; {last[0]} steps in {last[1]:.0f} s ({last[0] / last[1]:.0f} steps/s)"
    )
    print(f"{'process':<18}{f'RSS @ {base[0]}':>14}{f'RSS @ {last[0]}':>16}{'growth':>10}")
    growths = []
    for name, index in (("UI (app)", 2), ("training process", 3)):
        growth = last[index] - base[index]
        growths.append(growth)
        print(f"{name:<18}{base[index]:>11.1f} MB{last[index]:>13.1f} MB{growth:>+7.1f} MB")
    print("chart history points at the end: " + ", ".join(f"{k} {v}" for k, v in points.items()))
    print(machine_line())
    worst = max(growths)
    print(
        f"largest growth {worst:+.1f} MB {'meets' if worst < TARGET_MB else 'MISSES'} the target < {TARGET_MB:g} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--scenario", default="sine-waves")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="scenario changes on top of the small defaults",
    )
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
