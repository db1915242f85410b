"""Save and load trained weights as safetensors: atomic on save, no code run on load."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from rnn_tui.core.errors import WeightsError

FORMAT = "rnn-tui-weights/1"


def save_weights(model: torch.nn.Module, path: str | Path, meta: dict[str, str]) -> Path:
    """Write to a temporary file beside ``path`` then rename, so a crash never leaves half a file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise WeightsError(f"{path}: is a directory; give a file name such as {path / 'model.safetensors'}.")
    state = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items()}
    metadata = {"format": FORMAT, **{k: str(v) for k, v in meta.items()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            save_file(state, tmp, metadata=metadata)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as error:
        raise WeightsError(f"{path}: cannot write weights there ({error.strerror}).") from None
    return path


def read_metadata(path: str | Path) -> dict[str, str]:
    """The metadata header of a weights file, checked to be ours."""
    path = Path(path).expanduser()
    try:
        with open(path, "rb") as handle:
            size = int.from_bytes(handle.read(8), "little")
            if not 0 < size < 100_000_000:
                raise ValueError
            header = json.loads(handle.read(size))
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such weights file.") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise WeightsError(
            f"{path}: is not an rnn-tui weights file (a .safetensors file written by `rnn-tui train --save`)."
        ) from None
    meta = header.get("__metadata__") or {}
    if meta.get("format") != FORMAT:
        raise WeightsError(f"{path}: is a safetensors file but not one written by rnn-tui (format {meta.get('format')!r}).")
    return meta


def load_weights(model: torch.nn.Module, path: str | Path) -> dict[str, str]:
    """Load weights into ``model``; refuse files of another shape with a clear message."""
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
    model.load_state_dict(state)
    return meta
