"""The UI process's copy of the model and data: takes weights from the training process, traces samples.

Building one imports torch (~2 s), so the app builds it in a thread worker after the
first screen is up. No textual import here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnn_tui.core.scenario import Scenario
from rnn_tui.ui.torch_preload import preload_torch_libraries


class Mirror:
    """A model of the scenario's shape whose weights follow the trainer's."""

    def __init__(self, scenario: Scenario, previous: Mirror | None = None) -> None:
        preload_torch_libraries()  # without the GIL: the UI keeps running meanwhile
        import torch

        from rnn_tui.core.data.loading import build_dataset
        from rnn_tui.core.topologies import build_model

        # The training process uses one core; tracing here must not fight it for both.
        torch.set_num_threads(1)
        self.scenario = scenario
        same_data = (
            previous is not None
            and previous.scenario.data == scenario.data
            and previous.scenario.training.seed == scenario.training.seed
            and previous.scenario.topology == scenario.topology
        )
        self.dataset = previous.dataset if same_data else build_dataset(scenario)
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

    def load_state(self, state: dict[str, Any], step: int, version: int | None = None) -> bool:
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

    def state(self) -> dict[str, Any]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def trace(self, index: int) -> Any:
        """The engine's trace of held-out example ``index`` under the loaded weights."""
        from rnn_tui.core.trace import trace_example

        index = min(max(index, 0), self.test_size - 1)
        return trace_example(
            self.model, self.dataset, self.dataset.test.select([index]), self.scenario.name
        )

    def try_input(self, text: str) -> TryResult:
        """Run the model on typed text, typed numbers, or a picked held-out example number."""
        from rnn_tui.core.errors import RnnTuiError
        from rnn_tui.core.inference import encode_series, encode_text, run_model, test_example
        from rnn_tui.core.trace import trace_example

        dataset = self.dataset
        image = None
        unknown: list[str] = []
        if dataset.input_kind == "tokens":
            user = encode_text(dataset, text)
            example, unknown = user.example, user.unknown_words
        elif dataset.input_kind == "series":
            example = encode_series(dataset, text).example
        else:
            try:
                index = int(text.strip()) - 1
            except ValueError:
                raise RnnTuiError(
                    f"type an example number from 1 to {self.test_size}, not {text.strip()!r}."
                ) from None
            example = test_example(dataset, index)
            images = dataset.extras.get("test_images")
            image = None if images is None else images[index]
        answer = run_model(self.model, dataset, example)
        if dataset.input_kind == "tokens" and dataset.output_kind == "tokens":
            # Typed text has no target: let the decoder read its own words, so the trace
            # steps through what the model wrote (not a placeholder target).
            example = own_words_as_target(self.model, example)
        if dataset.input_kind == "series" and dataset.output_kind == "series":
            answer = f"next value after each step: {answer}\ncontinued: {continue_series(self.model, dataset, example)}"
        trace = trace_example(self.model, dataset, example, self.scenario.name)
        return TryResult(text, answer, unknown, trace, image)

    def save(self, path: str | Path, step: int) -> Path:
        from rnn_tui.core.weights import save_weights

        spec = self.scenario.model
        meta = {
            "scenario": self.scenario.name,
            "topology": self.scenario.topology,
            "cell": spec.cell,
            "hidden_size": spec.hidden_size,
            "num_layers": spec.num_layers,
            "step": step,
        }
        return save_weights(self.model, path, meta)

    def load_file(self, path: str | Path) -> dict[str, str]:
        """Load a weights file into this model (WeightsError with a message if it does not fit)."""
        from rnn_tui.core.weights import load_weights

        return load_weights(self.model, path)


CONTINUE_STEPS = 10  # values a series prefix is continued by


def own_words_as_target(model: Any, example: Any) -> Any:
    """The example with the model's greedy output as its target (teacher forcing = free running)."""
    from dataclasses import replace

    return replace(example, targets=model.predict(example))


def continue_series(model: Any, dataset: Any, example: Any, steps: int = CONTINUE_STEPS) -> str:
    """Feed the prefix, then each prediction back in as the next input, ``steps`` times."""
    import torch

    from rnn_tui.core.readable import value_text

    inputs = example.inputs
    length = inputs.shape[1]
    with torch.no_grad():
        for _ in range(steps):
            predicted = model.predict(replace_inputs(example, inputs))
            inputs = torch.cat([inputs, predicted[:, -1:, : inputs.shape[2]]], dim=1)
    values = inputs[0, length:, 0].double() * dataset.scale + dataset.offset
    if example.scales is not None:
        values = values * float(example.scales[0])
    if example.offsets is not None:
        values = values + float(example.offsets[0])
    return " ".join(value_text(v) for v in values.tolist())


def replace_inputs(example: Any, inputs: Any) -> Any:
    from dataclasses import replace

    return replace(example, inputs=inputs, targets=inputs)


@dataclass
class TryResult:
    """The model's answer to the user's input, and the trace to step through it."""

    text: str
    answer: str
    unknown_words: list[str]
    trace: Any
    image: Any = None
