"""Writing a weights file without torch: numpy arrays to safetensors, atomically.

``core.weights`` (which imports torch) writes a model through ``write_atomically`` too.
Apart so that the app can keep its newest weights (numpy, from the training process) when
a signal ends it before its own copy of the model exists: importing torch then would take
seconds it does not have.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from rnn_tui.core.errors import WeightsError

FORMAT = "rnn-tui-weights/1"


def write_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary path)`` beside ``path``, then rename, so a crash never leaves
    half a file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise WeightsError(f"{path}: is a directory; give a file name such as {path / 'model.safetensors'}.")
    if path.exists() and not path.is_file():
        # The rename that makes saving atomic would replace a device or pipe (/dev/null!).
        raise WeightsError(f"{path}: is not a regular file; weights are saved to a file such as model.safetensors.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            write(tmp)
            _flush_to_disk(tmp)  # else a power cut soon after the rename may leave an empty file
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _flush_to_disk(path.parent)
    except OSError as error:
        raise WeightsError(f"{path}: cannot write weights there ({error.strerror}).") from None
    return path


def metadata(meta: Mapping[str, object]) -> dict[str, str]:
    """The file's header: our format tag, then ``meta`` as strings."""
    return {"format": FORMAT, **{k: str(v) for k, v in meta.items()}}


def save_arrays(
    arrays: Mapping[str, np.ndarray], path: str | Path, meta: Mapping[str, object]
) -> Path:
    """A state_dict as numpy arrays (``ui.protocol.Weights``) to a weights file, as
    ``core.weights.save_weights`` writes a model's: the same names, dtypes and header."""
    state = {name: np.ascontiguousarray(value) for name, value in arrays.items()}
    return write_atomically(path, lambda tmp: save_file(state, tmp, metadata=metadata(meta)))


def _flush_to_disk(path: str | Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # e.g. a folder that cannot be opened on this platform: best effort
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """What open() would give a new file (mkstemp's files are private, 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
