"""Built-in lessons ship inside the wheel (like scenarios) and are found there."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.test_packaging import build_wheel

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # builds a wheel
def test_wheel_contains_lessons_and_finds_them(tmp_path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    lessons = sorted((ROOT / "lessons").glob("*.toml"))
    assert len(lessons) >= 8
    for lesson in lessons:
        assert f"rnn_tui/lessons/{lesson.name}" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from rnn_tui.core.lessons.loader import lessons_dir, builtin_lessons; print(lessons_dir()); "
            "print([lesson.name for lesson in builtin_lessons()])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": ""}, check=True).stdout
    assert str(site) in out and "vanishing-gradients" in out
