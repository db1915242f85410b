"""Key latency while training: from a key press to the first frame that shows its effect, p50/p95.

Run: .venv/bin/python benchmarks/key_latency.py [--scenario sine-waves] [--presses 120] [--size 120x40]

The app runs under ``App.run_test`` at 120x40 while it trains. Keys arrive the way a
terminal's do: a separate thread (like Textual's input thread) stamps the press time
and hands the key event to the app's loop with ``driver.send_message``, so a key that
lands while the UI is busy drawing waits, and the wait is counted. A press counts as
shown at the first frame the app composes (``App._display``, also encoded to terminal
bytes as a real terminal needs) after the key's binding action has returned; the
action runs inside the app's handling of that very key event (tracked with a context
variable), so each frame is matched to its key. At that frame the benchmark also checks
that the state it shows is the one the key asked for (cursor moved, panel switched,
clipping toggled, learning rate changed): a press that is not reflected is reported.

The presses follow a cycle that keeps training running and both busy panels in view:
right x3, left x3 on the Timestep panel (every step redraws the vectors, the equation
and the heatmap cursor), tab to the Training panel (its four charts redraw), g, g, ], [
there, shift+tab back. A new press goes out 50-150 ms (random) after the previous
one is shown, so presses fall at every phase of the app's 10 Hz frame timer. Latency is
split into queue+action (press to action returned) and draw (action to frame).

Target: p95 < 100 ms over at least 50 presses (issue 5).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import queue
import random
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app_throughput import FrameLog, app_on, machine_line, parse_size, wait_ready, wait_until
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from rnn_tui.core.scenario import load_scenario

TARGET_P95_MS = 100.0
NO_FRAME_SECONDS = (
    3.0  # an action followed by no frame at all for this long changed nothing visible
)
CYCLE = (
    "right",
    "right",
    "right",
    "left",
    "left",
    "left",
    "tab",
    "g",
    "g",
    "right_square_bracket",
    "left_square_bracket",
    "shift+tab",
)


def key_event(key: str) -> events.Key:
    """The Key event a terminal press of ``key`` produces (as Textual's pilot builds it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


@dataclass
class Press:
    """One key press and when each stage of its handling happened (perf_counter seconds)."""

    key: str
    event: events.Key | None  # dropped once handled: a soak keeps 12,000 presses
    check: Callable[[], bool] | None = (
        None  # at the frame: does the screen show what the key asked?
    )
    sent: float | None = None
    handled: float | None = None  # the app's first handling of the event returned
    action: str | None = None
    acted: float | None = None  # its binding action returned
    shown: float | None = None  # first frame composed after that
    reflected: bool | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        end = self.shown if self.shown is not None else self.acted
        return None if end is None or self.sent is None else end - self.sent


_handling: contextvars.ContextVar[Press | None] = contextvars.ContextVar("handling", default=None)


class KeyProbe:
    """Sends keys from a thread and times each one to the frame that follows its action."""

    def __init__(self, app: Any, frames: FrameLog) -> None:
        self.app = app
        self.loop = asyncio.get_running_loop()
        self.by_event: dict[int, Press] = {}
        self.sent = self.handled = 0  # keys handed to the app, and keys it has begun to handle
        self.waiting: list[Press] = []  # acted, not yet shown
        self._outbox: queue.Queue[tuple[float, Press] | None] = queue.Queue()
        self._sender = threading.Thread(target=self._send_loop, name="key-sender", daemon=True)
        self._sender.start()
        self._wrap_app()
        frames.listeners.append(self._on_frame)

    def _wrap_app(self) -> None:
        app, by_event = self.app, self.by_event
        on_event, dispatch_action = app.on_event, app._dispatch_action

        async def tracked_on_event(event: Any) -> None:
            press = by_event.get(id(event)) if isinstance(event, events.Key) else None
            if press is None:
                await on_event(event)
                return
            token = _handling.set(press)  # seen only by this task: the app's own handling
            try:
                await on_event(event)
            finally:
                _handling.reset(token)
                if press.handled is None:
                    press.handled = time.perf_counter()
                    self.handled += 1

        async def tracked_dispatch(namespace: Any, action: str, params: Any) -> bool:
            try:
                return await dispatch_action(namespace, action, params)
            finally:
                press = _handling.get()
                if press is not None and press.acted is None:
                    press.action, press.acted = action, time.perf_counter()
                    self.waiting.append(press)

        app.on_event, app._dispatch_action = tracked_on_event, tracked_dispatch

    def _send_loop(self) -> None:
        while (item := self._outbox.get()) is not None:
            delay, press = item
            time.sleep(delay)
            self._send(press)

    def _send(self, press: Press) -> None:
        # As Textual's input thread does: stamp, then hand the event to the app's loop.
        press.sent = time.perf_counter()
        self.sent += 1
        self.app._driver.send_message(press.event)

    def _on_frame(self, now: float, screen: Any) -> None:
        if screen is not self.app.screen:
            return
        for press in [p for p in self.waiting if p.acted < now]:
            self.waiting.remove(press)
            self._finish(press, now)

    def _finish(self, press: Press, shown: float | None) -> None:
        press.shown = shown
        press.reflected = press.check() if press.check is not None else None
        self.by_event.pop(id(press.event), None)
        press.event = None
        press.done.set()

    def press(self, key: str, delay: float = 0.0, check: Callable[[], bool] | None = None) -> Press:
        """Send ``key`` after ``delay`` seconds (from the sender thread); returns its Press."""
        press = Press(key, key_event(key), check)
        self.by_event[id(press.event)] = press
        self._outbox.put((delay, press))
        return press

    def send_now(self, key: str) -> Press:
        """Send ``key`` at once from the calling thread (not the app's loop); returns its Press."""
        press = Press(key, key_event(key))
        self.by_event[id(press.event)] = press
        self._send(press)
        return press

    @property
    def backlog(self) -> int:
        """Keys sent that the app has not begun to handle yet (queued behind its work)."""
        return self.sent - self.handled

    def expire(self, max_age: float = NO_FRAME_SECONDS) -> list[Press]:
        """Presses whose action ran but no frame followed (nothing to redraw), and ones the app
        handled without reaching a binding; the first count as shown when their action returned."""
        now = time.perf_counter()
        expired = []
        for press in list(self.waiting):
            if now - press.acted > max_age:
                self.waiting.remove(press)
                self._finish(press, None)
                expired.append(press)
        for event_id, press in list(self.by_event.items()):
            if press.acted is None and press.handled is not None and now - press.handled > max_age:
                del self.by_event[event_id]
                press.event = None
                press.done.set()
                expired.append(press)
        return expired

    def close(self) -> None:
        self._outbox.put(None)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a real press)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


# -- what each key should change ---------------------------------------------------------------
def expectation(screen: Any, key: str) -> Callable[[], bool]:
    """A check, run at the frame that shows ``key``, that the screen shows what it asked for."""
    if key in ("right", "left"):
        panel = screen.panels.timestep
        target = min(max(panel.flat + (1 if key == "right" else -1), 0), panel.total_steps - 1)
        return lambda: screen.panel == "timestep" and panel.flat == target
    if key in ("tab", "shift+tab"):
        target = {"tab": "training", "shift+tab": "timestep"}[key]
        return lambda: screen.panel == target and screen.panels.by_name(target).styles.visibility == "visible"
    if key == "g":
        clip = not screen.scenario.training.clip
        box = screen.query_one("#setup-clip")
        return lambda: screen.scenario.training.clip == clip and box.value == clip
    if key in ("right_square_bracket", "left_square_bracket"):
        lr = screen.scenario.training.learning_rate
        lr = float(f"{lr * 2 if key == 'right_square_bracket' else lr / 2:.3g}")
        return lambda: screen.scenario.training.learning_rate == lr
    raise ValueError(f"no expectation for {key!r}")


async def measure(args: argparse.Namespace) -> None:
    scenario = load_scenario(args.scenario).with_changes({"training.steps": 10_000_000})
    app = app_on(scenario)
    frames = FrameLog(app, encode=not args.no_encode)
    rng = random.Random(args.seed)
    presses: list[Press] = []
    async with app.run_test(size=parse_size(args.size)) as pilot:
        screen = await wait_ready(app)
        timestep = screen.panels.timestep
        await wait_until(lambda: timestep.trace is not None, 120, "the first trace")
        await pilot.press("space")
        await wait_until(lambda: screen.session.step >= 20, 120, "20 training steps")
        probe = KeyProbe(app, frames)
        not_training = 0
        for index in range(args.presses):
            key = CYCLE[index % len(CYCLE)]
            not_training += not screen.session.running
            press = probe.press(key, rng.uniform(0.05, 0.15), expectation(screen, key))
            presses.append(press)
            while not press.done.is_set():
                await asyncio.sleep(0.02)
                probe.expire()
        steps = screen.session.step
        probe.close()
    report(args, presses, not_training, steps, frames)


def report(
    args: argparse.Namespace, presses: list[Press], not_training: int, steps: int, frames: FrameLog
) -> None:
    timed = [p for p in presses if p.latency is not None]
    groups = {
        "right/left (timestep)": ("right", "left"),
        "tab/shift+tab (panel)": ("tab", "shift+tab"),
        "g (clipping)": ("g",),
        "[ ] (learning rate)": ("left_square_bracket", "right_square_bracket"),
        "all": tuple(CYCLE),
    }
    print(
        f"{args.scenario}, training while keys are pressed; app at {args.size}; {len(presses)} presses"
    )
    print(
        f"{'keys':<24}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p95 queue+action':>18}{'p95 draw':>10}"
    )
    for name, keys in groups.items():
        chosen = [p for p in timed if p.key in keys]
        if not chosen:
            continue
        ms = [1000 * p.latency for p in chosen]
        queue_ms = [1000 * (p.acted - p.sent) for p in chosen]
        draw_ms = [1000 * (p.shown - p.acted) for p in chosen if p.shown is not None]
        print(
            f"{name:<24}{len(ms):>5}{percentile(ms, 0.5):>9.1f}{percentile(ms, 0.95):>9.1f}{max(ms):>9.1f}"
            f"{percentile(queue_ms, 0.95):>18.1f}{percentile(draw_ms, 0.95) if draw_ms else float('nan'):>10.1f}"
        )
    unreflected = [p.key for p in timed if p.reflected is False]
    no_action = [p.key for p in presses if p.acted is None]
    no_frame = [p.key for p in timed if p.shown is None]
    print(
        f"not reflected at their frame: {len(unreflected)} {unreflected[:10]}; never reached an action: "
        f"{len(no_action)} {no_action[:10]}; action but no frame within {NO_FRAME_SECONDS:g} s: {len(no_frame)}"
    )
    print(
        f"training was running at {len(presses) - not_training}/{len(presses)} presses; reached step {steps}; "
        f"{frames.count} frames composed"
    )
    print(machine_line())
    p95 = percentile([1000 * p.latency for p in timed], 0.95)
    verdict = "meets" if p95 < TARGET_P95_MS and len(timed) >= 50 else "MISSES"
    print(
        f"p95 {p95:.1f} ms over {len(timed)} presses {verdict} the target p95 < {TARGET_P95_MS:g} ms (>= 50 presses)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="sine-waves")
    parser.add_argument("--presses", type=int, default=120)
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT")
    parser.add_argument("--seed", type=int, default=0, help="for the random gaps between presses")
    parser.add_argument(
        "--no-encode", action="store_true", help="do not encode frames to terminal bytes"
    )
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
