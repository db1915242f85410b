"""The headless `ablate` command: rank units by how much the held-out metric drops without each."""

from __future__ import annotations

import argparse

from rnn_tui.headless import (
    _write_json,
    check_steps,
    check_writable,
    make_trainer,
    out_of_memory_is_an_error,
    show_notes,
)


def ablate(args: argparse.Namespace) -> int:
    check_steps(args.steps)
    check_writable(args.json, "--json", "ranking.json")
    trainer, notes, _loaded = make_trainer(args)
    show_notes(notes)
    from rnn_tui.core.ablation import ablate_units
    from rnn_tui.core.interventions import Intervention, check_intervention

    model = trainer.model
    part = args.part or next(iter(model.parts))
    layer = args.layer - 1
    # Checked before training, so a wrong part, layer or row fails at once.
    spec = f"{part}.layer{args.layer}.{args.row}:*@*=0"
    check_intervention(Intervention(part, layer, args.row, None, 0, None, 0.0, spec), model)
    if args.steps:
        with out_of_memory_is_an_error(trainer):
            trainer.run(steps=args.steps)
    hidden = model.parts[part].hidden_size
    with _Progress(args.quiet or args.json == "-", hidden) as advance:
        result = ablate_units(model, trainer.dataset, trainer.eval_split, trainer.scenario.goal.metric,
                              part, layer, args.row, on_progress=advance)
    if args.json:
        _write_json(args.json, {"scenario": trainer.scenario.name, "cell": trainer.scenario.model.cell,
                                "trained_steps": trainer.step, **result.to_json()})
    if args.json != "-":
        _print_ranking(trainer, result, args.top)
    return 0


def _print_ranking(trainer, result, top: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    metric = result.metric
    console.print(
        f"{trainer.scenario.name} ({trainer.scenario.model.cell}, {trainer.step} steps trained): held-out "
        f"{metric} {result.baseline:.4g}, loss {result.baseline_loss:.4g} on {result.examples} examples. "
        f"Each unit of {result.row} ({result.part}, layer {result.layer + 1}) set to 0 at every step in turn; "
        f"ranked by how much worse the {metric} got, then the loss:"
    )
    table = Table(title_justify="left", expand=False)
    for column in ("rank", "unit", metric, "change", "loss", "change"):
        table.add_column(column, justify="right")
    ranking = result.ranking
    for rank, unit in enumerate(ranking[:top], start=1):
        table.add_row(str(rank), str(unit), f"{result.ablated[unit]:.4g}", _signed(result.ablated[unit] - result.baseline),
                      f"{result.ablated_loss[unit]:.4g}", _signed(result.loss_effect[unit]))
    console.print(table)
    rest = ranking[top:]
    if len(rest):
        changes = abs(result.ablated[rest] - result.baseline)
        console.print(f"The other {len(rest)} units change the {metric} by at most {float(changes.max()):.4g}.")


def _signed(value: float) -> str:
    return "0" if value == 0 else f"{value:+.4g}"


class _Progress:
    """A rich progress bar over the units (or nothing when quiet)."""

    def __init__(self, quiet: bool, total: int) -> None:
        self.quiet, self.total = quiet, total

    def __enter__(self):
        if self.quiet:
            return None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("ablating units"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            transient=True)
        self.task = self.bar.add_task("ablate", total=self.total)
        self.bar.__enter__()
        return lambda done, total: self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if not self.quiet:
            self.bar.__exit__(*exc)
