"""The `rnn-tui sweep` command: plan, run with a progress bar, print the table and timing, write files."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import load_scenario
from rnn_tui.core.sweep import (
    SweepPlan,
    SweepResult,
    parse_cells,
    parse_seeds,
    parse_vary,
    plan_sweep,
    run_sweep,
    value_text,
)
from rnn_tui.headless import apply_changes, check_steps, check_writable, parse_setting
from rnn_tui.text_plot import loglog_plot

MARKERS = {"rnn": "r", "lstm": "l", "gru": "g"}
WHY_LINEAR = (
    "Why linear in T: step t needs h_{t-1}, which needs h_{t-2}, and so on, so a sequence of T "
    "steps is T matrix products one after another that cannot run in parallel over time; "
    "the work, and the time on one core, grows in proportion to T. Measured time is a cost paid "
    "once per step (the optimizer update, Python, the output layer) plus one paid at every timestep: "
    "the fixed and per-timestep columns above split the two; the fixed part is why the log-log slope is below 1 at short T "
    "and nears 1 as T grows."
)


def sweep(args: argparse.Namespace) -> int:
    check_steps(args.steps)
    for path, flag in ((args.json, "--json"), (args.csv, "--csv")):
        _check_output(path, flag)
    if args.json and args.csv and Path(args.json).expanduser().resolve() == Path(args.csv).expanduser().resolve():
        raise RnnTuiError(f"--json and --csv are the same file ({args.json}); give two file names.")
    plan = _plan(args)
    workers = args.workers or os.cpu_count() or 1
    from rich.console import Console

    console = Console()
    console.print(_heading(plan, min(workers, len(plan.runs))), highlight=False, soft_wrap=True)
    sys.stdout.flush()
    with _Progress(args.quiet, plan, console) as progress:
        result = run_sweep(plan, workers, on_point=progress.point, on_progress=progress.steps)
    _print_table(console, result)
    if args.timing:
        _print_timing(console, result)
    if args.json:
        import json

        _write(args.json, "--json", json.dumps(result.to_json(), indent=1))
    if args.csv:
        _write(args.csv, "--csv", result.to_csv())
    if result.interrupted:
        console.print(f"interrupted: {len(result.points)} of {len(plan.runs)} runs finished"
                      + (" (those are written)" if args.json or args.csv else ""), highlight=False, soft_wrap=True)
        return 130
    return 0


def _plan(args: argparse.Namespace) -> SweepPlan:
    scenario = load_scenario(args.scenario)
    if args.set:
        scenario = apply_changes(scenario, dict(parse_setting(item) for item in args.set))
    key, values = parse_vary(args.vary)
    cells = parse_cells(args.cells) if args.cells else None
    seeds = parse_seeds(args.seeds) if args.seeds else None
    return plan_sweep(scenario, key, values, cells, seeds, args.steps)


def _check_output(path: str | None, flag: str) -> None:
    check_writable(path, flag, "sweep." + flag.removeprefix("--"))
    if path and path != "-":
        target = Path(path).expanduser()
        if target.exists() and not target.is_file():  # a device or pipe
            raise RnnTuiError(f"{flag} {path}: is not a regular file; give a file name such as sweep{flag.replace('--', '.')}.")
    if path == "-":
        raise RnnTuiError(f"{flag} -: the table goes to the terminal; give a file name such as sweep{flag.replace('--', '.')}.")


def _write(path: str, flag: str, text: str) -> None:
    try:
        Path(path).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise RnnTuiError(f"{flag} {path}: cannot write ({error.strerror}).") from None


def _heading(plan: SweepPlan, workers: int) -> str:
    steps = sorted({run.steps for run in plan.runs})
    return (
        f"sweep {plan.scenario}: {plan.key} = {', '.join(map(value_text, plan.values))}; "
        f"cells {', '.join(plan.cells)}; seeds {', '.join(map(str, plan.seeds))}; "
        f"{len(plan.runs)} runs of {'/'.join(f'{s:,}' for s in steps)} steps on {workers} worker process"
        + ("es" if workers > 1 else "")
    )


class _Progress:
    """Progress over all training steps of the sweep: a bar on a terminal, else a line per run."""

    def __init__(self, quiet: bool, plan: SweepPlan, console) -> None:
        self.plan, self.console, self.done = plan, console, 0
        self.mode = "quiet" if quiet else "bar" if console.is_terminal else "lines"

    def __enter__(self) -> _Progress:
        if self.mode != "bar":
            return self
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("sweep"), BarColumn(), TextColumn("{task.fields[runs]}"),
                            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                            TextColumn("{task.fields[last]}"), console=self.console)
        self.task = self.bar.add_task("sweep", total=self.plan.total_steps, runs=self._runs(), last="")
        self.bar.__enter__()
        return self

    def _runs(self) -> str:
        return f"{self.done}/{len(self.plan.runs)} runs"

    def steps(self, done: int) -> None:
        if self.mode == "bar":
            self.bar.update(self.task, completed=done)

    def point(self, point) -> None:
        self.done += 1
        last = f"{point.cell} {value_text(point.value)} seed {point.seed}: {self.plan.metric} {point.metric:.3g}"
        if self.mode == "bar":
            self.bar.update(self.task, runs=self._runs(), last=last)
        elif self.mode == "lines":  # a log or a pipe: no bar to redraw, a line per finished run
            key = self.plan.key.rsplit(".", 1)[-1]
            self.console.print(f"run {self.done}/{len(self.plan.runs)} done: {point.cell} {key}={value_text(point.value)} seed {point.seed}: "
                               f"{self.plan.metric} {point.metric:.3g}" + (" (goal reached)" if point.reached else ""),
                               highlight=False, soft_wrap=True)
            sys.stdout.flush()

    def __exit__(self, *exc) -> None:
        if self.mode == "bar":
            self.bar.__exit__(*exc)


def _print_table(console, result: SweepResult) -> None:
    from rich.table import Table

    plan = result.plan
    aggregates = result.aggregates()
    if not aggregates:
        console.print("no run finished.")
        return
    direction = ">=" if plan.higher_is_better else "<="
    chance = f"; {result.chance_label} {result.chance:.3g}" if result.chance is not None else ""
    console.print(f"{plan.scenario}, varying {plan.key}: held-out {plan.metric} over seeds "
                  f"(goal {direction} {plan.target}{chance})", highlight=False, soft_wrap=True)
    table = Table()
    show_t = any(value_text(a.value) != str(a.timesteps) for a in aggregates)
    diverged = any(a.diverged for a in aggregates)
    label = plan.key.rsplit(".", 1)[-1]
    for name in (label, "cell", *(["T"] if show_t else []), "mean", "range", "reached",
                 *(["diverged"] if diverged else []), "ms/step", "ms/forward"):
        table.add_column(name, justify="left" if name in (label, "cell") else "right", no_wrap=True)
    for a in aggregates:
        spread = f"{a.metric_min:.3g}-{a.metric_max:.3g}" if a.seeds > 1 else ""
        reached = f"{a.reached}/{a.seeds}"
        table.add_row(value_text(a.value), a.cell, *([str(a.timesteps)] if show_t else []), f"{a.metric_mean:.3g}",
                      spread, f"[green]{reached}[/]" if a.reached == a.seeds else reached,
                      *([f"{a.diverged}/{a.seeds}"] if diverged else []),
                      f"{a.seconds_per_step * 1e3:.3g}", f"{a.seconds_per_forward * 1e3:.3g}")
    console.print(table)
    steps = sorted({p.steps for p in result.points})
    console.print(f"seeds {', '.join(map(str, plan.seeds))}; {'/'.join(map(str, steps))} training steps per run; "
                  f"mean and range (min-max) over seeds; reached = seeds that reached the goal; "
                  f"ms = median CPU milliseconds of the worker process per training step and per "
                  f"forward pass (one batch, no gradient); {result.seconds:.0f} s wall on "
                  f"{result.workers} worker process{'es' if result.workers > 1 else ''}.", highlight=False)


def _print_timing(console, result: SweepResult) -> None:
    timesteps = {p.timesteps for p in result.points}
    if len(timesteps) < 2:
        console.print(f"--timing: every run has T = {next(iter(timesteps), '?')} recurrent steps, so there is no "
                      f"slope to fit; vary a sequence length (e.g. --vary data.params.seq_len=10,20,50,100).")
        return
    for kind, title in (("step", "CPU seconds per training step"), ("forward", "CPU seconds per forward pass")):
        series = result.timing_series(kind)
        lines = loglog_plot(series, MARKERS, x_title="sequence length T (recurrent steps, log scale)",
                            y_title=f"{title} (log scale; median over seeds)", y_label=_seconds_label)
        console.print("\n".join(lines), markup=False, highlight=False)
        legend = "  ".join(f"{MARKERS[c]} = {c}" for c in series)
        console.print(f"{legend}  * = overlap  . = slope 1 (time proportional to T)", markup=False, highlight=False)
        console.print(_fits_table(result, kind))
        console.print()
    console.print(WHY_LINEAR, highlight=False)


def _fits_table(result: SweepResult, kind: str):
    """Per cell: the log-log slope, and the same times as fixed + per-timestep x T."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for name in ("cell", "log-log slope", "its R^2", "fixed ms", "ms per timestep", "line R^2"):
        table.add_column(name, justify="left" if name == "cell" else "right")
    linear = result.timing_linear_fits(kind)
    for cell, fit in result.timing_fits(kind).items():
        line = linear[cell]
        if fit is None or line is None:
            table.add_row(cell, "one T only: no slope", "", "", "", "")
            continue
        table.add_row(cell, f"{fit.slope:.2f}", f"{fit.r_squared:.3f}", f"{line.fixed * 1e3:.3g}",
                      f"{line.per_timestep * 1e3:.3g}", f"{line.r_squared:.3f}")
    return table


def _seconds_label(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:g} ms"
    return f"{seconds * 1e6:g} us" if math.isfinite(seconds) else "?"
