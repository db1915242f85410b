"""A step's question and check decided on measured values (what the runner and the app share)."""

import math
import subprocess
import sys

import pytest

from rnn_tui.core.errors import RnnTuiError
from rnn_tui.core.lessons.checks import decide
from rnn_tui.core.lessons.model import Check, Choice, LessonStep, Question

ASK = Question("Which gradient reaches t = 1?", (
    Choice("a", "the RNN's", "grad_ratio.rnn > grad_ratio.lstm"),
    Choice("b", "the LSTM's", "grad_ratio.lstm > grad_ratio.rnn"),
    Choice("c", "both", "grad_ratio.lstm > 0 and grad_ratio.rnn > 0"),
))
CHECK = Check("grad_ratio.rnn < 1e-3 * grad_ratio.lstm", "RNN {grad_ratio.rnn:.0e} of t=T",
              "RNN {grad_ratio.rnn:.1e}, LSTM {grad_ratio.lstm:.1e}, metric {metric:.0%}")
STEP = LessonStep(line=12, say="...", ask=ASK, check=CHECK)


def test_right_answers_are_the_choices_that_hold():
    question, check = decide(STEP, {"grad_ratio.rnn": 3e-10, "grad_ratio.lstm": 0.5, "metric": 0.9})
    assert question.holds and question.right == ("b", "c") and question.step_line == 12
    assert question.claim == "ask: Which gradient reaches t = 1?"
    assert question.text == "right on this run: b) the LSTM's; c) both"
    assert check.holds and check.text == "RNN 3e-10 of t=T" and check.right == ()
    # The values read by the claim and by both texts, for the report.
    assert check.values == {"grad_ratio.rnn": 3e-10, "grad_ratio.lstm": 0.5, "metric": 0.9}


def test_otherwise_shows_the_numbers():
    question, check = decide(STEP, {"grad_ratio.rnn": 0.1, "grad_ratio.lstm": 0.5, "metric": 0.9})
    assert not check.holds and check.text == "RNN 1.0e-01, LSTM 5.0e-01, metric 90%"
    assert question.right == ("b", "c")


def test_a_question_with_no_right_answer_fails():
    question, _ = decide(STEP, {"grad_ratio.rnn": 0.0, "grad_ratio.lstm": 0.0, "metric": 0.5})
    assert not question.holds and question.right == () and question.text == "no choice holds on this run"


def test_an_unmeasured_quantity_fails_the_claim_and_says_so():
    question, check = decide(STEP, {"grad_ratio.lstm": 0.5, "metric": math.nan})
    assert not check.holds and check.text.startswith("not measured on this run: grad_ratio.rnn.")
    assert "(grad_ratio.rnn: not measured)" in check.text
    assert question.right == ()


def test_a_claim_that_cannot_be_decided_is_the_lessons_error():
    step = LessonStep(line=3, say="", check=Check('cell < 2', "", ""))
    with pytest.raises(RnnTuiError, match="claim 'cell < 2'"):
        decide(step, {"cell": "rnn"})


def test_deciding_does_not_import_torch():
    code = "import sys; import rnn_tui.core.lessons.checks, rnn_tui.core.lessons.quantities; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
