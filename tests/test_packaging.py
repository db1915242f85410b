"""Built-in scenarios ship inside the wheel and are found there."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(folder: Path) -> Path:
    """The project's wheel, built into ``folder`` (skips where hatchling is missing)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(ROOT)],
        capture_output=True, text=True,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    return next(folder.glob("rnn_tui-*.whl"))


def test_wheel_contains_scenarios_and_data(tmp_path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in (ROOT / "scenarios").glob("*.toml"):
        assert f"rnn_tui/scenarios/{scenario.name}" in names
    assert "rnn_tui/scenarios/data/eu_stock_markets.csv" in names
    assert "rnn_tui/scenarios/data/README.md" in names

    # Installed from the wheel (unpacked, away from the repo), the scenarios are found.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "from rnn_tui.core.scenario import scenarios_dir, builtin_names; print(scenarios_dir()); print(builtin_names())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": ""}, check=True).stdout
    assert str(site) in out and "stock-prices" in out
