"""Edge cases of the claim language: NaN, unmeasured names beside `or`, and hostile nesting."""

import math

import pytest

from rnn_tui.core.lessons.checks import decide
from rnn_tui.core.lessons.expressions import (
    MAX_CHARS,
    ExpressionError,
    MissingQuantity,
    compute,
    evaluate,
    parse,
)
from rnn_tui.core.lessons.model import Check, LessonStep

VALUES = {"nan": math.nan, "one": 1.0, "minus": -2.0}


def test_log10_of_nan_stays_nan():
    assert math.isnan(compute(parse("log10(nan)"), VALUES))
    assert math.isnan(compute(parse("log10(minus)"), VALUES))
    assert compute(parse("log10(0)"), VALUES) == -math.inf
    assert not evaluate("log10(nan) < 0", VALUES)


@pytest.mark.parametrize("claim", ["nan != 1", "1 != nan", "nan != nan", "nan == nan", "nan < 1", "nan >= 1"])
def test_no_comparison_with_nan_holds_not_even_not_equal(claim):
    assert evaluate(claim, VALUES) is False


def test_an_unmeasured_name_fails_the_claim_even_beside_a_true_or():
    with pytest.raises(MissingQuantity):
        evaluate("metric.lstm > 0 or 1 == 1", VALUES)
    step = LessonStep(line=3, say="...", ask=None, check=Check("metric.lstm > 0 or 1 == 1", "yes", "no"))
    (outcome,) = decide(step, {})
    assert not outcome.holds and "not measured on this run: metric.lstm" in outcome.text


@pytest.mark.parametrize("claim", ["(" * 1000 + "1" + ")" * 1000, "not " * 1000 + "1", "-" * 1000 + "1",
                                   "abs(" * 200 + "1" + ")" * 200])
def test_deep_nesting_is_an_error_not_a_recursion_error(claim):
    with pytest.raises(ExpressionError) as caught:
        parse(claim)
    assert "nests deeper" in str(caught.value) or "characters" in str(caught.value)


def test_a_long_chain_is_refused_before_it_can_recurse():
    with pytest.raises(ExpressionError, match=f"at most {MAX_CHARS}"):
        parse(" + ".join(["one"] * 2000))


def test_moderate_nesting_still_works():
    assert evaluate("(" * 20 + "one" + ")" * 20 + " == 1 and not not one", VALUES)
