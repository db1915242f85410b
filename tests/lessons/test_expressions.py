"""The claim language: arithmetic, comparisons, logic; errors say where; never eval."""

import math

import pytest

from rnn_tui.core.lessons.expressions import (
    ExpressionError,
    MissingQuantity,
    evaluate,
    names,
    parse,
    render,
    template_fields,
)

VALUES = {"grad_ratio.rnn": 3e-10, "grad_ratio.lstm": 0.5, "metric.lstm": 0.97, "goal": 0.95,
          "cell": "lstm", "nan": math.nan, "zero": 0.0, "w_h": -3.25, "sweep.metric.rnn.1": 0.4}


@pytest.mark.parametrize(("claim", "expected"), [
    ("grad_ratio.rnn < 1e-3 * grad_ratio.lstm and metric.lstm >= goal", True),
    ("grad_ratio.rnn > grad_ratio.lstm or metric.lstm < goal", False),
    ("not metric.lstm < goal", True),
    ("not (metric.lstm >= goal and cell == 'rnn')", True),
    ('cell == "lstm"', True),
    ("cell != 'lstm'", False),
    ("0.9 < metric.lstm <= 1", True),  # chained like Python
    ("0.98 < metric.lstm <= 1", False),
    ("1 + 2 * 3 == 7", True),  # precedence
    ("(1 + 2) * 3 == 9", True),
    ("-w_h > 3", True),
    ("abs(w_h) > 3 and min(1, 2, 0.5) == 0.5 and max(goal, 0.1) == goal", True),
    ("log10(grad_ratio.lstm / grad_ratio.rnn) > 9", True),
    ("nan < 1 or nan >= 1 or nan == nan", False),  # NaN compares false, as in arithmetic
    ("1 / zero > 1e300", True),  # a ratio to zero is as large as can be
    ("sweep.metric.rnn.1 < .5", True),
    ("1e-3 < 2E-3", True),
])
def test_claims(claim, expected):
    assert evaluate(claim, VALUES) is expected


def test_names_are_every_quantity_read():
    node = parse("abs(w_h) > 1 and not (0 < metric.lstm < goal) or -grad_ratio.rnn * 2 == cell")
    assert names(node) == {"w_h", "metric.lstm", "goal", "grad_ratio.rnn", "cell"}


def test_an_unmeasured_quantity_is_named():
    with pytest.raises(MissingQuantity) as error:
        evaluate("metric.gru > goal", VALUES)
    assert error.value.name == "metric.gru" and "not measured" in str(error.value)


@pytest.mark.parametrize(("claim", "where"), [
    ("metric.lstm >", "character 14"),
    ("metric.lstm >> 1", "character 14"),
    ("metric.lstm @ 2", "character 13"),
    ("(goal < 1", "character 10"),
    ("goal 1", "character 6"),
    ("", "empty"),
])
def test_syntax_errors_say_where(claim, where):
    with pytest.raises(ExpressionError, match=where):
        parse(claim)


@pytest.mark.parametrize("attack", [
    "__import__('os').system('echo hi')",
    "goal.__class__",
    "open('x')",
    "[1, 2]",
    "lambda: 1",
])
def test_python_is_not_evaluated(attack):
    with pytest.raises(ExpressionError):
        evaluate(attack, VALUES)


@pytest.mark.parametrize("claim", ["cell < 1", "cell + 1 > 0", "cell", "cell < 'm'"])
def test_text_is_compared_for_equality_only(claim):
    with pytest.raises(ExpressionError):
        evaluate(claim, VALUES)


def test_render_formats_names_and_arithmetic():
    text = render("RNN {grad_ratio.rnn:.0e} of {grad_ratio.lstm:.1f}; {abs(w_h):.2f}; "
                  "{log10(grad_ratio.lstm / grad_ratio.rnn):.0f} orders; {cell} {metric.lstm:.0%} {{x}}", VALUES)
    assert text == "RNN 3e-10 of 0.5; 3.25; 9 orders; lstm 97% {x}"


def test_render_shows_what_was_not_measured():
    assert render("GRU {metric.gru:.2f}!", VALUES) == "GRU (metric.gru: not measured)!"
    assert render("{cell:.2f}", VALUES) == "lstm"  # a text with a number's format, as it is


@pytest.mark.parametrize(("template", "problem"), [
    ("{goal:.2q}", "bad format spec"),
    ("{goal!r}", "not a quantity"),
    ("{goal", "braces"),
    ("{}", "not a quantity"),
    ("{goal <}", "expected"),
])
def test_bad_templates(template, problem):
    with pytest.raises(ExpressionError, match=problem):
        template_fields(template)
