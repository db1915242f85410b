"""Soak: the app trains for 10 minutes while keys are pressed at random every 50 ms.

Run: .venv/bin/python benchmarks/soak.py [--minutes 10] [--scenario sine-waves] [--seed 0]

A script, not a test (it takes minutes). The app runs under ``App.run_test`` at 120x40
and trains; a thread presses a random key every 50 ms on a fixed clock, whether or
not the app has caught up (keys queue as they would from a user mashing the keyboard):
panels (tab, shift+tab), timesteps (left, right, home, end), pause/resume (space), a
single step (n), clipping (g), learning rate ([, ]), next sample (s), escape. With
--all-keys also the cell (c), reset (r), next layer (l), help (?) and the command
palette (ctrl+p): each opens a dialog or builds a new model, 0.1-0.5 s of work, so at 20
keys a second the app falls behind on them (reported as skipped ticks). A dialog that
asks before losing training gets y or n; help and the palette get closed. When
training is paused (and the app has caught up with the keys) it is resumed with a 30%
chance per key, so the app trains most of the time. Keys typed into a field (Try it's
input) do what they do there.

Each key's latency is measured as in key_latency.py: from the moment the key is handed
to the app (by the pressing thread, like a terminal's input thread) to the first frame
composed after its binding action has returned. Keys the app handles without reaching
a binding (typed into a field, or unbound where pressed) are counted apart. If the app
handles keys more slowly than they come, they queue; once ``--max-backlog`` (50) keys
wait, the pressing thread skips its ticks until the app catches up (as a full input
buffer would), and the skipped ticks are reported: they say the app could not keep up.

Reported: keys pressed; max and p95 key latency; resident set size of the UI process and
the training process at the start and the end; exceptions (app, workers, threads,
asyncio, logging, and tracebacks from the training process: none allowed), each with the
keys that led to it; error notifications and banners (expected ones, e.g. a divergence,
listed apart); and, after q (and y), whether every process the app started is gone
within a second of the app's exit.

Targets (issue 5): no exception; keys answer (p95 < 100 ms as in key_latency.py); memory
bounded (growth < 50 MB); nothing left running after quitting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
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
from key_latency import KeyProbe, Press, percentile

from rnn_tui.core.scenario import load_scenario

KEY_WEIGHTS = {
    "right": 10, "left": 8, "home": 2, "end": 2,
    "tab": 8, "shift+tab": 5,
    "space": 6, "n": 3, "g": 5,
    "left_square_bracket": 3, "right_square_bracket": 3, "s": 3, "escape": 2,
}  # fmt: skip
"""Issue 5's mix: panels, timesteps, pause/resume, clipping, and the other light keys."""
HEAVY_KEY_WEIGHTS = {
    "c": 2, "l": 1, "r": 1, "question_mark": 2, "ctrl+p": 1, "escape": 2,
}  # fmt: skip
"""With --all-keys: keys that open a dialog or build a new model (each costs 0.1-0.5 s)."""
RESUME_CHANCE = 0.3  # per key, while training is paused and the model is ready
SNAPSHOT_SECONDS = 0.02
DRAIN_SECONDS = 300.0  # after the last key, how long the app may take to work through queued keys
NO_FRAME_WAIT = 3.5  # a little over key_latency.NO_FRAME_SECONDS
HANG_SECONDS = 15.0  # keys queued and none handled for this long: record where the app waits
TARGET_P95_MS, TARGET_GROWTH_MB = 100.0, 50.0


@dataclass
class Problems:
    """Everything that went wrong, gathered from every place an error can surface."""

    exceptions: list[str] = field(default_factory=list)
    trainer_errors: list[str] = field(default_factory=list)
    notifications: Counter = field(default_factory=Counter)
    banners: Counter = field(default_factory=Counter)
    hangs: list[str] = field(default_factory=list)
    context: Any = None  # a callable: the latest keys, to say what led to an exception

    def add_exception(self, where: str, error: BaseException | str) -> None:
        if isinstance(error, BaseException):
            text = "".join(traceback.format_exception(error)).strip()
        else:
            text = str(error)
        if self.context is not None:
            text += "\n  " + self.context()
        self.exceptions.append(f"{where}: {text}")


def first_line(text: Any) -> str:
    """A message's first line, cut at 100 characters."""
    lines = str(text).strip().splitlines()
    return lines[0][:100] if lines else ""


def watch_process(problems: Problems) -> None:
    """Record exceptions from threads, workers, asyncio, logging and unraisables."""
    from textual.worker import Worker, WorkerState

    threading.excepthook = lambda a: problems.add_exception(f"thread {a.thread.name}", a.exc_value)
    sys.unraisablehook = lambda a: problems.add_exception("unraisable", a.exc_value or str(a))
    asyncio.get_running_loop().set_exception_handler(
        lambda loop, c: problems.add_exception("asyncio", c.get("exception") or c["message"])
    )

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            problems.add_exception(f"log {record.name}", record.getMessage())

    logging.getLogger().addHandler(Recorder(level=logging.WARNING))
    run = Worker._run

    async def recorded_run(worker: Any, app: Any) -> None:
        await run(worker, app)
        if worker.state == WorkerState.ERROR and worker.error is not None:
            problems.add_exception(f"worker {worker.name}", worker.error)

    Worker._run = recorded_run


def watch_app(app: Any, screen: Any, problems: Problems) -> None:
    """Record the app's own error paths: notifications, banners, the training process's errors."""
    notify, show_banner, poll = app.notify, screen.show_banner, screen.session.poll
    handle_exception = app._handle_exception

    def recorded_notify(message: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("severity") in ("error", "warning"):
            problems.notifications[f"{kwargs['severity']}: {first_line(message)}"] += 1
        return notify(message, *args, **kwargs)

    def recorded_banner(text: str, level: str = "info") -> None:
        if level == "error":
            problems.banners[first_line(text)] += 1
        show_banner(text, level)

    def recorded_poll() -> list[tuple]:
        events = poll()
        problems.trainer_errors += [str(e[1]) for e in events if e[0] == "error"]
        return events

    def recorded_exception(error: Exception) -> None:
        problems.add_exception("app", error)
        handle_exception(error)

    app.notify, screen.show_banner, screen.session.poll = (
        recorded_notify,
        recorded_banner,
        recorded_poll,
    )
    app._handle_exception = recorded_exception


def hang_report(app: Any, backlog: int, seconds: float) -> str:
    """Where the app's and its screens' message loops wait, when keys have gone unhandled a while."""
    tasks = asyncio.all_tasks()
    lines = [
        f"{backlog} keys queued, none handled for {seconds:.0f} s; screens "
        f"{[type(s).__name__ for s in app.screen_stack]}, focused {type(app.focused).__name__}; "
        f"{app._message_queue.qsize()} messages queued for the app; {len(tasks)} asyncio tasks, by kind: "
        + ", ".join(
            f"{k} {n}" for k, n in Counter(t.get_name().split("(")[0] for t in tasks).most_common(6)
        )
    ]
    for task in tasks:
        name = task.get_name()
        if name.startswith("run_test") or any(
            s in name for s in ("Screen(", "MainScreen", "HelpScreen")
        ):
            lines.append(f"    {name[:60]}: {' -> '.join(await_chain(task.get_coro())[-6:])}")
    for task in tasks:
        chain = await_chain(task.get_coro())
        if any("markdown" in step.lower() or "await_update" in step for step in chain):
            lines.append(f"    markdown task {task.get_name()[:40]}: {' -> '.join(chain[-6:])}")
    executor = getattr(asyncio.get_running_loop(), "_default_executor", None)
    if executor is not None:  # thread workers and Markdown's parser share this pool
        lines.append(
            f"    default executor: {len(executor._threads)} threads, {executor._work_queue.qsize()} jobs waiting"
        )
    frames = sys._current_frames()
    for thread in threading.enumerate():
        frame = frames.get(thread.ident)
        where = []
        while frame is not None and len(where) < 40:
            where.append(
                f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}"
            )
            frame = frame.f_back
        lines.append(f"    thread {thread.name}: {' <- '.join(where[:4])}")
    for screen in app.screen_stack:
        unmounted = [
            w for w in screen.walk_children(with_self=True) if not w._mounted_event.is_set()
        ]
        for widget in unmounted[:4]:
            task = widget._task
            chain = (
                " -> ".join(await_chain(task.get_coro())[-5:]) if task is not None else "no task"
            )
            lines.append(f"    not mounted: {widget!r} in {type(screen).__name__}: {chain}")
    return "\n".join(lines)


def await_chain(coro: Any) -> list[str]:
    """file:line function of each coroutine a suspended task is awaiting, outermost first."""
    chain = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            chain.append(
                f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}"
            )
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return chain


# -- processes ------------------------------------------------------------------------------
def descendants(pid: int) -> dict[int, str]:
    """Live processes below ``pid``, with their command lines, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child in [c for c, p in parents.items() if p == parent]:
            with contextlib.suppress(OSError):
                found[child] = (
                    Path(f"/proc/{child}/cmdline")
                    .read_bytes()
                    .replace(b"\0", b" ")
                    .decode()
                    .strip()
                )
                frontier.append(child)
    return found


def is_alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def app_children() -> dict[int, str]:
    """Processes the app started. multiprocessing's resource tracker is left out: it belongs to
    this process (here both the script and the app) and ends with it, not with the app."""
    return {
        pid: cmd for pid, cmd in descendants(os.getpid()).items() if "resource_tracker" not in cmd
    }


# -- the soak -------------------------------------------------------------------------------
class Soak:
    """One soak run: the app, the pressing thread, and everything measured."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.problems = Problems()
        self.presses: list[Press] = []
        self.state: dict[str, Any] = {
            "screen": "",
            "running": False,
            "ready": False,
            "app_running": True,
            "backlog": 0,
        }
        self.max_backlog = 0
        self.skipped = 0  # ticks without a key because the app had max_backlog keys still to handle
        self.training_samples = Counter()
        self.children: dict[int, str] = {}  # every process the app started, seen while it ran
        self.rss: dict[str, float] = {}
        self.drain_seconds = 0.0
        self.left_in_backlog = 0
        self.elapsed = 0.0
        self.quit: dict[str, Any] = {}
        self.step: int | None = None

    # -- on the app's loop -------------------------------------------------------------------
    async def keep_state(self, app: Any, screen: Any, probe: KeyProbe) -> None:
        """A snapshot of the app for the pressing thread; expiring presses; noting children."""
        last_scan = 0.0
        last_handled, since, reported = probe.handled, time.perf_counter(), False
        while True:
            if probe.handled != last_handled or not probe.backlog:
                last_handled, since, reported = probe.handled, time.perf_counter(), False
            elif time.perf_counter() - since > HANG_SECONDS and not reported:
                self.problems.hangs.append(
                    hang_report(app, probe.backlog, time.perf_counter() - since)
                )
                reported = True
            self.state.update(
                screen=type(app.screen).__name__,
                running=screen.session.running,
                ready=screen.session.ready,
                app_running=app.is_running,
            )
            self.training_samples["training" if screen.session.running else "not"] += 1
            self.max_backlog = max(self.max_backlog, probe.backlog)
            probe.expire()
            if time.perf_counter() - last_scan > 2.0:
                self.children.update(app_children())
                last_scan = time.perf_counter()
            await asyncio.sleep(SNAPSHOT_SECONDS)

    async def progress(self, started: float, screen: Any, probe: KeyProbe) -> None:
        while True:
            await asyncio.sleep(60)
            ms = [1000 * p.latency for p in self.presses if p.latency is not None]
            child = screen.session.process.pid
            print(
                f"  {(time.perf_counter() - started) / 60:4.1f} min: {len(self.presses)} keys "
                f"(backlog {probe.backlog}), step {screen.session.step}, p95 "
                f"{percentile(ms, 0.95) if ms else float('nan'):.0f} ms, max {max(ms, default=0):.0f} ms, "
                f"UI {rss_mb(os.getpid()):.0f} MB, training process "
                f"{rss_mb(child) if child and is_alive(child) else float('nan'):.0f} MB, "
                f"exceptions {len(self.problems.exceptions)}",
                flush=True,
            )

    # -- the pressing thread ------------------------------------------------------------------
    def choose_key(self, rng: random.Random) -> str:
        state = self.state
        top = state["screen"]
        if top == "ConfirmScreen":
            return rng.choice(("y", "y", "n", "escape"))
        if top == "HelpScreen":
            return rng.choice(("escape", "question_mark", "right"))
        if top != "MainScreen":
            return "escape"  # the command palette, or any other dialog
        # Resume only once the app has caught up: a stale "paused" would ask again and again.
        if (
            state["ready"]
            and not state["running"]
            and state["backlog"] < 3
            and rng.random() < RESUME_CHANCE
        ):
            return "space"
        mix = dict(KEY_WEIGHTS)
        if self.args.all_keys:
            mix.update({key: mix.get(key, 0) + w for key, w in HEAVY_KEY_WEIGHTS.items()})
        keys, weights = zip(*mix.items(), strict=True)
        return rng.choices(keys, weights)[0]

    def press_keys(self, probe: KeyProbe, stop: threading.Event) -> None:
        """A key every ``interval`` on a fixed clock, for the soak's duration."""
        rng = random.Random(self.args.seed)
        interval, seconds = self.args.interval, self.args.minutes * 60
        started = time.perf_counter()
        tick = 0
        while not stop.is_set() and tick * interval < seconds and self.state["app_running"]:
            time.sleep(max(0.0, started + tick * interval - time.perf_counter()))
            tick += 1
            self.state["backlog"] = probe.backlog
            if probe.backlog >= self.args.max_backlog:
                self.skipped += (
                    1  # the app is this far behind: a full input buffer, this key is not typed
                )
                continue
            self.presses.append(probe.send_now(self.choose_key(rng)))

    def recent_keys(self, app: Any) -> str:
        handled = [p for p in self.presses if p.handled is not None][-15:]
        keys = " ".join(f"{p.key}->{p.action or '-'}" for p in handled)
        return f"last keys handled (key->action): {keys}; screens: {[type(s).__name__ for s in app.screen_stack]}"

    # -- the run ----------------------------------------------------------------------------
    async def run(self) -> None:
        watch_process(self.problems)
        app = app_on(load_scenario(self.args.scenario))
        self.frames = FrameLog(app)
        started = time.perf_counter()
        try:
            async with app.run_test(size=parse_size(self.args.size)) as pilot:
                screen = await wait_ready(app)
                watch_app(app, screen, self.problems)
                self.problems.context = lambda: self.recent_keys(app)
                probe = KeyProbe(app, self.frames)
                self.rss["ui_start"], self.rss["child_start"] = (
                    rss_mb(os.getpid()),
                    rss_mb(screen.session.process.pid),
                )
                started = time.perf_counter()
                helpers = [
                    asyncio.create_task(self.keep_state(app, screen, probe)),
                    asyncio.create_task(self.progress(started, screen, probe)),
                ]
                await self.press_for_a_while(app, probe)
                self.elapsed = time.perf_counter() - started
                self.step = screen.session.step
                child = screen.session.process.pid
                self.rss["ui_end"] = rss_mb(os.getpid())
                self.rss["child_end"] = rss_mb(child) if child and is_alive(child) else float("nan")
                self.children.update(app_children())
                for task in helpers:
                    task.cancel()
                probe.close()
                self.quit = await self.quit_app(app, pilot)
        except Exception as error:  # noqa: BLE001 - the app's own exception, re-raised by run_test
            self.problems.add_exception("run_test", error)
            self.elapsed = self.elapsed or time.perf_counter() - started
        self.quit.update(await self.after_exit())

    async def press_for_a_while(self, app: Any, probe: KeyProbe) -> None:
        stop = threading.Event()
        presser = threading.Thread(target=self.press_keys, args=(probe, stop), name="soak-keys")
        presser.start()
        try:
            while presser.is_alive():
                await asyncio.sleep(0.2)
        finally:
            stop.set()
        drain_started = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await wait_until(
                lambda: probe.backlog == 0 or not app.is_running, DRAIN_SECONDS, "the key backlog"
            )
        self.drain_seconds, self.left_in_backlog = (
            time.perf_counter() - drain_started,
            probe.backlog,
        )
        await asyncio.sleep(NO_FRAME_WAIT)  # the last keys' frames
        probe.expire(0.0)

    async def quit_app(self, app: Any, pilot: Any) -> dict[str, Any]:
        """q, then y if the app asks about unsaved training; until the app has stopped."""
        if not app.is_running:
            return {"exited": False, "why": "the app had already stopped"}
        q_at = time.perf_counter()
        await pilot.press("escape", "escape", "q")  # out of any field or dialog first
        await asyncio.sleep(0.3)
        if app.is_running and type(app.screen).__name__ == "ConfirmScreen":
            await pilot.press("y")
        try:
            await wait_until(lambda: not app.is_running, 10, "the app to exit")
        except TimeoutError:
            return {
                "q_at": q_at,
                "exited": False,
                "why": f"still running 10 s after q, on {type(app.screen).__name__}",
            }
        return {"q_at": q_at, "exited": True, "exit_seconds": time.perf_counter() - q_at}

    async def after_exit(self) -> dict[str, Any]:
        """Which of the processes the app started are still alive a second after it stopped."""
        deadline = time.perf_counter() + 1.0
        while any(is_alive(pid) for pid in self.children) and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
        left = {pid: cmd for pid, cmd in self.children.items() if is_alive(pid)}
        q_at = self.quit.get("q_at")
        return {
            "left": left,
            "gone_seconds": None if left or q_at is None else time.perf_counter() - q_at,
        }

    # -- the report -----------------------------------------------------------------------------
    def report(self) -> bool:
        args, presses, problems, elapsed = (
            self.args,
            self.presses,
            self.problems,
            max(self.elapsed, 1e-9),
        )
        timed = [p for p in presses if p.latency is not None]
        ms = [1000 * p.latency for p in timed]
        print(
            f"\nsoak: {args.scenario} for {elapsed / 60:.1f} min at {args.size}, a key every {1000 * args.interval:.0f} ms"
        )
        print(
            f"keys pressed: {len(presses)} ({', '.join(f'{k} {n}' for k, n in Counter(p.key for p in presses).most_common())})"
        )
        p95 = percentile(ms, 0.95) if ms else float("nan")
        if ms:
            print(
                f"key latency over {len(ms)} keys that ran an action: p50 {percentile(ms, 0.5):.0f} ms, p95 {p95:.0f} ms, "
                f"max {max(ms):.0f} ms; over 100 ms: {sum(m > 100 for m in ms)}, over 1 s: {sum(m > 1000 for m in ms)}"
            )
        handled = sum(p.handled is not None for p in presses)
        print(
            f"keys handled without reaching an action (typed into a field, or unbound there): {handled - len(timed)}"
        )
        print(
            f"the app took up {handled / elapsed:.1f} keys/s; {self.skipped} of {len(presses) + self.skipped} ticks "
            f"sent no key because {self.args.max_backlog} were still queued (largest backlog {self.max_backlog}); "
            f"after the last key it took {self.drain_seconds:.1f} s to catch up"
            + (f" ({self.left_in_backlog} keys still queued then)" if self.left_in_backlog else "")
        )
        share = self.training_samples["training"] / max(sum(self.training_samples.values()), 1)
        print(
            f"training ran {share:.0%} of the time; reached step {self.step}; {self.frames.count} frames composed"
        )
        rss = self.rss
        growth = max(
            rss.get("ui_end", 0) - rss.get("ui_start", 0),
            rss.get("child_end", 0) - rss.get("child_start", 0),
        )
        print(
            f"RSS UI process {rss.get('ui_start', 0):.0f} MB -> {rss.get('ui_end', 0):.0f} MB; training process "
            f"{rss.get('child_start', 0):.0f} MB -> {rss.get('child_end', float('nan')):.0f} MB"
        )
        tracebacks = [e for e in problems.trainer_errors if "Traceback" in e]
        print(
            f"exceptions: {len(problems.exceptions)}; training-process errors: {len(problems.trainer_errors)} "
            f"({len(tracebacks)} with a traceback)"
        )
        for text in problems.exceptions[:6] + problems.trainer_errors[:3]:
            print("  " + text.replace("\n", "\n  "))
        print(f"hangs (keys queued, none handled for {HANG_SECONDS:g} s): {len(problems.hangs)}")
        for text in problems.hangs[:3]:
            print("  " + text)
        print(
            "error banners: "
            + ("; ".join(f"{n}x {t}" for t, n in problems.banners.most_common(6)) or "none")
        )
        print(
            "error/warning notifications: "
            + ("; ".join(f"{n}x {t}" for t, n in problems.notifications.most_common(6)) or "none")
        )
        quit_, left = self.quit, self.quit.get("left", {})
        exit_text = (
            f"exited {quit_['exit_seconds']:.2f} s after q"
            if quit_.get("exited")
            else f"did NOT exit ({quit_.get('why', '?')})"
        )
        gone = quit_.get("gone_seconds")
        print(
            f"quit: the app {exit_text}; processes it started: {len(self.children)}, still running 1 s after "
            f"exit: {len(left)} {list(left.values())[:2]}"
            + (f"; all gone {gone:.2f} s after q" if gone else "")
        )
        print(machine_line())
        checks = {
            "no exception": not problems.exceptions and not tracebacks,
            "no hang": not problems.hangs,
            f"p95 < {TARGET_P95_MS:g} ms": p95 < TARGET_P95_MS,
            f"growth < {TARGET_GROWTH_MB:g} MB": growth < TARGET_GROWTH_MB,
            "quit cleanly": bool(quit_.get("exited")) and not left,
        }
        print("; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks.items()))
        return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--scenario", default="sine-waves")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between keys")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-backlog",
        type=int,
        default=50,
        help="keys the app may have queued before the presser waits for it",
    )
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT")
    parser.add_argument(
        "--all-keys",
        action="store_true",
        help="also the cell (c), reset (r), layer (l), help (?) and the palette (ctrl+p)",
    )
    soak = Soak(parser.parse_args())
    asyncio.run(soak.run())
    raise SystemExit(0 if soak.report() else 1)


if __name__ == "__main__":
    main()
