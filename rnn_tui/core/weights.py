"""Save and load trained weights as safetensors: atomic on save, no code run on load."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from rnn_tui.core.errors import WeightsError
from rnn_tui.core.weights_file import FORMAT, metadata, write_atomically

__all__ = ["FORMAT", "load_weights", "read_metadata", "read_weights", "save_weights"]

def save_weights(model: torch.nn.Module, path: str | Path, meta: dict[str, str]) -> Path:
    """Write to a temporary file beside ``path`` then rename, so a crash never leaves half a file."""
    state = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items()}
    return write_atomically(path, lambda tmp: save_file(state, tmp, metadata=metadata(meta)))


def read_metadata(path: str | Path) -> dict[str, str]:
    """The metadata header of a weights file, checked to be ours."""
    path = Path(path).expanduser()
    not_ours = WeightsError(
        f"{path}: is not an rnn-tui weights file (a .safetensors file written by `rnn-tui train --save`)."
    )
    if path.is_dir():
        raise WeightsError(f"{path}: is a directory; give a weights file (.safetensors) written by `rnn-tui train --save`.")
    if path.exists() and not path.is_file():
        raise not_ours
    try:
        with open(path, "rb") as handle:
            size = int.from_bytes(handle.read(8), "little")
            if not 0 < size < 100_000_000:
                raise ValueError
            header = json.loads(handle.read(size))
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such weights file.") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise not_ours from None
    if not isinstance(header, dict):  # JSON, but not a safetensors header
        raise not_ours
    meta = header.get("__metadata__") or {}
    if not isinstance(meta, dict):
        raise not_ours
    if meta.get("format") != FORMAT:
        found = f"format {meta['format']!r}" if "format" in meta else "no format tag"
        raise WeightsError(f"{path}: is a safetensors file but not one written by rnn-tui ({found}; expected {FORMAT!r}).")
    return meta


def load_weights(model: torch.nn.Module, path: str | Path) -> dict[str, str]:
    """Load weights into ``model``; refuse files of another shape with a clear message."""
    state, meta = read_weights(model, path)
    model.load_state_dict(state)
    return meta


def read_weights(model: torch.nn.Module, path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The file's tensors, checked to fit ``model`` (not loaded into it), and its metadata.

    For a caller that must load them its own way, e.g. ``Trainer.load_state``.
    """
    path = Path(path).expanduser()
    meta = read_metadata(path)
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise WeightsError(f"{path}: is damaged or truncated and cannot be read ({error}).") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        details = []
        if wrong:
            k = wrong[0]
            details.append(f"{k} is {tuple(state[k].shape)} in the file but {tuple(expected[k].shape)} in this model")
        if missing:
            details.append(f"missing {', '.join(missing[:3])}")
        if unexpected:
            details.append(f"unexpected {', '.join(unexpected[:3])}")
        saved = f"{meta.get('scenario', '?')} / {meta.get('cell', '?')} / hidden {meta.get('hidden_size', '?')}"
        raise WeightsError(
            f"{path}: these weights were saved from another model shape ({saved}): {'; '.join(details)}. "
            "Load them with the same scenario, cell, hidden size and layers they were trained with."
        )
    odd = [k for k in expected if not state[k].is_floating_point()]
    if odd:
        raise WeightsError(f"{path}: {odd[0]} holds {state[odd[0]].dtype} values; weights are floating-point numbers.")
    broken = [k for k in expected if not torch.isfinite(state[k]).all()]
    if broken:
        # Nothing trains or traces from NaN: every loss would be NaN from the first step.
        raise WeightsError(f"{path}: {broken[0]} holds NaN or infinite values; weights must be finite numbers.")
    return state, meta
