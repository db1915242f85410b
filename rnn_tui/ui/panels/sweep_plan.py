"""What the Sweep panel's fields mean: the default sweep for a scenario, and the checked plan.

No textual here: the fields' text becomes the engine's plan (`core.sweep.plan_sweep`),
whose errors name the field that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.scenario import Scenario
from rnn_tui.core.sweep import SweepPlan, parse_cells, parse_seeds, parse_vary
from rnn_tui.core.vocabulary import CELLS

SEQ_LEN_LADDER: tuple[int, ...] = (5, 10, 20, 30)  # short enough that a default sweep takes a minute or two
DEFAULT_STEPS = 150
MAX_STEPS = 100_000
DOCS_SWEEPS = Path(__file__).resolve().parents[3] / "docs" / "sweeps"


@dataclass(frozen=True)
class SweepSpec:
    """What the fields say: the dotted key, its values and the cells, seeds and steps, as text."""

    key: str
    values: str
    cells: str
    seeds: str
    steps: str


def default_spec(scenario: Scenario) -> SweepSpec:
    """A sweep that finishes in a minute or two: the sequence length if the data has one
    (where recurrence costs, and where memory is tested), else the hidden size."""
    params = scenario.data.params
    seq_len = params.get("seq_len")
    values: tuple[int, ...] = ()
    if isinstance(seq_len, int) and not isinstance(seq_len, bool):
        key = "data.params.seq_len"
        values = _allowed(scenario, key, set(SEQ_LEN_LADDER))
        if len(values) < 3:  # the data's bounds exclude short sequences (or long ones)
            values = _allowed(scenario, key, {seq_len // 2, seq_len, seq_len * 3 // 2, seq_len * 2})
    if len(values) < 2:
        size = scenario.model.hidden_size
        key, values = "model.hidden_size", tuple(sorted({max(2, size // 4), max(2, size // 2), size}))
    steps = min(scenario.training.steps, DEFAULT_STEPS)
    return SweepSpec(key, ",".join(map(str, values)), ",".join(CELLS),
                     str(scenario.training.seed), str(steps))


def _allowed(scenario: Scenario, key: str, candidates: set[int]) -> tuple[int, ...]:
    """The candidates the data accepts, ascending (its parameters' bounds, no data built)."""
    from rnn_tui.core.changes import check_data_params

    allowed = []
    for value in sorted(candidates):
        try:
            check_data_params(scenario.with_changes({key: value}))
        except RnnTuiError:
            continue
        allowed.append(value)
    return tuple(allowed)


def plan_from(scenario: Scenario, spec: SweepSpec) -> SweepPlan:
    """The checked plan (RnnTuiError names the field that is wrong); builds data: off the UI thread."""
    from rnn_tui.core.sweep import plan_sweep

    key, values = parse_vary(f"{spec.key.strip()}={spec.values.strip()}")
    steps_text = spec.steps.strip()
    if not steps_text.isdigit() or not 1 <= int(steps_text) <= MAX_STEPS:
        raise RnnTuiError(f"steps {steps_text!r}: give a whole number of training steps per run, 1 to {MAX_STEPS}.")
    return plan_sweep(scenario, key, values, parse_cells(spec.cells.strip()),
                      parse_seeds(spec.seeds.strip()), int(steps_text))


def suggested_file() -> str:
    """A sweep to open: the ladder in the repository's docs/sweeps if present."""
    ladder = DOCS_SWEEPS / "long-memory-ladder.json"
    if ladder.exists():
        try:
            return str(ladder.relative_to(Path.cwd()))
        except ValueError:
            return str(ladder)
    return "sweep.json"
