"""Saving weights is atomic (a crash mid-save leaves the old file whole); loading runs no code."""

from __future__ import annotations

import errno
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from rnn_tui.core import weights
from rnn_tui.core.errors import WeightsError
from rnn_tui.core.weights import load_weights, read_metadata, save_weights


def model_filled_with(value: float, hidden_size: int = 8) -> torch.nn.Module:
    model = torch.nn.LSTM(4, hidden_size)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(value)
    return model


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = save_weights(model_filled_with(1.0), tmp_path / "w.safetensors", {"step": "1"})
    before = path.read_bytes()

    def disk_full_halfway(state, filename, metadata=None):
        Path(filename).write_bytes(b"half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(weights, "save_file", disk_full_halfway)
    with pytest.raises(WeightsError, match="No space left on device"):
        save_weights(model_filled_with(2.0), path, {"step": "2"})
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_any_exception_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = save_weights(model_filled_with(1.0), tmp_path / "w.safetensors", {"step": "1"})
    before = path.read_bytes()

    def crash(state, filename, metadata=None):
        Path(filename).write_bytes(before[: len(before) // 2])
        raise KeyboardInterrupt  # Ctrl+C at the worst moment

    monkeypatch.setattr(weights, "save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        save_weights(model_filled_with(2.0), path, {"step": "2"})
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
    load_weights(model_filled_with(0.0), path)


def test_a_saved_file_is_readable_like_a_new_file(tmp_path):
    """The temporary file is private (0600); the saved one gets the usual permissions."""
    umask = os.umask(0o022)
    try:
        path = save_weights(model_filled_with(1.0), tmp_path / "w.safetensors", {})
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


# The child saves ever-changing weights in a loop and says when each save starts and ends.
CHILD = """
import sys, torch
from rnn_tui.core.weights import save_weights
torch.set_num_threads(1)
model = torch.nn.LSTM(512, 512, num_layers=3)  # ~25 MB: a save takes a while
for step in range(1, 10_000):
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(float(step))
    print("saving", step, flush=True)
    save_weights(model, sys.argv[1], {"step": str(step)})
    print("saved", step, flush=True)
"""


def kill_during_save(path: Path, step: int) -> bool:
    """Run the child; once save ``step`` has started and its temporary file exists, SIGKILL it.

    Returns whether the temporary file was still there after the kill, i.e. the kill
    landed mid-write (it may, rarely, land just after the rename).
    """
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.split() == ["saving", str(step)]:
                deadline = time.monotonic() + 30
                while not leftovers(path.parent) and time.monotonic() < deadline:
                    time.sleep(0.0005)
                child.kill()
                break
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -9
    return bool(leftovers(path.parent))


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_killed_mid_save_leaves_the_last_complete_file(tmp_path):
    """SIGKILL while save N is being written: the file in place is save N-1, whole and loadable."""
    caught_mid_write = 0
    for step in (2, 3, 5):
        folder = tmp_path / f"kill-during-save-{step}"
        folder.mkdir()
        path = folder / "w.safetensors"
        mid_write = kill_during_save(path, step)
        saved = int(read_metadata(path)["step"])
        assert saved == step - 1 if mid_write else saved in (step - 1, step)
        state = load_file(str(path))
        assert all(bool((tensor == saved).all()) for tensor in state.values())
        caught_mid_write += mid_write
    assert caught_mid_write >= 2, "the kills did not land mid-write: make the child's model bigger"


class RunsCode:
    """A pickle that, if unpickled, would create a file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("how", ["pickle", "torch.save"])
def test_loading_refuses_files_that_could_run_code(tmp_path, how):
    marker = tmp_path / "code-ran"
    path = tmp_path / "weights.safetensors"
    if how == "pickle":
        path.write_bytes(pickle.dumps({"weight": RunsCode(marker)}))
    else:
        torch.save({"weight": torch.zeros(2), "payload": RunsCode(marker)}, path)
    with pytest.raises(WeightsError, match="not an rnn-tui weights file"):
        load_weights(model_filled_with(0.0), path)
    assert not marker.exists()


def test_the_package_never_unpickles():
    """No torch.load / pickle.load anywhere in the package: weights are safetensors only."""
    package = Path(weights.__file__).resolve().parents[1]
    offenders = []
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for risky in ("torch.load(", "pickle.load", "pickle.loads", "joblib.load", "numpy.load(", "np.load("):
            if risky in text and not (risky == "torch.load(" and "weights_only=True" in text):
                offenders.append(f"{source.relative_to(package)}: {risky}")
    assert offenders == []
