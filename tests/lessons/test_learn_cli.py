"""`rnn-tui learn`: the list, bad names and files (exit 2), and --check's report and exit codes."""

import pytest

from rnn_tui.core.lessons.loader import builtin_lessons
from tests.cli.conftest import run_here  # noqa: F401  (the fixture)

TINY = '''\
title = "Tiny"
order = 99
summary = "Two claims on a tiny run."

[[step]]
say = "One unit, ten steps."
ask = { prompt = "Is it one unit?", choices = [
    { key = "a", text = "yes", holds = "hidden_size == 1" },
    { key = "b", text = "no", holds = "hidden_size != 1" } ] }
do = [{ open = "sign-memory", set = ["data.params.n_train=40", "data.params.n_test=20"] }, { train = 10 }]
check = { claim = "steps == 10 and CLAIM", reveal = "{steps} steps, accuracy {metric:.0%}", otherwise = "only {metric:.0%}" }
'''


def test_the_list_is_in_the_lectures_order(run_here):  # noqa: F811
    result = run_here("learn")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    names = [lesson.name for lesson in builtin_lessons()]
    positions = [next(i for i, line in enumerate(lines) if f"  {name}  " in line) for name in names]
    assert positions == sorted(positions) and len(names) == 8
    flowing = " ".join(result.stdout.split())  # summaries are wrapped to the terminal
    for lesson in builtin_lessons():
        assert lesson.title in result.stdout and lesson.summary in flowing


def test_an_unknown_lesson_is_exit_2_with_the_names(run_here):  # noqa: F811
    result = run_here("learn", "vanishing", "--check")
    assert result.returncode == 2 and "no built-in lesson has this name" in result.stderr
    assert "vanishing-gradients" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_lesson_file_is_exit_2_with_its_line(run_here, tmp_path):  # noqa: F811
    path = tmp_path / "bad.toml"
    path.write_text(TINY.replace("CLAIM", "metric >= gaol"))
    result = run_here("learn", str(path), "--check")
    assert result.returncode == 2
    assert f"{path}, line 11: step 1.check.claim" in result.stderr and "gaol is not a measured quantity" in result.stderr


@pytest.mark.parametrize(("claim", "code", "mark"), [("metric >= 0", 0, "holds "), ("metric > 1", 1, "FAILED")])
def test_check_prints_each_claim_with_its_values(run_here, tmp_path, claim, code, mark):  # noqa: F811
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.replace("CLAIM", claim))
    result = run_here("learn", str(path), "--check", "--seed", "1")
    assert result.returncode == code, result.stdout + result.stderr
    out = result.stdout
    assert "seed 1" in out and "holds   line 5: ask: Is it one unit?" in out and "right on this run: a) yes" in out
    assert f"{mark}  line 5: steps == 10 and {claim}" in out and "measured: " in out and "steps = 10" in out
    assert ("10 steps, accuracy" if code == 0 else "only ") in out
