"""The headless commands: list, train and trace, printing with rich and writing JSON."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import threading
import tomllib
from pathlib import Path
from typing import Any

from rnn_tui.core.errors import RnnTuiError, ScenarioError
from rnn_tui.core.scenario import Scenario, TrainingSpec, builtin_scenarios, load_scenario

MAX_STEPS = next(m.le for m in TrainingSpec.model_fields["steps"].metadata if hasattr(m, "le"))


def list_scenarios() -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Built-in scenarios", title_justify="left", expand=False)
    for column in ("name", "topology", "use case", "cell", "description"):
        table.add_column(column, overflow="fold")
    for scenario in builtin_scenarios():
        table.add_row(scenario.name, scenario.topology, scenario.use_case, scenario.model.cell, scenario.summary)
    Console().print(table)
    return 0


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario named on the command line with --cell/--seed/--set applied."""
    scenario = load_scenario(args.scenario)
    changes: dict[str, Any] = {}
    for item in args.set:
        key, value = parse_setting(item)
        changes[key] = value
    if args.cell:
        changes["model.cell"] = args.cell
    if args.seed is not None:
        changes["training.seed"] = args.seed
    return apply_changes(scenario, changes)


def apply_changes(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    try:
        return scenario.with_changes(changes) if changes else scenario
    except (KeyError, TypeError):
        keys = ", ".join(changes)
        raise ScenarioError(
            f"cannot set {keys}: use dotted keys of the scenario file, e.g. model.hidden_size, "
            "training.learning_rate, data.params.seq_len."
        ) from None


def parse_setting(item: str) -> tuple[str, Any]:
    """KEY=VALUE with the value read as TOML (so 128, 0.01, true, "gru" all work)."""
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {item!r}: expected KEY=VALUE, e.g. --set model.hidden_size=128.")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()  # a bare word such as gru
    return key.strip(), value


def check_writable(path: str | None, flag: str) -> None:
    """Fail before training, not after, when an output cannot be written."""
    if path is None or path == "-":
        return
    target = Path(path).expanduser()
    if target.is_dir():
        raise RnnTuiError(f"{flag} {path}: is a directory; give a file name.")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise RnnTuiError(f"{flag} {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise RnnTuiError(f"{flag} {path}: cannot write there (permission denied).")


def make_trainer(args: argparse.Namespace):
    import torch

    # One thread: on a shared 2-core machine two torch threads measured 7x slower
    # (26 vs 180 steps/s for a small LSTM) because they fight for the cores.
    torch.set_num_threads(1)
    from rnn_tui.core.training import Trainer
    from rnn_tui.core.weights import load_weights

    trainer = Trainer(scenario_from_args(args))
    if args.load:
        load_weights(trainer.model, args.load)
    return trainer


def check_steps(steps: int | None) -> None:
    """--steps within the same bound as a scenario's training.steps."""
    if steps is not None and steps > MAX_STEPS:
        raise RnnTuiError(f"--steps {steps:,} is too many; at most {MAX_STEPS:,} (training.steps has the same limit).")


def train(args: argparse.Namespace) -> int:
    check_steps(args.steps)
    check_writable(args.json, "--json")
    check_writable(args.save, "--save")
    save_target = Path(args.save).expanduser() if args.save else None
    if save_target and save_target.exists() and not save_target.is_file():  # a device or pipe
        raise RnnTuiError(f"--save {args.save}: is not a regular file; give a file name such as model.safetensors.")
    trainer = make_trainer(args)
    reports: list[dict[str, Any]] = []
    stop = threading.Event()
    steps = args.steps if args.steps is not None else trainer.scenario.training.steps
    with _progress(args.quiet, steps) as advance:

        def on_step(report) -> None:
            if args.json:
                reports.append(report_to_json(report))
            advance(report)

        try:
            with out_of_memory_is_an_error(trainer):
                summary = trainer.run(stop, on_step, steps)
        except KeyboardInterrupt:
            stop.set()
            summary = trainer.summary()
    _print_summary(trainer, summary)
    if args.save:
        from rnn_tui.core.weights import save_weights

        save_weights(trainer.model, args.save, weights_meta(trainer))
    if args.json:
        _write_json(args.json, {**summary_to_json(trainer, summary), "reports": reports})
    return 0


def trace(args: argparse.Namespace) -> int:
    check_steps(args.steps)
    check_writable(args.json, "--json")
    trainer = make_trainer(args)
    test = trainer.dataset.test
    if args.sample >= len(test):
        raise RnnTuiError(f"--sample {args.sample} is out of range: the held-out set has {len(test)} examples (0 to {len(test) - 1}).")
    if args.steps:
        with out_of_memory_is_an_error(trainer):
            trainer.run(steps=args.steps)
    from rnn_tui.core.trace import trace_example

    result = trace_example(trainer.model, trainer.dataset, test.select([args.sample]), trainer.scenario.name)
    _write_json(args.json, result.to_json())
    return 0


@contextlib.contextmanager
def out_of_memory_is_an_error(trainer):
    """Running out of memory mid-run (past the trainer's own estimate) as a message, not a traceback."""
    try:
        yield
    except (MemoryError, RuntimeError) as error:
        if isinstance(error, RuntimeError) and "can't allocate memory" not in str(error):
            raise
        raise RnnTuiError(
            f"ran out of memory at step {trainer.step}; lower training.batch_size, training.eval_size, "
            "model.hidden_size or the sequence length (e.g. --set training.batch_size=16)."
        ) from None


def weights_meta(trainer) -> dict[str, str]:
    spec = trainer.scenario.model
    return {"scenario": trainer.scenario.name, "topology": trainer.scenario.topology, "cell": spec.cell,
            "hidden_size": str(spec.hidden_size), "num_layers": str(spec.num_layers), "step": str(trainer.step)}


def report_to_json(report) -> dict[str, Any]:
    out = {
        "step": report.step, "loss": _num(report.loss), "grad_norm": _num(report.grad_norm),
        "grad_norm_clipped": _num(report.grad_norm_clipped), "clipped": report.clipped,
        "learning_rate": report.learning_rate, "param_grad_norms": report.param_grad_norms,
        "seconds": report.seconds,
    }
    if report.eval:
        out["eval"] = {"loss": _num(report.eval.loss), "metric": _num(report.eval.metric), "targets": report.eval.targets}
    if report.probe:
        out["grad_through_time"] = {part: norms.tolist() for part, norms in report.probe.items()}
    if report.diverged:
        out["diverged"] = report.diverged
    return out


def summary_to_json(trainer, summary) -> dict[str, Any]:
    return {
        "scenario": trainer.scenario.name, "topology": trainer.scenario.topology, "cell": trainer.scenario.model.cell,
        "steps": summary.steps, "seconds": summary.seconds,
        "final": {"loss": _num(summary.final.loss), "metric": _num(summary.final.metric), "examples": summary.final.examples,
                  "targets": summary.final.targets, **_rmse_json(summary.final)},
        "goal": {"metric": summary.metric, "target": summary.target}, "reached": summary.reached,
        "diverged": summary.diverged, "baselines": summary.baselines,
    }


def _rmse_json(final) -> dict[str, Any]:
    """A series' RMSE in the data's own units, whatever the goal metric."""
    return {} if final.rmse is None else {"rmse": _num(final.rmse)}


def _num(value: float) -> float | str:
    """JSON has no NaN/Infinity: write them as strings so the file stays standard."""
    return value if math.isfinite(value) else str(value)


def _write_json(path: str, data: dict[str, Any]) -> None:
    text = json.dumps(data)
    if path == "-":
        print(text)
        return
    try:
        Path(path).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise RnnTuiError(f"--json {path}: cannot write ({error.strerror}).") from None


class _progress:
    """A rich progress bar showing loss and the latest held-out metric (or nothing)."""

    def __init__(self, quiet: bool, total: int) -> None:
        self.quiet, self.total, self.metric = quiet, total, "-"

    def __enter__(self):
        if self.quiet:
            return lambda report: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.fields[status]}"), transient=False)
        self.task = self.bar.add_task("train", total=self.total, status="")
        self.bar.__enter__()
        return self._advance

    def _advance(self, report) -> None:
        if report.eval:
            self.metric = f"{report.eval.metric:.4g}"
        self.bar.update(self.task, advance=1, status=f"loss {report.loss:.4g}  held-out {self.metric}")

    def __exit__(self, *exc) -> None:
        if not self.quiet:
            self.bar.__exit__(*exc)


def _print_summary(trainer, summary) -> None:
    from rich.console import Console

    from rnn_tui.core.metrics import TARGET_NOUNS

    console = Console()
    goal = "[green]reached[/]" if summary.reached else "[red]not reached[/]"
    direction = ">=" if trainer.scenario.goal.higher_is_better else "<="
    over = f"{summary.final.targets:,} held-out {TARGET_NOUNS[trainer.dataset.output_kind]}"
    console.print(
        f"{trainer.scenario.name} ({trainer.scenario.model.cell}): {summary.steps} steps in {summary.seconds:.1f} s; "
        f"held-out {summary.metric} = {summary.final.metric:.4g} over {over} (goal {direction} {summary.target}): "
        f"{goal}; held-out loss {summary.final.loss:.4g}"
    )
    if summary.final.rmse is not None:
        console.print(f"  held-out RMSE = {summary.final.rmse:.4g} (in the data's own units)")
    for name, value in summary.baselines.items():
        console.print(f"  baseline {name} = {value:.4g}")
    if not summary.baselines:
        console.print("  no baseline is computed for this data")
    if summary.diverged:
        console.print(f"[bold red]DIVERGED[/]: {summary.diverged}")
