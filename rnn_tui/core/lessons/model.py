"""A lesson as frozen dataclasses: steps that say, do, ask and check (no torch, no UI).

The loader (``loader.py``) builds these from a TOML file and validates every field; the
headless runner and the app both execute them. Claims and choices are expressions over
measured quantities (``quantities.py``), so a right answer is whatever THIS run measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The app's panels a step can go to (and a lesson can hide).
PANELS: tuple[str, ...] = ("setup", "timestep", "training", "try", "compare", "inside", "map", "sweep")
CHOICE_KEYS: tuple[str, ...] = ("a", "b", "c", "d")


@dataclass(frozen=True)
class OpenScenario:
    """Open a built-in scenario, with ``--set``-style changes ("data.params.seq_len=30")."""

    scenario: str
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetCell:
    """Switch the cell (rnn, lstm, gru); new weights."""

    cell: str


@dataclass(frozen=True)
class SetField:
    """Change one setting by its dotted key; ``value`` is TOML text as ``--set`` reads it."""

    field: str
    value: str


@dataclass(frozen=True)
class ShowPanel:
    """Go to a panel of the app (headless: nothing)."""

    panel: str


@dataclass(frozen=True)
class ShowTimestep:
    """Go to timestep ``t`` (1-based) of the shown sample; trace quantities are read there."""

    t: int


@dataclass(frozen=True)
class ShowSample:
    """Show held-out example ``index``, or the first one whose input contains the word ``contains``."""

    index: int | None
    contains: str | None


@dataclass(frozen=True)
class Train:
    """Train the current cell ``steps`` more steps; with ``until_goal``, stop early at the goal.

    ``steps`` None with ``until_goal``: the scenario's own budget is the cap.
    """

    steps: int | None
    until_goal: bool


@dataclass(frozen=True)
class Compare:
    """Train rnn, lstm and gru ``steps`` steps each, on the same data and seed."""

    steps: int


@dataclass(frozen=True)
class Sweep:
    """Train every value of one setting for each cell (``steps`` each), as `rnn-tui sweep`."""

    vary: str
    values: tuple[str, ...]
    cells: tuple[str, ...]
    steps: int


@dataclass(frozen=True)
class Intervene:
    """Re-run the shown sample with a unit's h, c or gate set (the `trace --intervene` grammar)."""

    spec: str


@dataclass(frozen=True)
class Ablate:
    """Rank the hidden units by how much the held-out metric drops without each."""


Action = (
    OpenScenario | SetCell | SetField | ShowPanel | ShowTimestep | ShowSample | Train | Compare | Sweep
    | Intervene | Ablate
)


@dataclass(frozen=True)
class Choice:
    """One answer to a prediction; right when its ``holds`` claim holds on this run."""

    key: str
    text: str
    holds: str


@dataclass(frozen=True)
class Question:
    """A prediction asked before the step's actions run; 2-4 choices answered by key."""

    prompt: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Check:
    """A claim about this run's measurements, what to show when it holds, and otherwise."""

    claim: str
    reveal: str
    otherwise: str


@dataclass(frozen=True)
class LessonStep:
    """Say something, maybe ask a prediction, do the actions, then check a claim.

    ``line`` is the step's ``[[step]]`` line in the file, for messages.
    """

    line: int
    say: str
    actions: tuple[Action, ...] = ()
    ask: Question | None = None
    check: Check | None = None


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    path: Path
    order: int
    hide_panels: tuple[str, ...]
    hide_keys: tuple[str, ...]
    steps: tuple[LessonStep, ...]
