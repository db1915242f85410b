"""Hidden-state maps: held-out examples' trajectories h_1 ... h_T projected onto two principal components.

The states are the step-by-step cell maths' h_t (as a trace computes them), for one
layer of one part, over every real step of every example (padding left out). PCA is a
numpy SVD of those states' scatter matrix after centring; each trajectory is then
projected onto the first two components. Labels say how to colour: a class per example (seq2vec), the
target word per step (decoders), the word read per step (an encoder), or the target
value per step (series).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnn_tui.core.data.base import PAD, Dataset, Split, Vocab
from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.topologies import RecurrentModel, reverse_padded


@dataclass
class StateMap:
    """Trajectories of N examples in the plane of the states' first two principal components."""

    part: str
    layer: int  # from 0
    mean: np.ndarray  # (H,) the states' mean, subtracted before projecting
    components: np.ndarray  # (2, H) unit vectors, first the direction of most variance
    explained: np.ndarray  # (2,) fraction of the states' variance along each component
    paths: np.ndarray  # (N, T, 2) each example's h_1..h_T projected; NaN past its length
    lengths: np.ndarray  # (N,) real steps of each example
    labels: np.ndarray  # (N,) per example ("class") or (N, T) per step ("token", "value")
    label_kind: str  # "class" | "token" | "value"
    label_names: tuple[str, ...] | None  # names of class or token ids; None for values

    def project(self, states: np.ndarray) -> np.ndarray:
        """(..., H) states (e.g. a trace's h[:, layer]) -> (..., 2) points on this map."""
        points: np.ndarray = (np.asarray(states, dtype=np.float64) - self.mean) @ self.components.T
        return points

    @property
    def final_points(self) -> np.ndarray:
        """(N, 2) each example at its last real step: where a classifier reads it."""
        points: np.ndarray = self.paths[np.arange(len(self.lengths)), self.lengths - 1]
        return points

    def at_step(self, t: int) -> np.ndarray:
        """(N, 2) every example at step t (from 0); NaN where an example is shorter."""
        return self.paths[:, t]


def state_map(model: RecurrentModel, dataset: Dataset, split: Split, part: str | None = None, layer: int = 0) -> StateMap:
    """Run ``split`` step by step and map ``part``'s layer-``layer`` hidden states (default:
    the first part)."""
    part = next(iter(model.parts)) if part is None else part
    if part not in model.parts:
        raise RnnTuiError(f"state map of part {part!r}: this model has {', '.join(model.parts)}.")
    if not 0 <= layer < model.parts[part].num_layers:
        raise RnnTuiError(f"state map of layer {layer + 1}: the {part} has {model.parts[part].num_layers} layers.")
    states = _states(model, split, part, layer)  # (N, T, H)
    lengths = _lengths(model, dataset, split, part, states.shape[1])
    valid = np.arange(states.shape[1])[None, :] < lengths[:, None]
    mean, components, explained = principal_components(states[valid])
    paths = (states - mean) @ components.T
    paths[~valid] = np.nan
    labels, kind, names = _labels(model, dataset, split, part, states.shape[1])
    return StateMap(part, layer, mean, components, explained, paths, lengths, labels, kind, names)


def principal_components(points: np.ndarray, count: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean (H,), components (count, H), explained variance ratios (count,)) of (M, H) points.

    Signs are fixed (each component's largest loading positive) so that a map does not
    flip between two calls on nearly the same states. Missing components (H or M too
    small) are zero vectors explaining nothing.
    """
    points = np.asarray(points, dtype=np.float64)
    width = points.shape[1]
    mean = points.mean(0) if len(points) else np.zeros(width)
    components = np.zeros((count, width))
    explained = np.zeros(count)
    if len(points) >= 2:
        # SVD of the (H, H) scatter matrix, not of the (M, H) states: the same right singular
        # vectors, with variances s^2, and 5x cheaper (0.2 s against 1.1 s measured for
        # 25,600 states of 64 units); the squared condition number does not matter for
        # the top two directions of a picture.
        centred = points - mean
        _, variance, vt = np.linalg.svd(centred.T @ centred, hermitian=True)
        total = variance.sum()
        k = min(count, len(vt))
        signs = np.sign(vt[np.arange(k), np.abs(vt[:k]).argmax(1)])
        components[:k] = vt[:k] * signs[:, None]
        if total > 0:
            explained[:k] = variance[:k] / total
    return mean, components, explained


def class_separation(points: np.ndarray, labels: np.ndarray) -> float:
    """Between-class over within-class scatter of (N, 2) points (Fisher's ratio, trace form):
    0 when the class means coincide, large when classes sit apart in tight clusters."""
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels)
    centre = points.mean(0)
    between = within = 0.0
    for label in np.unique(labels):
        members = points[labels == label]
        mean = members.mean(0)
        between += len(members) * float(((mean - centre) ** 2).sum())
        within += float(((members - mean) ** 2).sum())
    return between / within if within > 0 else np.inf


@torch.no_grad()
def _states(model: RecurrentModel, split: Split, part: str, layer: int) -> np.ndarray:
    was_training = model.training
    model.eval()
    try:
        steps = model.forward_loss(split, step_by_step=True).steps[part]
    finally:
        model.train(was_training)
    if not steps:
        return np.zeros((len(split), 0, model.parts[part].hidden_size))
    states: np.ndarray = torch.stack([per_step[layer].h for per_step in steps], dim=1).double().numpy()
    return states


def _lengths(model: RecurrentModel, dataset: Dataset, split: Split, part: str, steps: int) -> np.ndarray:
    if part == "decoder":  # teacher forcing runs to the last target word (EOS), then PAD
        return (split.targets[:, :steps] != PAD).sum(1).numpy().astype(int)
    if split.lengths is not None:
        return split.lengths.clamp(max=steps).numpy().astype(int)
    return np.full(len(split), steps, dtype=int)


def _labels(
    model: RecurrentModel, dataset: Dataset, split: Split, part: str, steps: int
) -> tuple[np.ndarray, str, tuple[str, ...] | None]:
    """(labels, kind, names) for colouring; see ``StateMap``."""
    if part == "decoder":
        return split.targets[:, :steps].numpy(), "token", _vocab(dataset.target_vocab, dataset, "target").tokens
    if dataset.output_kind == "class":
        return split.targets.numpy(), "class", dataset.class_names
    if dataset.output_kind == "series":
        values = split.targets[:, :steps, 0].double() * dataset.scale + dataset.offset
        if split.scales is not None:
            values = values * split.scales.view(-1, 1).double()
        if split.offsets is not None:
            values = values + split.offsets.view(-1, 1).double()
        return values.numpy(), "value", None
    tokens = split.inputs  # an encoder: the word it reads at each step
    # As the model reads them (EncoderDecoder.source): reversed only where lengths say how.
    if getattr(model, "reverse_source", False) and split.lengths is not None:
        tokens = reverse_padded(tokens, split.lengths)
    return tokens[:, :steps].numpy(), "token", _vocab(dataset.source_vocab, dataset, "source").tokens


def _vocab(vocab: Vocab | None, dataset: Dataset, side: str) -> Vocab:
    """The vocabulary that names token labels; a dataset without one cannot label tokens."""
    if vocab is None:
        raise RnnTuiError(f"state map of dataset {dataset.name!r}: its {side} side is not tokens, "
                          f"so there is no {side} vocabulary to name the points by.")
    return vocab
