"""Run a trained model on the user's own input: a typed sentence, a series, an image pick."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from rnn_tui.core.data.base import Dataset, Split, pad_ids, simple_tokenize
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.readable import describe_example, value_text
from rnn_tui.core.topologies import RecurrentModel, Seq2Vec
from rnn_tui.core.trace import Trace, trace_example

MAX_WORDS = 200
MAX_SERIES = 5000
CONTINUE_STEPS = 10  # values a typed series is continued by


@dataclass
class UserExample:
    """The user's input as a one-example split, with anything the model cannot read."""

    example: Split
    unknown_words: list[str]
    words: list[str]


def encode_text(dataset: Dataset, text: str) -> UserExample:
    """A typed sentence as token ids; unknown words become <unk> and are reported."""
    if dataset.input_kind != "tokens" or dataset.source_vocab is None:
        raise RnnTuiError("this scenario does not read text; it reads " + _reads(dataset) + ".")
    tokenize = dataset.tokenize or simple_tokenize
    words = tokenize(text)
    if not words:
        raise RnnTuiError("type at least one word.")
    if len(words) > MAX_WORDS:
        raise RnnTuiError(f"that is {len(words)} words; at most {MAX_WORDS} are allowed.")
    ids = dataset.source_vocab.encode(words)
    targets = _dummy_targets(dataset)
    example = Split(pad_ids([ids]), targets, torch.tensor([len(ids)]))
    return UserExample(example, dataset.source_vocab.unknown(words), words)


def encode_series(dataset: Dataset, text: str) -> UserExample:
    """Numbers typed by the user (in the data's own units) as a normalised series."""
    if dataset.input_kind != "series":
        raise RnnTuiError("this scenario does not read a series of numbers; it reads " + _reads(dataset) + ".")
    parts = text.replace(",", " ").split()
    try:
        values = [float(p) for p in parts]
    except ValueError:
        bad = next(p for p in parts if not _is_float(p))
        raise RnnTuiError(f"{bad!r} is not a number; type numbers separated by spaces or commas.") from None
    if len(values) < 2 or len(values) > MAX_SERIES or not all(math.isfinite(v) for v in values):
        raise RnnTuiError(f"type between 2 and {MAX_SERIES} finite numbers.")
    if dataset.input_size != 1:
        raise RnnTuiError(f"this model reads {dataset.input_size} numbers per step; typed input supports one.")
    series = torch.tensor(values, dtype=torch.float64)
    anchor = None
    if dataset.test.scales is not None:  # windows are relative changes from their first value
        if values[0] <= 0:
            raise RnnTuiError("the first value must be positive: the model reads changes relative to it.")
        anchor = torch.tensor([values[0]], dtype=torch.float64)
        series = series / values[0] - 1
    normalised = ((series - dataset.offset) / dataset.scale).float().view(1, -1, 1)
    example = Split(normalised, normalised.clone(), None, anchor, anchor)
    return UserExample(example, [], parts)


@torch.no_grad()
def continue_series(model: RecurrentModel, dataset: Dataset, user: UserExample, steps: int) -> list[float]:
    """Predict ``steps`` values past the typed prefix, feeding each prediction back in.

    Values are in the data's own units. Errors compound as the model reads its own
    guesses, which is the point of showing it.
    """
    if not 1 <= steps <= 1000:
        raise RnnTuiError(f"continue for 1 to 1000 steps, not {steps}.")
    model.eval()
    series = user.example.inputs
    for _ in range(steps):
        predicted = model.predict(Split(series, series))[:, -1:, :1]
        series = torch.cat([series, predicted], dim=1)
    model.train()
    values = series[0, -steps:, 0].double() * dataset.scale + dataset.offset
    scales, offsets = user.example.scales, user.example.offsets
    if scales is not None and offsets is not None:
        values = values * float(scales[0]) + float(offsets[0])
    result: list[float] = values.tolist()
    return result


def test_example(dataset: Dataset, index: int) -> Split:
    """A held-out example (e.g. an image to caption), with a clear error when out of range."""
    if not 0 <= index < len(dataset.test):
        raise RnnTuiError(f"example {index} is out of range: there are {len(dataset.test)} (0 to {len(dataset.test) - 1}).")
    return dataset.test.select([index])


@torch.no_grad()
def run_model(model: RecurrentModel, dataset: Dataset, example: Split) -> str:
    """The model's answer for one example, as text (class with confidence, words, values)."""
    model.eval()
    prediction = model.predict(example)
    model.train()
    if dataset.output_kind == "class" and isinstance(model, Seq2Vec):
        probabilities = model.probabilities(example)[0]
        best = int(probabilities.argmax())
        names = dataset.class_names or ()
        return f"{names[best]} ({float(probabilities[best]):.0%})"
    return describe_example(dataset, example, prediction)[2]


def _dummy_targets(dataset: Dataset) -> torch.Tensor:
    # A typed input has no known answer; a placeholder keeps the split's shape valid.
    if dataset.output_kind == "class":
        return torch.zeros(1, dtype=torch.long)
    return dataset.test.targets[:1].clone()


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _reads(dataset: Dataset) -> str:
    return {"series": "a series of numbers", "tokens": "text", "vector": "a picked example (e.g. an image)"}[dataset.input_kind]


@dataclass
class TryResult:
    """The model's answer to the user's input, and the trace to step through it."""

    text: str
    answer: str
    unknown_words: list[str]
    trace: Trace
    image: np.ndarray | None = None


def answer_input(model: RecurrentModel, dataset: Dataset, text: str, scenario_name: str) -> TryResult:
    """Run the model on typed text, typed numbers, or a picked held-out example number (1-based).

    A typed sentence to translate has no target: the decoder reads its own words, so the
    trace steps through what the model wrote (free running). A typed series is also
    continued past its end, each prediction fed back in.
    """
    image = None
    unknown: list[str] = []
    if dataset.input_kind == "tokens":
        user = encode_text(dataset, text)
        example, unknown = user.example, user.unknown_words
    elif dataset.input_kind == "series":
        user = encode_series(dataset, text)
        example = user.example
    else:
        try:
            index = int(text.strip()) - 1
        except ValueError:
            raise RnnTuiError(
                f"type an example number from 1 to {len(dataset.test)}, not {text.strip()!r}."
            ) from None
        example = test_example(dataset, index)
        images = dataset.extras.get("test_images")
        image = None if images is None else images[index]
    answer = run_model(model, dataset, example)
    if dataset.input_kind == "tokens" and dataset.output_kind == "tokens":
        example = replace(example, targets=_greedy(model, example))
    if dataset.input_kind == "series" and dataset.output_kind == "series":
        continued = continue_series(model, dataset, user, CONTINUE_STEPS)
        answer = (
            f"next value after each step: {answer}\n"
            f"continued: {' '.join(value_text(v) for v in continued)}"
        )
    trace = trace_example(model, dataset, example, scenario_name)
    return TryResult(text, answer, unknown, trace, image)


@torch.no_grad()
def _greedy(model: RecurrentModel, example: Split) -> torch.Tensor:
    model.eval()
    words = model.predict(example)
    model.train()
    return words
