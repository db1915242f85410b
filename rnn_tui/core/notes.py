"""Notes on a run: where it does something its settings do not say, stated rather than refused.

Each is a complete sentence for the user. They are notes, not errors, because the run is
still sound: a batch as large as the data is full-batch training, and weights of the same
shape from another scenario are a legitimate starting point (transfer), but nobody should
meet either without being told.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: notes need neither torch nor pydantic loaded
    from rnn_tui.core.data.base import Dataset
    from rnn_tui.core.scenario import Scenario


def run_notes(scenario: Scenario, dataset: Dataset) -> list[str]:
    """Every note that applies to training ``scenario`` on ``dataset``."""
    notes = (batch_note(scenario, dataset), nonlinearity_note(scenario))
    return [note for note in notes if note]


def batch_note(scenario: Scenario, dataset: Dataset) -> str | None:
    """The trainer draws at most as many examples per batch as there are (training.py)."""
    batch, examples = scenario.training.batch_size, len(dataset.train)
    if batch <= examples:
        return None
    return (
        f"training.batch_size = {batch} is more than the {examples:,} training examples, so each "
        f"batch is {examples:,} examples drawn at random (with repeats) from all of them."
    )


def nonlinearity_note(scenario: Scenario) -> str | None:
    """A relu kept from an rnn scenario whose cell was changed (asked-for relu is refused)."""
    model = scenario.model
    if model.nonlinearity != "relu" or model.cell == "rnn":
        return None
    return (
        f"model.nonlinearity = 'relu' applies to cell = \"rnn\" only; the {model.cell} uses its "
        "own tanh and sigmoid gates."
    )


def loaded_note(path: str | Path, meta: dict[str, str], scenario: Scenario) -> str | None:
    """Weights that fit but were trained on another scenario (say which, and how long)."""
    source = meta.get("scenario")
    if source == scenario.name:
        return None
    steps = meta.get("step")
    trained = f" for {steps} steps" if steps and steps.isdigit() else ""
    if source is None:
        return f"{path}: the weights do not say which scenario they were trained on; loaded into {scenario.name!r}."
    return (
        f"{path}: these weights were trained on scenario {source!r}{trained}, not {scenario.name!r}; "
        "their shapes fit this model, so they were loaded."
    )
