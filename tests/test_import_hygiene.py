"""The engine never imports textual (or rich); `rnn-tui list` stays light."""

import subprocess
import sys

import pytest

ENGINE = [
    "rnn_tui.core.scenario", "rnn_tui.core.training", "rnn_tui.core.trace", "rnn_tui.core.probes",
    "rnn_tui.core.inference", "rnn_tui.core.weights", "rnn_tui.core.data.loading",
    "rnn_tui.core.interventions", "rnn_tui.core.intervention_trace", "rnn_tui.core.ablation",
    "rnn_tui.core.state_map",
    "rnn_tui.core.sweep", "rnn_tui.core.sweep_worker",
]


def modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.slow  # >= 6 s in the fast suite's profile: the slow suite (CI) runs it
def test_engine_does_not_import_textual_or_rich():
    loaded = modules_after("\n".join(f"import {m}" for m in ENGINE) + "\nimport rnn_tui.core.data as d\n"
                           "[d.generator_module(n) for n in d.GENERATORS]")
    assert "textual" not in loaded and "rich" not in loaded
    assert "torch" in loaded  # the check is meaningful: the engine really was imported


def test_cli_module_is_light():
    loaded = modules_after("import rnn_tui.cli")
    assert "torch" not in loaded and "textual" not in loaded


def test_sweep_results_need_no_torch():
    """A UI charts a sweep from its result types without loading torch."""
    loaded = modules_after("import rnn_tui.core.sweep")
    assert "torch" not in loaded and "textual" not in loaded and "rich" not in loaded
    assert "numpy" in loaded
