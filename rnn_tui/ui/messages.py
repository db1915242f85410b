"""Messages the panels and workers send up to the main screen (data goes down as attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # both import torch: the app loads it in a worker, after the first frame
    import numpy as np  # and numpy (0.1 s) is not needed before the panels either

    from rnn_tui.core.inference import TryResult
    from rnn_tui.core.trace import Trace
    from rnn_tui.ui.mirror import Mirror


@dataclass
class ChangesRequested(Message):
    """The user asked for scenario changes, e.g. {"model.hidden_size": 128}."""

    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScenarioRequested(Message):
    """The user picked another scenario: a built-in name or a path to a .toml file."""

    name_or_path: str


@dataclass
class MirrorBuilt(Message):
    """The UI's copy of the model (``mirror.Mirror``) is ready, or could not be built."""

    mirror: Mirror | None
    error: str | None = None
    generation: int = 0


@dataclass
class TraceReady(Message):
    """A trace of one sample under the weights of training step ``step``."""

    trace: Trace
    sample: int
    step: int | None
    source: str = "held-out"  # "held-out" or "typed" (the Try it panel's input)
    image: np.ndarray | None = None  # the picture, for captioning


@dataclass
class TryItRequested(Message):
    """Run the model on what the user typed or picked in the Try it panel."""

    text: str
    image_index: int | None = None


@dataclass
class TryItAnswered(Message):
    """The model's answer to the typed input, or an error sentence."""

    result: TryResult | str
    step: int | None


@dataclass
class CompareRequested(Message):
    """Train rnn, lstm and gru side by side for ``steps`` steps each."""

    steps: int
