"""`rnn-tui learn` wraps its text to the terminal (at most 100 columns), so it reads at 80."""

import pytest

from rnn_tui.learn_cli import wrapped
from tests.cli.conftest import run_here  # noqa: F401  (the fixture)


@pytest.mark.parametrize("columns", [80, 100, 200])
def test_the_list_fits_the_terminal(run_here, monkeypatch, columns):  # noqa: F811
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run_here("learn")
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= min(columns, 100)


def test_check_output_is_wrapped_with_a_hanging_indent(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = wrapped("holds  line 5: " + "metric >= goal and " * 10 + "1 == 1", 10, first=2)
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("  holds") and all(line.startswith(" " * 10) for line in lines[1:])
