"""The headless commands: list, train and trace, printing with rich and writing JSON."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from rnn_tui.core.changes import apply_changes, parse_setting
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.jsonable import finite
from rnn_tui.core.reports import EvalResult
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


def check_writable(path: str | None, flag: str, example: str) -> None:
    """Fail before training, not after, when an output cannot be written."""
    if path is None or path == "-":
        return
    target = Path(path).expanduser()
    if target.is_dir():
        raise RnnTuiError(f"{flag} {path}: is a directory; give a file name.")
    if target.exists() and not target.is_file():
        # A pipe with no reader would hang the write after training; a device is no file.
        raise RnnTuiError(
            f"{flag} {path}: is not a regular file (a pipe or a device); give a file name such as {example}"
            + (", or '-' for standard output." if flag == "--json" else ".")
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise RnnTuiError(f"{flag} {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise RnnTuiError(f"{flag} {path}: cannot write there (permission denied).")


def make_trainer(args: argparse.Namespace):
    """The trainer (with --load's weights in it), the notes to show before it runs, and
    where --load's weights came from (None without --load)."""
    import torch

    # One thread: on a shared 2-core machine two torch threads measured 7x slower
    # (26 vs 180 steps/s for a small LSTM) because they fight for the cores.
    torch.set_num_threads(1)
    from rnn_tui.core.notes import loaded_note, run_notes
    from rnn_tui.core.training import Trainer
    from rnn_tui.core.weights import read_weights

    trainer = Trainer(scenario_from_args(args))
    notes = run_notes(trainer.scenario, trainer.dataset)
    loaded = None
    if args.load:
        state, meta = read_weights(trainer.model, args.load)
        trainer.load_state(state)  # so a divergence falls back to these, not to random weights
        loaded = {"path": args.load, "scenario": meta.get("scenario"), "step": meta.get("step")}
        note = loaded_note(args.load, meta, trainer.scenario)
        if note:
            notes.append(note)
    return trainer, notes, loaded


def show_notes(notes: list[str]) -> None:
    """On standard error, so `--json -` output stays JSON."""
    for note in notes:
        print(f"rnn-tui: note: {note}", file=sys.stderr)


def check_steps(steps: int | None) -> None:
    """--steps within the same bound as a scenario's training.steps."""
    if steps is not None and steps > MAX_STEPS:
        raise RnnTuiError(f"--steps {steps:,} is too many; at most {MAX_STEPS:,} (training.steps has the same limit).")


def train(args: argparse.Namespace) -> int:
    """Exit 0 when the steps ran (goal reached or not), 1 when training diverged."""
    check_steps(args.steps)
    check_writable(args.json, "--json", "run.json")
    check_writable(args.save, "--save", "model.safetensors")
    trainer, notes, loaded = make_trainer(args)
    show_notes(notes)
    reports: list[dict[str, Any]] = []
    stop = threading.Event()
    steps = args.steps if args.steps is not None else trainer.scenario.training.steps
    console = _console(to_stderr=args.json == "-")  # stdout is the JSON's then
    with _progress(args.quiet, steps, console) as advance:

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
    saved, outcome = save_trained(trainer, args.save, loaded) if args.save else (None, None)
    _print_summary(console, trainer, summary, outcome)
    if args.json:
        data = {**summary_to_json(trainer, summary), "notes": notes, "loaded": loaded, "saved": saved}
        _write_json(args.json, {**data, "reports": reports})
    return 1 if summary.diverged else 0


def save_trained(trainer, path: str, loaded: dict[str, Any] | None) -> tuple[str | None, str]:
    """Save the weights, unless a divergence left only those the run started from.

    Returns the path saved (or None) and a sentence saying what was saved, or why not.
    Weights the run did not change are not saved: written under a new name they would
    pass for trained ones, and written over an earlier save they would destroy it.
    """
    if trainer.diverged and trainer.weights_step == 0:
        start = f"the weights loaded from {loaded['path']}" if loaded else "its random initial weights"
        return None, (
            f"nothing saved to {path}: training diverged at step {trainer.step} and none of its "
            f"updates could be kept, so the weights are still {start}."
        )
    from rnn_tui.core.weights import save_weights

    save_weights(trainer.model, path, weights_meta(trainer))
    which = "the last good weights, from before the divergence," if trainer.diverged else "the weights"
    return path, f"saved {which} after {trainer.weights_step} training steps to {path}."


def trace(args: argparse.Namespace) -> int:
    """Exit 0, or 1 when training diverged (the trace is then of the last good weights)."""
    check_steps(args.steps)
    check_writable(args.json, "--json", "trace.json")
    trainer, notes, _ = make_trainer(args)
    test = trainer.dataset.test
    if args.sample >= len(test):
        raise RnnTuiError(f"--sample {args.sample} is out of range: the held-out set has {len(test)} examples (0 to {len(test) - 1}).")
    show_notes(notes)
    example = test.select([args.sample])
    from rnn_tui.core.intervention_trace import parse_for_example, trace_intervened

    interventions = parse_for_example(args.intervene, trainer.model, example)  # before training: fail fast
    if args.steps:
        with out_of_memory_is_an_error(trainer):
            trainer.run(steps=args.steps)
    if trainer.diverged:
        show_notes([f"{trainer.diverged}; the trace is of those weights (after {trainer.weights_step} steps)."])
    from rnn_tui.core.trace import trace_example

    if interventions:
        intervened = trace_intervened(trainer.model, trainer.dataset, example, interventions, trainer.scenario.name)
        _write_json(args.json, intervened.to_json())
    else:
        traced = trace_example(trainer.model, trainer.dataset, example, trainer.scenario.name)
        _write_json(args.json, traced.to_json())
    return 1 if trainer.diverged else 0


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
            "hidden_size": str(spec.hidden_size), "num_layers": str(spec.num_layers),
            "step": str(trainer.weights_step)}  # the saved weights' step: older than trainer.step after a divergence


def report_to_json(report) -> dict[str, Any]:
    """One step's report; NaN and infinities (a diverged step) as null."""
    out = {
        "step": report.step, "loss": report.loss, "grad_norm": report.grad_norm,
        "grad_norm_clipped": report.grad_norm_clipped, "clipped": report.clipped,
        "learning_rate": report.learning_rate, "param_grad_norms": report.param_grad_norms,
        "seconds": report.seconds,
    }
    if report.eval:
        out["eval"] = {"loss": report.eval.loss, "metric": report.eval.metric, "targets": report.eval.targets}
    if report.probe:
        out["grad_through_time"] = report.probe
    if report.diverged:
        out["diverged"] = report.diverged
    return finite(out)


def summary_to_json(trainer, summary) -> dict[str, Any]:
    """The run's summary; ``final`` is the held-out result of the weights after ``weights_step`` steps."""
    return finite({
        "scenario": trainer.scenario.name, "topology": trainer.scenario.topology, "cell": trainer.scenario.model.cell,
        "steps": summary.steps, "weights_step": trainer.weights_step, "seconds": summary.seconds,
        "final": {"loss": summary.final.loss, "metric": summary.final.metric, "examples": summary.final.examples,
                  "targets": summary.final.targets, **_rmse_json(summary.final)},
        "goal": {"metric": summary.metric, "target": summary.target}, "reached": summary.reached,
        "diverged": summary.diverged, "baselines": summary.baselines,
    })


def _rmse_json(final: EvalResult) -> dict[str, Any]:
    """A series' RMSE in the data's own units, whatever the goal metric."""
    return {} if final.rmse is None else {"rmse": final.rmse}


def _write_json(path: str, data: dict[str, Any]) -> None:
    # allow_nan=False: every number went through finite(); a bare NaN here is a bug, not output.
    text = json.dumps(data, allow_nan=False)
    if path == "-":
        print(text)
        return
    try:
        Path(path).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise RnnTuiError(f"--json {path}: cannot write ({error.strerror}).") from None


def _console(to_stderr: bool):
    from rich.console import Console

    return Console(stderr=to_stderr)


class _progress:
    """A rich progress bar showing loss and the latest held-out metric (or nothing)."""

    def __init__(self, quiet: bool, total: int, console) -> None:
        self.quiet, self.total, self.metric, self.console = quiet, total, "-", console

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
                            TextColumn("{task.fields[status]}"), transient=False, console=self.console)
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


def _print_summary(console, trainer, summary, outcome: str | None) -> None:
    from rich.markup import escape

    from rnn_tui.core.metrics import TARGET_NOUNS

    goal = "[green]reached[/]" if summary.reached else "[red]not reached[/]"
    direction = ">=" if trainer.scenario.goal.higher_is_better else "<="
    if summary.diverged:  # say whose numbers these are: the restored weights', not the last step's
        ran = (f"diverged at step {summary.steps} after {summary.seconds:.1f} s; the last good weights "
               f"(after {trainer.weights_step} steps):")
    else:
        ran = f"{summary.steps} steps in {summary.seconds:.1f} s;"
    over = f"{summary.final.targets:,} held-out {TARGET_NOUNS[trainer.dataset.output_kind]}"
    console.print(
        f"{trainer.scenario.name} ({trainer.scenario.model.cell}): {ran} "
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
        console.print(f"[bold red]DIVERGED[/]: {escape(summary.diverged)}")
    if outcome:
        console.print(escape(outcome))
