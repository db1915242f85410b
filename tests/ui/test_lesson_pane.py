"""The lesson pane's words, without an app: reflowed text, marks, judgements, key hints."""

from __future__ import annotations

from pathlib import Path

from rnn_tui.core.lessons.loader import load_lesson
from rnn_tui.ui.lessons.live import describe
from rnn_tui.ui.lessons.mode import key_matches
from rnn_tui.ui.lessons.pane import key_hints, reflow, step_text
from rnn_tui.ui.lessons.walk import LessonWalk

TINY = Path(__file__).parent / "data" / "tiny-lesson.toml"


def test_reflow_joins_the_files_line_breaks_and_keeps_paragraphs_and_equations():
    text = "One unit reads\none number.\n\n    h_t = tanh(x)\n\nThen it\nanswers."
    assert reflow(text) == "One unit reads one number.\n\n    h_t = tanh(x)\n\nThen it answers."


def test_a_question_is_asked_before_anything_runs_then_judged_on_the_run():
    walk = LessonWalk(load_lesson(TINY), start=1)
    record = walk.begin()
    assert record.phase == "asking"
    text = step_text(walk).plain
    assert "? After 10 steps" in text and "Press a key to predict" in text
    assert key_hints(walk).startswith("a-c predict")
    record.answer, record.right, record.phase = "b", ("a",), "checked"
    record.holds, record.result = True, "Trained to step 10."
    text = step_text(walk).plain
    assert "b  no, not lower  ← your prediction" in text
    assert "a  yes, lower ✔ held" in text
    assert "✖ Not on this run: the choice that held is a." in text
    assert "✔ Trained to step 10." in text
    record.right = ("a", "c")
    assert "the choices that held are a and c" in step_text(walk).plain


def test_step_counter_moves_and_the_end_is_said():
    walk = LessonWalk(load_lesson(TINY))
    assert walk.counter() == "step 1 / 4"
    assert not walk.move(-1) and walk.move(3) and walk.last
    assert not walk.move(1)
    walk.finished = True
    assert "Lesson finished" in step_text(walk).plain
    assert key_hints(walk) == "< back · L lessons · X leave"


def test_actions_are_said_in_short_words():
    lesson = load_lesson(TINY)
    opened = describe(lesson.steps[0].actions[0])
    assert opened.startswith("opened long-memory: seq_len=8, n_train=256")


def test_hidden_keys_match_by_name_or_character():
    assert key_matches("left_square_bracket", ("[",))
    assert key_matches("ctrl+r", ("ctrl+r",))
    assert key_matches("g", ("g",)) and not key_matches("c", ("g",))
