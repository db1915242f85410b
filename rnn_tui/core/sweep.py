"""Sweeps: train every (value, cell, seed) of one varied scenario key and compare.

The plan is checked whole before anything trains (a bad value is an error up front, not
after an hour); the runs go to a pool of ``spawn`` worker processes, one torch thread
each (``sweep_worker.py``); results come back as small frozen dataclasses of Python
values, so a UI can chart them without importing torch. Timing is in CPU seconds of
the worker process, so a busy shared machine inflates it less than wall time.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import multiprocessing
import queue
import signal
import statistics
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.queues import Queue as MpQueue
from pathlib import Path
from typing import Any

import numpy as np

from rnn_tui.core.changes import parse_setting
from rnn_tui.core.errors import RnnTuiError, ScenarioError
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import CELLS, HIGHER_IS_BETTER, Metric

Value = bool | int | float | str
MAX_RUNS = 10_000
# Keys a sweep sets itself: varying them with --vary would fight --cells / --seeds.
OWN_KEYS = {"model.cell": "--cells", "training.seed": "--seeds"}
# The metric of a model with no skill, by metric: accuracy's chance is 1 / classes
# (our class data are label-balanced); an RMSE ratio of 1 is persistence's. Exact match
# and raw RMSE have no such level.
CHANCE_LABEL = {"accuracy": "chance", "rmse_ratio": "persistence"}
CLOCK = "CPU seconds of the worker process (time.process_time), one torch thread"


# -- the plan ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepRun:
    """One training run of a sweep: the scenario with the value, cell and seed applied."""

    index: int
    value: Value
    cell: str
    seed: int
    steps: int
    # None in a sweep read back from its file (`SweepResult.from_json`): a record of what
    # ran, not something to train again.
    scenario: Scenario | None = None


@dataclass(frozen=True)
class SweepPlan:
    """Every run of a sweep, checked: each run's scenario is valid and its data can be built."""

    scenario: str  # the scenario's name
    key: str  # the varied dotted key, e.g. data.params.seq_len
    values: tuple[Value, ...]
    cells: tuple[str, ...]
    seeds: tuple[int, ...]
    metric: Metric  # the goal metric, e.g. accuracy
    target: float  # the goal
    runs: tuple[SweepRun, ...]

    @property
    def higher_is_better(self) -> bool:
        return HIGHER_IS_BETTER[self.metric]

    @property
    def total_steps(self) -> int:
        return sum(run.steps for run in self.runs)


def value_text(value: Value) -> str:
    """A value as written on the command line (true, 0.5, gru)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def value_key(value: Value) -> tuple[str, str]:
    """A swept value as a key that keeps 1, 1.0 and True apart (as dict keys, or with ==,
    they are one value; as values of a sweep, three)."""
    return type(value).__name__, repr(value)


def parse_vary(text: str) -> tuple[str, tuple[Value, ...]]:
    """``KEY=v1,v2,...`` with each value read as TOML, as ``--set`` reads it."""
    key, sep, values = text.partition("=")
    key = key.strip()
    items = [item.strip() for item in values.split(",")]
    if not sep or not key or not values.strip():
        raise RnnTuiError(
            f"--vary {text!r}: expected KEY=VALUE,VALUE,..., e.g. --vary data.params.seq_len=5,10,20."
        )
    if "" in items:
        raise RnnTuiError(f"--vary {text!r}: an empty value between commas; give values such as 5,10,20.")
    parsed = tuple(parse_setting(f"{key}={item}")[1] for item in items)
    _no_repeats(parsed, f"--vary {key}", value_text)
    return key, parsed


def parse_cells(text: str) -> tuple[str, ...]:
    cells = tuple(item.strip() for item in text.split(","))
    bad = [cell for cell in cells if cell not in CELLS]
    if bad:
        raise RnnTuiError(f"--cells {text!r}: {bad[0]!r} is not a cell; allowed: {', '.join(CELLS)} (comma-separated).")
    _no_repeats(cells, "--cells", str)
    return cells


def parse_seeds(text: str) -> tuple[int, ...]:
    seeds = []
    for item in text.split(","):
        try:
            seed = int(item.strip())
        except ValueError:
            seed = -1
        if not 0 <= seed <= 2**31 - 1:
            raise RnnTuiError(f"--seeds {text!r}: {item.strip()!r} is not a seed; give whole numbers 0 to 2147483647, e.g. 0,1,2.")
        seeds.append(seed)
    _no_repeats(seeds, "--seeds", str)
    return tuple(seeds)


def _no_repeats(items: Sequence[Any], flag: str, show: Callable[[Any], str]) -> None:
    seen = set()
    for item in items:
        if show(item) in seen:
            raise RnnTuiError(f"{flag}: {show(item)} is given twice; give each value once.")
        seen.add(show(item))


def plan_sweep(
    scenario: Scenario,
    key: str,
    values: Sequence[Value],
    cells: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    steps: int | None = None,
) -> SweepPlan:
    """Every (value, cell, seed) run, each checked (scenario and data params) before any trains."""
    if key in OWN_KEYS:
        raise RnnTuiError(f"--vary {key}: a sweep sets this itself; use {OWN_KEYS[key]} instead.")
    if key == "training.steps" and steps is not None:
        raise RnnTuiError("--vary training.steps and --steps together: give one of them.")
    cells = tuple(cells or (scenario.model.cell,))
    seeds = tuple(seeds if seeds is not None else (scenario.training.seed,))
    count = len(values) * len(cells) * len(seeds)
    if count > MAX_RUNS:
        raise RnnTuiError(f"this sweep has {count:,} runs ({len(values)} values x {len(cells)} cells x "
                          f"{len(seeds)} seeds); at most {MAX_RUNS:,} are allowed.")
    runs: list[SweepRun] = []
    for value in values:
        for cell in cells:
            for seed in seeds:
                changed = _changed(scenario, key, value, {"model.cell": cell, "training.seed": seed})
                if not runs or runs[-1].value != value:
                    _check_data(changed, key, value)
                run_steps = steps if steps is not None else changed.training.steps
                runs.append(SweepRun(len(runs), value, cell, seed, run_steps, changed))
    return SweepPlan(scenario.name, key, tuple(values), cells, seeds, scenario.goal.metric,
                     scenario.goal.target, tuple(runs))


def _changed(scenario: Scenario, key: str, value: Value, others: dict[str, Any]) -> Scenario:
    try:
        return scenario.with_changes({key: value, **others})
    except (KeyError, TypeError):
        raise RnnTuiError(
            f"--vary {key}: no such setting; use a dotted key of the scenario file, e.g. "
            "data.params.seq_len, model.hidden_size, model.recurrent_init_scale, training.learning_rate."
        ) from None
    except ScenarioError as error:
        raise RnnTuiError(f"--vary {key}={value_text(value)}: {error}") from None


def _check_data(scenario: Scenario, key: str, value: Value) -> None:
    # Imported here: the data modules import torch, and a UI that only charts results
    # imports this module without it.
    from rnn_tui.core.data.loading import check_data

    try:
        check_data(scenario)
    except ScenarioError as error:
        raise RnnTuiError(f"--vary {key}={value_text(value)}: {error}") from None


# -- results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepPoint:
    """What one run measured (Python values only)."""

    value: Value
    cell: str
    seed: int
    timesteps: int  # recurrent steps per example (input, plus a decoder's): the T of timing
    metric: float  # the goal metric on the whole held-out split, after training
    reached: bool
    diverged: str | None
    steps: int  # training steps taken
    seconds_per_step: float  # median CPU seconds of a training step after warm-up
    seconds_per_forward: float  # median CPU seconds of a no-grad forward pass on one batch
    held_out: int  # held-out examples the metric is measured on
    seconds: float  # wall seconds of the whole run (data, training, evaluation, timing)
    chance: float | None  # the metric with no skill (see CHANCE_LABEL), None if none


@dataclass(frozen=True)
class SweepAggregate:
    """One (value, cell) over its seeds."""

    value: Value
    cell: str
    seeds: int
    metric_mean: float
    metric_min: float
    metric_max: float
    reached: int  # seeds that reached the goal
    diverged: int  # seeds that diverged
    timesteps: int
    seconds_per_step: float  # median over seeds
    seconds_per_forward: float


@dataclass(frozen=True)
class LogLogFit:
    """log10(seconds) = slope * log10(T) + intercept, by least squares."""

    slope: float
    intercept: float
    r_squared: float
    points: int

    def seconds_at(self, timesteps: float) -> float:
        return 10 ** (self.slope * math.log10(timesteps) + self.intercept)


def fit_loglog(x: Sequence[float], y: Sequence[float]) -> LogLogFit | None:
    """Least squares on log x vs log y; None without two distinct positive x (or y <= 0)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = (xs > 0) & (ys > 0) & np.isfinite(xs) & np.isfinite(ys)
    lx, ly = np.log10(xs[keep]), np.log10(ys[keep])
    if len(np.unique(lx)) < 2:
        return None
    slope, intercept = np.polyfit(lx, ly, 1)
    residual = ly - (slope * lx + intercept)
    spread = float(((ly - ly.mean()) ** 2).sum())
    r_squared = 1.0 - float((residual**2).sum()) / spread if spread > 0 else 1.0
    return LogLogFit(float(slope), float(intercept), r_squared, int(keep.sum()))


@dataclass(frozen=True)
class LinearFit:
    """seconds = fixed + per_timestep * T, by least squares: a cost paid once per step
    (optimizer, Python, the output layer) plus one paid at every timestep."""

    fixed: float
    per_timestep: float
    r_squared: float
    points: int


def fit_linear(x: Sequence[float], y: Sequence[float]) -> LinearFit | None:
    """Least squares of y on x; None without two distinct x."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    if len(np.unique(xs)) < 2:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = ys - (slope * xs + intercept)
    spread = float(((ys - ys.mean()) ** 2).sum())
    r_squared = 1.0 - float((residual**2).sum()) / spread if spread > 0 else 1.0
    return LinearFit(float(intercept), float(slope), r_squared, int(keep.sum()))


TIMINGS = {"step": "seconds_per_step", "forward": "seconds_per_forward"}


@dataclass(frozen=True)
class SweepResult:
    """The finished (or interrupted) sweep: its plan and every point measured so far."""

    plan: SweepPlan
    points: tuple[SweepPoint, ...]
    interrupted: bool = False
    workers: int = 1
    seconds: float = 0.0  # wall seconds of the whole sweep

    @property
    def chance_label(self) -> str | None:
        """What the no-skill level is called for this metric: chance, persistence or None."""
        return CHANCE_LABEL.get(self.plan.metric)

    @property
    def chance(self) -> float | None:
        """The no-skill level if every point agrees on it (else see each aggregate's value)."""
        levels = {p.chance for p in self.points}
        return levels.pop() if len(levels) == 1 else None

    def aggregates(self) -> list[SweepAggregate]:
        """Per (value, cell) in the plan's order, over the seeds measured."""
        out = []
        for value in self.plan.values:
            for cell in self.plan.cells:
                group = [p for p in self.points if value_key(p.value) == value_key(value) and p.cell == cell]
                if group:
                    out.append(aggregate(group))
        return out

    def timing_fits(self, kind: str = "step") -> dict[str, LogLogFit | None]:
        """Per cell, the log-log slope of seconds (per step or per forward pass) against T."""
        attribute = TIMINGS[kind]
        return {
            cell: fit_loglog([p.timesteps for p in self.points if p.cell == cell],
                             [getattr(p, attribute) for p in self.points if p.cell == cell])
            for cell in self.plan.cells
        }

    def timing_linear_fits(self, kind: str = "step") -> dict[str, LinearFit | None]:
        """Per cell, seconds = fixed + per_timestep * T: why a log-log slope can be below 1."""
        attribute = TIMINGS[kind]
        return {
            cell: fit_linear([p.timesteps for p in self.points if p.cell == cell],
                             [getattr(p, attribute) for p in self.points if p.cell == cell])
            for cell in self.plan.cells
        }

    def timing_series(self, kind: str = "step") -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per cell, T (ascending) and the median seconds over the seeds at each T."""
        attribute = TIMINGS[kind]
        out = {}
        for cell in self.plan.cells:
            by_t: dict[int, list[float]] = {}
            for p in self.points:
                if p.cell == cell:
                    by_t.setdefault(p.timesteps, []).append(getattr(p, attribute))
            ts = sorted(by_t)
            out[cell] = (np.array(ts, dtype=float), np.array([statistics.median(by_t[t]) for t in ts]))
        return out

    @classmethod
    def from_json(cls, path: str | Path) -> SweepResult:
        """The sweep `rnn-tui sweep --json` wrote to ``path`` (``to_json`` of the result
        read is that file's content); a file that is not one is a one-paragraph RnnTuiError."""
        from rnn_tui.core.sweep_file import read_sweep

        return read_sweep(path)

    def to_json(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "scenario": plan.scenario, "key": plan.key, "values": list(plan.values), "cells": list(plan.cells),
            "seeds": list(plan.seeds), "steps": sorted({run.steps for run in plan.runs}),
            "goal": {"metric": plan.metric, "target": plan.target, "higher_is_better": plan.higher_is_better},
            "chance": {"label": self.chance_label, "value": self.chance} if self.chance_label else None,
            "interrupted": self.interrupted, "runs_planned": len(plan.runs), "workers": self.workers,
            "seconds": self.seconds, "clock": CLOCK,
            "points": [_finite(asdict(p)) for p in self.points],
            "aggregates": [_finite(asdict(a)) for a in self.aggregates()],
            "timing": {kind: {cell: (asdict(fit) if fit else None) for cell, fit in self.timing_fits(kind).items()}
                       for kind in TIMINGS},
            "timing_linear": {kind: {cell: (asdict(fit) if fit else None)
                                     for cell, fit in self.timing_linear_fits(kind).items()}
                              for kind in TIMINGS},
        }

    def to_csv(self) -> str:
        """One row per run."""
        names = list(SweepPoint.__dataclass_fields__)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=[self.plan.key if n == "value" else n for n in names],
                                lineterminator="\n")
        writer.writeheader()
        for point in self.points:
            row = asdict(point)
            row[self.plan.key] = value_text(row.pop("value"))
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        return out.getvalue()


def aggregate(points: Sequence[SweepPoint]) -> SweepAggregate:
    """Mean and range of the metric over seeds; median timings; counts reached and diverged."""
    metrics = [p.metric for p in points if math.isfinite(p.metric)]
    first = points[0]
    return SweepAggregate(
        value=first.value, cell=first.cell, seeds=len(points),
        metric_mean=statistics.fmean(metrics) if metrics else math.nan,
        metric_min=min(metrics, default=math.nan), metric_max=max(metrics, default=math.nan),
        reached=sum(p.reached for p in points), diverged=sum(p.diverged is not None for p in points),
        timesteps=first.timesteps,
        seconds_per_step=statistics.median(p.seconds_per_step for p in points),
        seconds_per_forward=statistics.median(p.seconds_per_forward for p in points),
    )


def _finite(row: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN/Infinity: write them as strings so the file stays standard."""
    return {k: (str(v) if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}


# -- running ----------------------------------------------------------------------------
def run_sweep(
    plan: SweepPlan,
    workers: int,
    on_point: Callable[[SweepPoint], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    quiet: bool = False,
) -> SweepResult:
    """Train every run of ``plan`` in a pool of ``workers`` spawned processes.

    ``on_progress(steps)`` gets the training steps done over all runs so far (from the
    workers, a few times a second); ``on_point`` each finished run. A ctrl+c
    (KeyboardInterrupt) or ``stop`` being set terminates the pool and returns what
    finished, marked ``interrupted``. A run's RnnTuiError (e.g. data that cannot be
    built) stops the pool and is raised. ``workers=0`` trains in this thread instead, one
    run after another (a test's tiny sweep; ``stop`` is then checked between runs).
    ``quiet``: the workers' prints and warnings go nowhere (a full-screen app owns the
    terminal). A worker whose parent is gone ends itself (see ``init_worker``).
    """
    import time

    from rnn_tui.core.sweep_worker import init_worker, run_point

    started = time.perf_counter()
    if workers == 0:
        return _run_here(plan, on_point, on_progress, stop, started)
    processes = max(1, min(workers, len(plan.runs)))
    context = multiprocessing.get_context("spawn")  # fork after torch threads start can hang
    with _real_streams():
        progress = context.Queue()
        with _sigint_deferred() as deferred:
            pool = context.Pool(processes, initializer=init_worker, initargs=(progress, quiet))
    points: list[SweepPoint] = []
    steps_done: dict[int, int] = {}
    interrupted = False
    try:
        if deferred.received:
            raise KeyboardInterrupt
        pending = {run.index: pool.apply_async(run_point, (run,)) for run in plan.runs}
        while pending and not (stop is not None and stop.is_set()):
            if _drain(progress, steps_done) and on_progress:
                on_progress(sum(steps_done.values()))
            for index in [i for i, result in pending.items() if result.ready()]:
                point = pending.pop(index).get()  # re-raises a worker's error here
                steps_done[index] = plan.runs[index].steps
                points.append(point)
                if on_point:
                    on_point(point)
                if on_progress:
                    on_progress(sum(steps_done.values()))
        interrupted = bool(pending)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        pool.terminate()
        pool.join()
        progress.close()
    order = {(run.value, type(run.value), run.cell, run.seed): run.index for run in plan.runs}
    points.sort(key=lambda p: order[(p.value, type(p.value), p.cell, p.seed)])
    return SweepResult(plan, tuple(points), interrupted, processes, time.perf_counter() - started)


def _run_here(
    plan: SweepPlan,
    on_point: Callable[[SweepPoint], None] | None,
    on_progress: Callable[[int], None] | None,
    stop: threading.Event | None,
    started: float,
) -> SweepResult:
    """Every run in this thread, in order; ``stop`` is honoured between runs."""
    import time

    from rnn_tui.core.sweep_worker import run_point

    points: list[SweepPoint] = []
    for run in plan.runs:
        if stop is not None and stop.is_set():
            break
        points.append(run_point(run))
        if on_point:
            on_point(points[-1])
        if on_progress:
            on_progress(sum(r.steps for r in plan.runs[: len(points)]))
    interrupted = len(points) < len(plan.runs)
    return SweepResult(plan, tuple(points), interrupted, 0, time.perf_counter() - started)


@contextlib.contextmanager
def _real_streams() -> Iterator[None]:
    """Starting processes passes the file descriptor of sys.stderr on (multiprocessing's
    resource tracker): a host that replaced the standard streams with objects without one
    (Textual's fileno() is -1) would fail with "bad value(s) in fds_to_keep". The process's
    own streams stand in while the pool starts."""
    def usable(stream: object) -> bool:
        try:
            return stream is not None and stream.fileno() >= 0  # type: ignore[attr-defined]
        except (AttributeError, OSError, ValueError):
            return False

    if usable(sys.stdout) and usable(sys.stderr):
        yield
        return
    with contextlib.redirect_stdout(sys.__stdout__), contextlib.redirect_stderr(sys.__stderr__):
        yield


def _drain(progress: MpQueue[tuple[int, int]], steps_done: dict[int, int]) -> bool:
    """Wait briefly for workers' step counts; True if any arrived."""
    try:
        index, step = progress.get(timeout=0.1)
    except queue.Empty:
        return False
    steps_done[index] = max(steps_done.get(index, 0), step)
    with contextlib.suppress(queue.Empty):
        while True:
            index, step = progress.get_nowait()
            steps_done[index] = max(steps_done.get(index, 0), step)
    return True


class _Deferred:
    received = False


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[_Deferred]:
    """A ctrl+c while the pool starts is noted, not raised (a half-built pool could not be
    ended), and SIGINT is blocked in this thread so the workers start with it blocked:
    they ignore it for good before unblocking it (``init_worker``), so a ctrl+c at the
    terminal is the parent's alone."""
    deferred = _Deferred()
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:  # Python runs signal handlers in the main thread only

        def note(signum: int, frame: object) -> None:
            deferred.received = True

        previous = signal.signal(signal.SIGINT, note)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
    try:
        yield deferred
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if in_main:
            signal.signal(signal.SIGINT, previous)
