"""Turn an example's tensors into words and numbers a person reads."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from rnn_tui.core.data.base import BOS, Dataset, Split, Vocab
from rnn_tui.core.topologies import RecurrentModel, reverse_padded


def _source_vocab(dataset: Dataset) -> Vocab:
    if dataset.source_vocab is None:
        raise ValueError("this dataset's inputs are not tokens")
    return dataset.source_vocab


def _target_vocab(dataset: Dataset) -> Vocab:
    if dataset.target_vocab is None:
        raise ValueError("this dataset's outputs are not tokens")
    return dataset.target_vocab


def _class_names(dataset: Dataset) -> tuple[str, ...]:
    if dataset.class_names is None:
        raise ValueError("this dataset's outputs are not classes")
    return dataset.class_names


def value_text(value: float) -> str:
    return f"{value:.4g}"


def _series_values(dataset: Dataset, tensor: Tensor, example: Split) -> list[float]:
    """First feature of a (T, F) normalised series in the data's own units."""
    values = tensor[:, 0].double() * dataset.scale + dataset.offset
    if example.scales is not None:
        values = values * float(example.scales[0])
    if example.offsets is not None:
        values = values + float(example.offsets[0])
    return values.tolist()


def step_labels(
    part: str, dataset: Dataset, example: Split, model: RecurrentModel, seq_len: int
) -> list[str]:
    """What ``part`` read at each step of a one-example split."""
    if part == "decoder":
        target = example.targets[0].tolist()
        previous = [BOS, *target][:seq_len]
        return [_target_vocab(dataset).tokens[i] for i in previous]
    if dataset.input_kind == "tokens":
        tokens = example.inputs
        if getattr(model, "reverse_source", False) and example.lengths is not None:
            tokens = reverse_padded(tokens, example.lengths)
        return [_source_vocab(dataset).tokens[i] for i in tokens[0, :seq_len].tolist()]
    return [value_text(v) for v in _series_values(dataset, example.inputs[0], example)[:seq_len]]


def step_outputs(part: str, dataset: Dataset, example: Split, outputs: Tensor | None, seq_len: int) -> list[str]:
    """What the model would output after each step (the prediction so far)."""
    if outputs is None:
        return [""] * seq_len
    row = outputs[0].detach()
    if dataset.output_kind == "series":
        return [value_text(v) for v in _series_values(dataset, row, example)[:seq_len]]
    probabilities = row.softmax(-1)
    best = probabilities.argmax(-1).tolist()
    names = _class_names(dataset) if dataset.output_kind == "class" else _target_vocab(dataset).tokens
    return [f"{names[i]} {probabilities[t, i]:.0%}" if dataset.output_kind == "class" else names[i]
            for t, i in enumerate(best[:seq_len])]


def step_values(dataset: Dataset, example: Split, outputs: Tensor | None, seq_len: int) -> np.ndarray | None:
    """The numbers behind ``step_outputs``: (T, K) probabilities over classes or words,
    or (T, F) predicted values in the data's own units; None where a part has no output."""
    if outputs is None:
        return None
    row = outputs[0, :seq_len].detach().double()
    if dataset.output_kind != "series":
        return row.softmax(-1).numpy()
    values = row * dataset.scale + dataset.offset
    if example.scales is not None:
        values = values * float(example.scales[0])
    if example.offsets is not None:
        values = values + float(example.offsets[0])
    return values.numpy()


def describe_example(dataset: Dataset, example: Split, prediction: Tensor) -> tuple[str, str, str]:
    """(input, target, prediction) of a one-example split as text."""
    if dataset.input_kind == "tokens":
        length = int(example.lengths[0]) if example.lengths is not None else example.inputs.shape[1]
        vocab = _source_vocab(dataset)
        source = " ".join(vocab.tokens[i] for i in example.inputs[0, :length].tolist())
    elif dataset.input_kind == "vector":
        source = f"a vector of {example.inputs.shape[1]} numbers"
    else:
        source = " ".join(value_text(v) for v in _series_values(dataset, example.inputs[0], example))
    if dataset.output_kind == "class":
        names = _class_names(dataset)
        return source, names[int(example.targets[0])], names[int(prediction[0])]
    if dataset.output_kind == "tokens":
        vocab = _target_vocab(dataset)
        return source, " ".join(vocab.decode(example.targets[0].tolist())), " ".join(vocab.decode(prediction[0].tolist()))
    target = " ".join(value_text(v) for v in _series_values(dataset, example.targets[0], example))
    predicted = " ".join(value_text(v) for v in _series_values(dataset, torch.as_tensor(prediction[0]), example))
    return source, target, predicted
