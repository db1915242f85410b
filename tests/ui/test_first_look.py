"""The first screen, while torch loads: the scenario's description and its network unrolled,
drawn without importing torch (nor numpy and the charts, before the panels)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_first_frame_shows_description_and_unrolled_network(size):
    """In a fresh process (torch never loads there: it is what "before torch" means)."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.ui.first_look_app", size],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    summary = found["scenario"]["summary"]
    # The first frame, before the panels' modules are imported.
    first = found["first"]
    assert first["about"] is not None and summary in first["about"]
    assert first["unrolled"] is not None and "x_1" in first["unrolled"]
    assert "LSTM" in first["unrolled"]  # the cell's boxes
    assert first["loaded"] == []  # no torch, numpy or chart library yet
    # The panels are up, torch is still loading: the timestep panel says the same.
    mounted = found["mounted"]
    assert mounted["about"] is not None and summary in mounted["about"]
    assert mounted["unrolled"] is not None and "x_1" in mounted["unrolled"]
    assert "torch" not in mounted["loaded"]
    assert "loading" in found["status"]
    # The engine started (the training process, still loading): the UI's own model copy
    # waits for it to be ready, so torch is not imported here yet either.
    assert found["mirror_builds"] == 0 and "torch" not in found["engine_started"]
