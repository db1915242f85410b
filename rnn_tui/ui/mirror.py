"""The UI process's copy of the model and data: takes weights from the training process, traces samples.

Building one imports torch (~2 s), so the app builds it in a thread worker after the
first screen is up. No textual import here.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.protocol import Weights

if TYPE_CHECKING:
    from rnn_tui.core.data.base import Dataset
    from rnn_tui.core.inference import TryResult
    from rnn_tui.core.trace import Trace
from rnn_tui.ui.torch_preload import preload_torch_libraries


class Mirror:
    """A model of the scenario's shape whose weights follow the trainer's."""

    dataset: Dataset

    def __init__(self, scenario: Scenario, previous: Mirror | None = None) -> None:
        preload_torch_libraries()  # without the GIL: the UI keeps running meanwhile
        import torch

        from rnn_tui.core.data.loading import build_dataset
        from rnn_tui.core.topologies import build_model

        # The training process uses one core; tracing here must not fight it for both.
        torch.set_num_threads(1)
        self.scenario = scenario
        if (
            previous is not None
            and previous.scenario.data == scenario.data
            and previous.scenario.training.seed == scenario.training.seed
            and previous.scenario.topology == scenario.topology
        ):
            self.dataset = previous.dataset  # same data: skip regenerating it
        else:
            self.dataset = build_dataset(scenario)
        self.model = build_model(scenario.topology, scenario.model, self.dataset)
        self.step: int | None = None  # training step of the loaded weights; None: not loaded
        self.version: int | None = None  # the session's count of weights received, when loaded
        # The trace and try-it workers run in threads; one at a time touches the model.
        self.lock = threading.Lock()

    def fits(self, scenario: Scenario) -> bool:
        """Whether weights trained on ``scenario`` load into this model and data."""
        mine = self.scenario
        return (mine.topology, mine.model, mine.data, mine.training.seed) == (
            scenario.topology,
            scenario.model,
            scenario.data,
            scenario.training.seed,
        )

    @property
    def test_size(self) -> int:
        return len(self.dataset.test)

    def catch_up(self, weights: tuple[int, Weights] | None, version: int) -> bool:
        """Bring the model to the session's newest weights (number ``version``) unless it has
        them already; False if there are none or they belong to another shape.
        Call with ``lock`` held."""
        if weights is None:
            return False
        if self.version == version:
            return True
        step, state = weights
        return self.load_state(state, step, version)

    def load_state(self, state: Weights, step: int, version: int | None = None) -> bool:
        """Load numpy weights from the trainer; False if they belong to another shape."""
        import torch

        expected = self.model.state_dict()
        if set(state) != set(expected) or any(
            tuple(state[k].shape) != tuple(expected[k].shape) for k in state
        ):
            return False
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        self.step, self.version = step, version
        return True

    def state(self) -> Weights:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def trace(self, index: int) -> Trace:
        """The engine's trace of held-out example ``index`` under the loaded weights."""
        from rnn_tui.core.trace import trace_example

        index = min(max(index, 0), self.test_size - 1)
        return trace_example(
            self.model, self.dataset, self.dataset.test.select([index]), self.scenario.name
        )

    def try_input(self, text: str) -> TryResult:
        """The engine's answer to what the user typed (see ``core.inference.answer_input``)."""
        from rnn_tui.core.inference import answer_input

        return answer_input(self.model, self.dataset, text, self.scenario.name)

    def save(self, path: str | Path, step: int) -> Path:
        from rnn_tui.core.weights import save_weights

        spec = self.scenario.model
        meta = {
            "scenario": self.scenario.name,
            "topology": self.scenario.topology,
            "cell": spec.cell,
            "hidden_size": str(spec.hidden_size),
            "num_layers": str(spec.num_layers),
            "step": str(step),
        }
        return save_weights(self.model, path, meta)

    def load_file(self, path: str | Path) -> dict[str, str]:
        """Load a weights file into this model (WeightsError with a message if it does not fit)."""
        from rnn_tui.core.weights import load_weights

        return load_weights(self.model, path)
