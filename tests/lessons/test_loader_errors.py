"""Lesson files are validated strictly: each error names the file, line, field, value and what is allowed."""

import subprocess
import sys

import pytest

from rnn_tui.core.lessons.loader import LessonError, builtin_lessons, find_lesson, load_lesson
from rnn_tui.core.lessons.model import (
    Ablate,
    Compare,
    Intervene,
    OpenScenario,
    SetCell,
    SetField,
    ShowPanel,
    ShowSample,
    ShowTimestep,
    Sweep,
    Train,
)

GOOD = '''\
title = "Vanishing gradients"
order = 4
summary = "Why a vanilla RNN forgets."
hide_panels = ["try"]

[[step]]
say = "Long memory."
do = [{ open = "long-memory", set = ["data.params.seq_len=30"] }, { show = "training" }]

[[step]]
say = "Both cells train."
ask = { prompt = "Which is larger?", choices = [
    { key = "a", text = "vanilla RNN", holds = "grad_ratio.rnn > grad_ratio.lstm" },
    { key = "b", text = "LSTM", holds = "grad_ratio.lstm > grad_ratio.rnn" } ] }
do = [{ compare = 100 }]
check = { claim = "grad_ratio.rnn < 1e-3 * grad_ratio.lstm", reveal = "RNN {grad_ratio.rnn:.0e}", otherwise = "" }

[[step]]
say = "Everything else."
do = [
    { cell = "gru" },
    { field = "training.learning_rate", value = 0.01 },
    { timestep = 3 },
    { sample = "not" },
    { sample = 2 },
    { train = 50 },
    { train = "goal" },
    { train = 80, until_goal = true },
    { sweep = "data.params.seq_len", values = [5, 10], cells = ["rnn", "lstm"], steps = 20 },
    { intervene = "z:*@2..=0" },
    { ablate = true },
]
check = { claim = "sweep.metric.rnn.2 < goal", reveal = "{sweep.metric.lstm.1:.0%}", otherwise = "-" }
'''


def write(tmp_path, text, name="lesson.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_for(tmp_path, old, new):
    assert old in GOOD, old
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert message.startswith(f"{path}") and "allowed:" in message and "\n" not in message
    return caught.value


def test_a_good_file_loads_into_the_model(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD, "vanishing.toml"))
    assert (lesson.name, lesson.order, lesson.hide_panels, lesson.hide_keys) == ("vanishing", 4, ("try",), ())
    first, second, third = lesson.steps
    assert (first.line, second.line, third.line) == (6, 10, 18)
    assert first.actions == (OpenScenario("long-memory", ("data.params.seq_len=30",)), ShowPanel("training"))
    assert second.actions == (Compare(100),) and [c.key for c in second.ask.choices] == ["a", "b"]
    assert second.check.claim == "grad_ratio.rnn < 1e-3 * grad_ratio.lstm"
    assert third.actions == (
        SetCell("gru"), SetField("training.learning_rate", "0.01"), ShowTimestep(3), ShowSample(None, "not"),
        ShowSample(2, None), Train(50, False), Train(None, True), Train(80, True),
        Sweep("data.params.seq_len", ("5", "10"), ("rnn", "lstm"), 20), Intervene("z:*@2..=0"), Ablate(),
    )


@pytest.mark.parametrize(("old", "new", "line", "field", "shown"), [
    ('order = 4', 'order = 4\ncolour = "red"', 3, "colour", "'red'"),  # unknown key
    ('order = 4', 'order = "4"', 2, "order", "'4'"),  # wrong type
    ('title = "Vanishing gradients"\n', '', None, "title", "is missing"),
    ('hide_panels = ["try"]', 'hide_panels = ["tyr"]', 4, "hide_panels", "'tyr'"),
    ('say = "Both cells train."', 'sya = "Both"', 11, "step 2.sya", "'Both'"),
    ('{ open = "long-memory"', '{ open = "long-memroy"', 8, "step 1.do[1].open", "'long-memroy'"),
    ('data.params.seq_len=30', 'data.params.seq_lenn=30', 8, "step 1.do[1].set", "seq_lenn"),
    ('data.params.seq_len=30', 'model.hidden_size=0', 8, "step 1.do[1].set", "hidden_size"),
    ('data.params.seq_len=30', 'training.seed=3', 8, "step 1.do[1].set", "training.seed"),
    ('{ show = "training" }', '{ show = "trainig" }', 8, "step 1.do[2].show", "'trainig'"),
    ('{ compare = 100 }', '{ comapre = 100 }', 15, "step 2.do[1]", "comapre"),  # unknown action
    ('{ compare = 100 }', '{ compare = 100, show = "map" }', 15, "step 2.do[1]", "compare, show"),
    ('{ compare = 100 }', '{ compare = 0 }', 15, "step 2.do[1].compare", "0"),
    ('{ cell = "gru" }', '{ cell = "grue" }', 21, "step 3.do[1].cell", "'grue'"),
    ('{ field = "training.learning_rate"', '{ field = "training.learning_rat"', 22, "step 3.do[2].field", "learning_rat"),
    ('{ timestep = 3 }', '{ timestep = 0 }', 23, "step 3.do[3].timestep", "0"),
    ('{ train = "goal" }', '{ train = "gaol" }', 27, "step 3.do[7].train", "'gaol'"),
    ('cells = ["rnn", "lstm"]', 'cells = ["rnn", "lsmt"]', 29, "step 3.do[9].cells", "'lsmt'"),
    ('values = [5, 10]', 'values = [5]', 29, "step 3.do[9].values", "[5]"),
    ('{ intervene = "z:*@2..=0" }', '{ intervene = "f*@2=0" }', 30, "step 3.do[10].intervene", "'f*@2=0'"),
    ('{ ablate = true }', '{ ablate = 1 }', 31, "step 3.do[11].ablate", "1"),
    ('holds = "grad_ratio.lstm > grad_ratio.rnn"', 'holds = "grad_ratoi.lstm > 1"', 14,
     "step 2.ask.choices[2].holds", "grad_ratoi.lstm is not a measured quantity"),
    ('{ key = "b"', '{ key = "c"', 14, "step 2.ask.choices[2].key", "'c'"),
    ('claim = "grad_ratio.rnn < 1e-3', 'claim = "grad_ratio.rnn << 1e-3', 16, "step 2.check.claim", "character 17"),
    ('reveal = "RNN {grad_ratio.rnn:.0e}"', 'reveal = "RNN {grad_ratio.rmn:.0e}"', 16, "step 2.check.reveal",
     "grad_ratio.rmn"),
    ('reveal = "RNN {grad_ratio.rnn:.0e}"', 'reveal = "RNN {grad_ratio.rnn"', 16, "step 2.check.reveal", "braces"),
    ('claim = "sweep.metric.rnn.2 < goal"', 'claim = "sweep.metric.rnn.3 < goal"', 33, "step 3.check.claim",
     "past the swept values"),
])
def test_each_error_names_file_line_field_and_value(tmp_path, old, new, line, field, shown):
    error = error_for(tmp_path, old, new)
    message = str(error)
    assert error.line == line and (f", line {line}:" in message if line else ", line" not in message)
    assert f": {field}" in message and shown in message, message


def test_two_choices_at_least(tmp_path):
    text = GOOD.replace('    { key = "b", text = "LSTM", holds = "grad_ratio.lstm > grad_ratio.rnn" } ] }', "] }")
    text = text.replace('"grad_ratio.rnn > grad_ratio.lstm" },', '"grad_ratio.rnn > grad_ratio.lstm" }')
    with pytest.raises(LessonError, match=r"line 12: step 2.ask.choices = .*allowed: 2 to 4 choices"):
        load_lesson(write(tmp_path, text))


def test_an_action_before_any_scenario_is_open(tmp_path):
    text = GOOD.replace('do = [{ open = "long-memory", set = ["data.params.seq_len=30"] }, ', "do = [")
    with pytest.raises(LessonError, match=r"line 15: step 2.do\[1\]: no scenario is open yet"):
        load_lesson(write(tmp_path, text))


def test_not_toml_names_the_line(tmp_path):
    path = write(tmp_path, GOOD + "\n[[step]\n")
    with pytest.raises(LessonError, match=r"line 35: the file: this is not valid TOML"):
        load_lesson(path)


def test_no_steps(tmp_path):
    path = write(tmp_path, GOOD.split("[[step]]")[0])
    with pytest.raises(LessonError, match=r": step: a lesson needs steps; allowed: one or more \[\[step\]\]"):
        load_lesson(path)


def test_missing_and_odd_files(tmp_path):
    with pytest.raises(LessonError, match="no such file"):
        load_lesson(tmp_path / "absent.toml")
    with pytest.raises(LessonError, match="is not a regular file"):
        load_lesson(tmp_path)
    (tmp_path / "latin1.toml").write_bytes(b'title = "caf\xe9"')
    with pytest.raises(LessonError, match="is not UTF-8 text"):
        load_lesson(tmp_path / "latin1.toml")


def test_unknown_lesson_name_lists_the_lessons():
    with pytest.raises(LessonError) as error:
        find_lesson("vanishing")
    names = [lesson.name for lesson in builtin_lessons()]
    assert "no built-in lesson has this name" in str(error.value) and ", ".join(names) in str(error.value)


def test_builtin_lessons_load_in_the_lectures_order():
    lessons = builtin_lessons()
    assert [lesson.order for lesson in lessons] == list(range(1, 9))
    for lesson in lessons:
        assert find_lesson(lesson.name) == lesson
        assert any(step.ask for step in lesson.steps), f"{lesson.name} asks no prediction"
        assert any(step.check for step in lesson.steps), f"{lesson.name} checks no claim"


def test_loading_lessons_does_not_import_torch():
    # `rnn-tui learn` lists lessons at once; no torch (a subprocess: this one has torch loaded).
    code = ("import sys; from rnn_tui.core.lessons.loader import builtin_lessons; builtin_lessons(); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
